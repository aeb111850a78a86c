import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaEvaluation
import TarjamaSQLite
import TarjamaMemory
import TarjamaMatch
import TarjamaPretranslate

/// A large synthetic memory made from the real pairs, for the speed bars (1,000,000 units).
///
/// The first pass is the real pairs as they are; later passes recombine and edit them the way
/// wire copy repeats itself: the first part of one sentence joined to the rest of another (both
/// sides), a number changed, a word dropped. The text stays real Arabic and English, term
/// frequencies stay news-like, and every unit is distinct.
enum SyntheticCorpus {
    static func pairs(from path: String) throws -> [(String, String)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw UserError("cannot read '\(path)': the benchmarks need real pairs (pass --pairs FILE with source<TAB>target lines; ../shared/data/parallel/ar-en-33k.tsv is the default).")
        }
        return text.split(separator: "\n").compactMap { line in
            let p = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard p.count >= 2, !p[0].isEmpty, !p[1].isEmpty else { return nil }
            return (String(p[0]), String(p[1]))
        }
    }

    /// Unit `k` of the synthetic corpus (deterministic).
    static func unit(_ k: Int, _ real: [(String, String)]) -> (String, String) {
        let n = real.count
        let base = real[k % n]
        let pass = k / n
        if pass == 0 { return base }
        var rng = SplitMix(seed: UInt64(k))
        let other = real[Int(rng.next() % UInt64(n))]
        func words(_ s: String) -> [Substring] { s.split(separator: " ") }
        var (a, e) = (words(base.0), words(base.1))
        let (oa, oe) = (words(other.0), words(other.1))
        if a.count > 3, oa.count > 3, e.count > 3, oe.count > 3 {
            // First part of this pair, the rest of the other: on both sides, in proportion.
            let cut = Double(rng.next() % 50 + 30) / 100
            a = Array(a.prefix(Int(Double(a.count) * cut))) + oa.suffix(from: Int(Double(oa.count) * cut))
            e = Array(e.prefix(Int(Double(e.count) * cut))) + oe.suffix(from: Int(Double(oe.count) * cut))
        }
        if a.count > 4, rng.next() % 2 == 0 { a.remove(at: Int(rng.next() % UInt64(a.count))) }
        // A pass number keeps units distinct and reads like a changed figure.
        let figure = String(pass * 7 + Int(rng.next() % 90))
        a.insert(Substring(figure), at: Int(rng.next() % UInt64(a.count + 1)))
        e.insert(Substring(figure), at: Int(rng.next() % UInt64(e.count + 1)))
        return (a.joined(separator: " "), e.joined(separator: " "))
    }

    /// Writes `count` units as TSV (once; reused while the file has the right size marker).
    static func tsv(count: Int, pairs path: String, to out: String) throws {
        let marker = out + ".count"
        if (try? String(contentsOfFile: marker, encoding: .utf8)) == String(count), FileManager.default.fileExists(atPath: out) { return }
        let real = try pairs(from: path)
        let sink = try OutputSink(path: out)
        for k in 0..<count {
            let (s, t) = unit(k, real)
            try sink.write(s + "\t" + t + "\n")
        }
        try sink.finish()
        try String(count).write(toFile: marker, atomically: true, encoding: .utf8)
    }

    /// The same units as TMX 1.4, in the shape other tools write (srclang en, ar second).
    static func tmx(fromTSV tsv: String, to out: String) throws {
        let marker = out + ".source"
        let stamp = String((try? FileManager.default.attributesOfItem(atPath: tsv)[.size] as? Int) ?? 0)
        if (try? String(contentsOfFile: marker, encoding: .utf8)) == stamp, FileManager.default.fileExists(atPath: out) { return }
        let sink = try OutputSink(path: out)
        try sink.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n<header creationtool=\"bench\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"bench\" adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/>\n<body>\n")
        var k = 0
        // Streamed batch by batch, so generating the file does not inflate the import's peak memory.
        _ = try TSV.read(path: tsv) { batch in
            for d in batch {
                k += 1
                try sink.write("<tu tuid=\"\(k)\"><tuv xml:lang=\"en-US\"><seg>\(TMXWriter.escape(d.target))</seg></tuv>"
                           + "<tuv xml:lang=\"ar-SA\"><seg>\(TMXWriter.escape(d.source))</seg></tuv></tu>\n")
            }
        }
        try sink.write("</body>\n</tmx>\n")
        try sink.finish()
        try stamp.write(toFile: marker, atomically: true, encoding: .utf8)
    }
}

