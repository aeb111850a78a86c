import ArgumentParser
import Foundation
import TarjamaMemory

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
            sink.write(s + "\t" + t + "\n")
        }
        sink.flush()
        try String(count).write(toFile: marker, atomically: true, encoding: .utf8)
    }

    /// The same units as TMX 1.4, in the shape other tools write (srclang en, ar second).
    static func tmx(fromTSV tsv: String, to out: String) throws {
        let marker = out + ".source"
        let stamp = String((try? FileManager.default.attributesOfItem(atPath: tsv)[.size] as? Int) ?? 0)
        if (try? String(contentsOfFile: marker, encoding: .utf8)) == stamp, FileManager.default.fileExists(atPath: out) { return }
        let sink = try OutputSink(path: out)
        sink.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n<header creationtool=\"bench\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"bench\" adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/>\n<body>\n")
        guard let text = try? String(contentsOfFile: tsv, encoding: .utf8) else { throw UserError("cannot read '\(tsv)'") }
        var k = 0
        for line in text.split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            k += 1
            sink.write("<tu tuid=\"\(k)\"><tuv xml:lang=\"en-US\"><seg>\(TMXWriter.escape(String(line[line.index(after: tab)...])))</seg></tuv>"
                       + "<tuv xml:lang=\"ar-SA\"><seg>\(TMXWriter.escape(String(line[..<tab])))</seg></tuv></tu>\n")
        }
        sink.write("</body>\n</tmx>\n")
        sink.flush()
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
        Generates (once, under .build/bench/) N units from the real pairs by recombining and editing
        them, then imports them into a fresh memory from TSV and from TMX. Bars: 150,000 units/s
        (TSV), 50,000 units/s (TMX), peak memory under 200 MB. The TSV memory is kept as
        .build/bench/memory-N.tmdb for `tarjama bench lookup`. Example:
          swift run -c release tarjama bench import --units 1000000
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
        for format in formats {
            let path = format == "tmx" ? "\(dir)/memory-\(units)-tmx.tmdb" : "\(dir)/memory-\(units).tmdb"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let input = format == "tmx" ? tmx : tsv
            if format == "tmx" { try SyntheticCorpus.tmx(fromTSV: tsv, to: tmx) }
            let memory = try Memory(path: path)
            let bar = ProgressBar(total: units, label: "units")
            let report = try memory.importFile(path: input) { bar.update($0) }
            let rate = Double(report.added + report.duplicates) / report.seconds
            let bar_ = format == "tmx" ? 50_000.0 : 150_000.0
            results["\(format)_units_per_s"] = rate
            results["\(format)_seconds"] = report.seconds
            results["\(format)_added"] = Double(report.added)
            if !json {
                print(String(format: "import %@: %d units in %.1f s = %.0f units/s (bar %.0f: %.2f×)", format.uppercased(),
                             report.added + report.duplicates, report.seconds, rate, bar_, rate / bar_))
            }
        }
        let rss = residentMegabytes()
        results["peak_rss_mb"] = rss
        if json { print(try JSONLines().line(results)) } else { print(String(format: "peak memory %.0f MB (bar 200 MB)", rss)) }
    }
}