/// A small deterministic generator (SplitMix64), so synthetic data is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E3779B97F4A7C15 }
    mutating func next() -> UInt64 {
        state = state &+ 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

struct ImportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a synthetic memory from TSV and from TMX; units/s and peak memory against the bars.",
        discussion: """
        Generates (once, under .build/bench/) N units from the real pairs by recombining and editing \
        them, then imports them into a fresh memory from TSV and from TMX. Bars: 150,000 units/s \
        (TSV), 50,000 units/s (TMX), peak memory under 200 MB. The TSV memory is kept as \
        .build/bench/memory-N.tmdb for `tarjama-dev bench lookup`. Example:
          swift run -c release tarjama-dev bench import --units 1000000
        """)

    @Option(help: "Real pairs to build the synthetic corpus from.") var pairs = "../shared/data/parallel/ar-en-33k.tsv"
    @Option(help: "Units to generate and import.") var units = 1_000_000
    @Option(help: "Which imports to run.") var formats: [String] = ["tsv", "tmx"]
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let dir = ".build/bench"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let tsv = "\(dir)/corpus-\(units).tsv", tmx = "\(dir)/corpus-\(units).tmx"
        warn("generating \(units) units from \(pairs) (once)…")
        try SyntheticCorpus.tsv(count: units, pairs: pairs, to: tsv)
        var results: [String: Double] = ["units": Double(units)]
        // Several formats: each import in a process of its own, as a user runs them, so each
        // peak memory is that import's alone (a second import in one process also carried what
        // the first left behind in the allocator).
        if formats.count > 1 {
            for format in formats {
                let child = try runChild(format: format)
                let peak = max(results["peak_rss_mb"] ?? 0, child["peak_rss_mb"] ?? 0)
                results.merge(child) { _, new in new }
                results["peak_rss_mb"] = peak
                if !json { printLine(format: format, child) }
            }
            if json { print(try JSONLines().line(results)) } else {
                print(String(format: "peak memory of an import %.0f MB (bar 200 MB)", results["peak_rss_mb"] ?? 0))
            }
            return
        }
        for format in formats {
            let path = format == "tmx" ? "\(dir)/memory-\(units)-tmx.tmdb" : "\(dir)/memory-\(units).tmdb"
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let input = format == "tmx" ? tmx : tsv
            if format == "tmx" { try SyntheticCorpus.tmx(fromTSV: tsv, to: tmx) }
            // The last run's memory (570 MB) is discarded and the corpus written out before the
            // clock starts: right after deleting it, the disk's discards had stalled the import's
            // writes (11 s of I/O wait in a 20 s run, against 0.3 s in a 10 s one).
            sync()
            Thread.sleep(forTimeInterval: 3)
            let cpuBefore = cpuSeconds()
            let report = try { () throws -> ImportReport in
                let memory = try SQLiteMemory(path: path)   // closed when this closure returns
                let bar = ProgressBar(total: units, label: "units")
                return try memory.importFile(path: input) { bar.update($0) }
            }()
            let peak = residentMegabytes()
            let rate = Double(report.added + report.duplicates) / report.seconds
            results["\(format)_units_per_s"] = rate
            results["\(format)_seconds"] = report.seconds
            results["\(format)_added"] = Double(report.added)
            results["\(format)_peak_rss_mb"] = peak
            results["\(format)_rollback_journal"] = report.journal == "rollback" ? 1 : 0
            // CPU seconds on all threads: steadier than the clock on a shared machine, and what
            // two cores must fit into (150,000 units/s is 13.3 s of CPU a million at most).
            results["\(format)_cpu_seconds"] = cpuSeconds() - cpuBefore
            for (stage, seconds) in report.stageSeconds { results["\(format)_stage_\(stage)_seconds"] = seconds }
            results["peak_rss_mb"] = max(results["peak_rss_mb"] ?? 0, peak)
            if !json { printLine(format: format, results) }
        }
        let rss = results["peak_rss_mb"] ?? residentMegabytes()
        if json { print(try JSONLines().line(results)) } else { print(String(format: "peak memory of an import %.0f MB (bar 200 MB)", rss)) }
    }

    private func printLine(format: String, _ r: [String: Double]) {
        let rate = r["\(format)_units_per_s"] ?? 0, bar = format == "tmx" ? 50_000.0 : 150_000.0
        print(String(format: "import %@: %.0f units in %.1f s = %.0f units/s (bar %.0f: %.2f×), %.1f s of CPU, %@ journal, peak memory %.0f MB",
                     format.uppercased(), r["units"] ?? 0, r["\(format)_seconds"] ?? 0, rate, bar, rate / bar, r["\(format)_cpu_seconds"] ?? 0,
                     (r["\(format)_rollback_journal"] ?? 0) == 1 ? "rollback" : "wal", r["\(format)_peak_rss_mb"] ?? 0))
        // Where the CPU time went, stage by stage (thread time; the stages overlap in time).
        let stages = StageClock.Stage.allCases.compactMap { stage in
            r["\(format)_stage_\(stage.rawValue)_seconds"].map { String(format: "%@ %.2f s", stage.rawValue.replacingOccurrences(of: "_", with: " "), $0) }
        }
        if !stages.isEmpty { print("  CPU by stage: " + stages.joined(separator: ", ")) }
    }

    /// This benchmark for one format, in a new process of this executable; its JSON result.
    private func runChild(format: String) throws -> [String: Double] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        p.arguments = ["bench", "import", "--units", String(units), "--pairs", pairs, "--formats", format, "--json"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let result = try? JSONDecoder().decode([String: Double].self, from: data) else {
            throw UserError("the \(format) import benchmark failed (exit \(p.terminationStatus)); run it alone: tarjama-dev bench import --formats \(format)")
        }
        return result
    }
}

struct LookupBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Fuzzy lookup on a large memory: median in-process and cold-process times, and the exhaustive scan's.",
        discussion: """
        Uses the memory `tarjama-dev bench import` leaves (.build/bench/memory-N.tmdb) or --memory. \
        Queries are real sentences edited (a word dropped, a number changed). Bars at 1,000,000 \
        units: median ≤ 5 ms in-process, ≤ 150 ms for a cold `tarjama lookup` process, indexed \
        top-1 equal to the exhaustive best in ≥ 99% of queries. Example:
          swift run -c release tarjama-dev bench lookup --queries 500 --exhaustive 40
        """)

    @Option(help: "Real pairs the queries come from.") var pairs = "../shared/data/parallel/ar-en-33k.tsv"
    @Option(help: "Memory to search (default: the one bench import built for --units).") var memory: String?
    @Option(help: "Units of the bench import memory to use when --memory is not given.") var units = 1_000_000
    @Option(help: "Queries timed in-process.") var queries = 500
    @Option(help: "Other queries run first, untimed, as a process that has served lookups would have (0: time from a cold page cache).")
    var warmup = 200
    @Option(help: "Queries also run through the exhaustive scan (one pass over the memory for all).") var exhaustive = 40
    @Option(help: "Cold processes timed.") var cold = 7
    @Option(help: "Fuzzy threshold.") var min = 70
    @Option(help: "Candidates scored per lookup (the matcher's default when not given).") var candidates: Int?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let path = memory ?? ".build/bench/memory-\(units).tmdb"
        guard FileManager.default.fileExists(atPath: path) else {
            throw UserError("no memory at '\(path)': run `tarjama-dev bench import --units \(units) --formats tsv` first, or pass --memory PATH.")
        }
        let m = try SQLiteMemory(path: path, readOnly: true)
        let size = try m.unitCount()
        let all = try LookupQueries.make(count: queries + warmup, pairs: pairs)
        let qs = Array(all.prefix(queries))
        var options = MatchOptions(minimum: min, limit: 5)
        if let candidates { options.candidates = candidates }
        // Warm the process and the page cache with queries that are not timed (the timed ones
        // still read their own candidates' pages for the first time).
        let warm = Matcher(store: m)
        for q in all.dropFirst(queries) { _ = try warm.lookup(q, options: options) }
        let matcher = Matcher(store: m)
        var times: [Double] = [], top: [Int?] = []
        for q in qs {
            let start = DispatchTime.now().uptimeNanoseconds
            let found = try matcher.lookup(q, options: options)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            // The best text-against-text score returned (the ranking also weighs memory-wide
            // penalties that the exhaustive scan cannot see).
            top.append(found.map(\.breakdown.intrinsicScore).max())
            _ = found
        }
        times.sort()
        let median = times[times.count / 2], p95 = times[times.count * 95 / 100]

        var coldTimes: [Double] = []
        // The translator's `tarjama`, built beside this one.
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("tarjama").path
        for q in qs.prefix(cold) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : FileManager.default.currentDirectoryPath + "/" + executable)
            p.arguments = ["lookup", "--memory", path, "--limit", "5", q]
            p.standardOutput = FileHandle.nullDevice
            let start = DispatchTime.now().uptimeNanoseconds
            try p.run()
            p.waitUntilExit()
            coldTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        coldTimes.sort()
        let coldMedian = coldTimes.isEmpty ? 0 : coldTimes[coldTimes.count / 2]

        let sample = Array(qs.prefix(exhaustive))
        let bar = ProgressBar(total: size, label: "units scanned")
        let scanStart = DispatchTime.now().uptimeNanoseconds
        let reference = sample.isEmpty ? [] : try ReferenceScan.best(sample, in: m, minimum: min) { bar.update($0) }
        let scanSeconds = Double(DispatchTime.now().uptimeNanoseconds - scanStart) / 1e9
        // One pass serves every sampled query; a single query's scan costs about the pass's tokenising
        // share plus its own scoring, so the per-query figure printed is the pass divided by the sample
        // (favouring the scan).
        let perQueryScan = scanSeconds * 1000 / Double(max(sample.count, 1))
        var agree = 0
        var comparable = 0
        for (k, r) in reference.enumerated() {
            comparable += 1
            if top[k] == r?.score { agree += 1 }
        }
        let result: [String: Double] = [
            "units": Double(size), "queries": Double(qs.count), "median_ms": median, "p95_ms": p95,
            "cold_median_ms": coldMedian, "exhaustive_ms_per_query": perQueryScan, "ratio": perQueryScan / median,
            "top1_agreement": Double(agree) / Double(max(comparable, 1)), "checked": Double(comparable),
        ]
        if json { print(try JSONLines().line(result)); return }
        print(String(format: "lookup on %d units, %d edited real sentences (min %d%%)", size, qs.count, min))
        print(String(format: "  in-process    median %.2f ms, p95 %.2f ms (bar 5 ms), after %d other queries", median, p95, warmup))
        let phases = matcher.phaseMilliseconds.sorted { $0.value > $1.value }
            .map { String(format: "%@ %.2f", $0.key, $0.value / Double(qs.count)) }.joined(separator: ", ")
        print("  per lookup    " + phases + " ms")
        print(String(format: "  cold process  median %.0f ms over %d runs (bar 150 ms)", coldMedian, coldTimes.count))
        print(String(format: "  exhaustive    %.0f ms per query (one pass for %d queries) → index %.0f× faster", perQueryScan, sample.count, perQueryScan / median))
        print(String(format: "  top-1 equal to the exhaustive best: %d of %d (%.1f%%, bar 99%%)", agree, comparable, 100 * Double(agree) / Double(max(comparable, 1))))
    }
}

struct PretranslateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretranslate",
        abstract: "Pre-translate generated wire articles against a large memory, on all cores; bar: 1,000 articles × 1M units in 60 s.",
        discussion: """
        Articles are made of real Arabic sentences (consecutive lines of the pairs file, some \
        edited as wire copy is) with a headline line; the memory is the one `tarjama-dev bench import` \
        built. Example:
          swift run -c release tarjama-dev bench pretranslate --articles 1000
        """)

    @Option(help: "Real pairs the articles come from.") var pairs = "../shared/data/parallel/ar-en-33k.tsv"
    @Option(help: "Memory (default: the one bench import built for --units).") var memory: String?
    @Option(help: "Units of the bench import memory when --memory is not given.") var units = 1_000_000
    @Option(help: "Articles to generate and pre-translate.") var articles = 1_000
    @Option(help: "Sentences per article.") var sentences = 16
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let path = memory ?? ".build/bench/memory-\(units).tmdb"
        guard FileManager.default.fileExists(atPath: path) else {
            throw UserError("no memory at '\(path)': run `tarjama-dev bench import --units \(units) --formats tsv` first, or pass --memory PATH.")
        }
        let real = try SyntheticCorpus.pairs(from: pairs)
        let dir = ".build/bench/articles-\(articles)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = SplitMix(seed: 7)
        var paths: [String] = []
        for a in 0..<articles {
            let start = Int(rng.next() % UInt64(real.count))
            var lines = ["عنوان الخبر رقم \(a)"]
            var paragraph: [String] = []
            for k in 0..<sentences {
                var s = real[(start + k) % real.count].0
                if rng.next() % 3 == 0 {   // edited as wire copy is: a word dropped
                    var words = s.split(separator: " ")
                    if words.count > 4 { words.remove(at: Int(rng.next() % UInt64(words.count))) }
                    s = words.joined(separator: " ")
                }
                paragraph.append(s)
                if paragraph.count == 2 { lines.append(paragraph.joined(separator: " ")); paragraph = [] }
            }
            if !paragraph.isEmpty { lines.append(paragraph.joined(separator: " ")) }
            let file = "\(dir)/\(String(format: "%04d", a)).txt"
            try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
            paths.append(file)
        }
        let bar = ProgressBar(total: paths.count, label: "articles")
        let start = Date()
        let batch = try Pretranslator(store: try SQLiteMemory(path: path, readOnly: true)).run(paths: paths) { bar.update($0) }
        let seconds = Date().timeIntervalSince(start)
        let segments = batch.articles.reduce(0) { $0 + $1.segments.count }
        if json {
            print(try JSONLines().line(["articles": Double(paths.count), "segments": Double(segments), "seconds": seconds,
                                        "articles_per_s": Double(paths.count) / seconds, "bar_seconds": 60]))
            return
        }
        print(String(format: "pre-translated %d articles (%d segments) against %@ in %.1f s on %d cores: %.1f articles/s, %.1f ms per segment (bar 60 s for 1,000)",
                     paths.count, segments, path, seconds, ProcessInfo.processInfo.activeProcessorCount,
                     Double(paths.count) / seconds, seconds * 1000 / Double(max(segments, 1))))
        print(batch.analysis.table())
    }
}
