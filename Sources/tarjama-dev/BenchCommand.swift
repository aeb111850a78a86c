import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaEvaluation
import TarjamaSQLite
import TarjamaAlign
import TarjamaText

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure speed against a baseline in the same run (use a release build).",
        discussion: """
        Each benchmark prints its throughput and the ratio to a baseline measured in the same \
        process, so numbers compare across machines. Build with -c release for real figures.

        Examples:
          swift run -c release tarjama-dev bench segment
          swift run -c release tarjama-dev bench segment --megabytes 20 --file article.txt
        """,
        subcommands: [SegmentBench.self, AlignBench.self, ImportBench.self, LookupBench.self, PretranslateBench.self, PostgresBench.self, ServeBench.self])
}

/// Wall-clock seconds of a block, best of `runs`.
func bestTime(runs: Int = 3, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
}

struct SegmentBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Arabic segmentation throughput (MB/s per core) against plain ICU sentence breaking.")

    @Option(help: "Arabic text to repeat (default: the Arabic samples plus ../shared/data/docs when present).")
    var file: String?

    @Option(help: "Megabytes of text to segment.")
    var megabytes: Int = 10

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        var seed = ""
        if let file {
            seed = try readText(file)
        } else {
            for path in ["Samples/putin-xi/ar.txt", "Samples/new-articles/trade-record.txt", "Samples/new-articles/xi-visit.txt"] {
                seed += (try? readText(path)) ?? ""
            }
            let docs = URL(fileURLWithPath: "../shared/data/docs")
            if let names = try? FileManager.default.contentsOfDirectory(atPath: docs.path) {
                for name in names.sorted().prefix(200) {
                    seed += (try? String(contentsOf: docs.appendingPathComponent("\(name)/ar.txt"), encoding: .utf8)) ?? ""
                }
            }
        }
        guard !seed.isEmpty else { throw UserError("no Arabic text to benchmark: pass --file FILE or run from the project root") }
        var text = ""
        while text.utf8.count < megabytes * 1_000_000 { text += seed + "\n" }
        let bytes = Array(text.utf8)
        let mb = Double(bytes.count) / 1e6

        let icu = try BreakIterator(.sentence, locale: "ar")
        var icuCount = 0
        let icuTime = bestTime {
            icuCount = 0
            for line in bytes.split(separator: 0x0A) {
                icuCount += line.withUnsafeBufferPointer { icu.boundaries($0).count }
            }
        }
        let segmenter = try Segmenter(language: .ar)
        var count = 0
        let ourTime = bestTime { count = segmenter.segment(text).count }

        let result: [String: Double] = [
            "megabytes": mb, "tarjama_mb_per_s": mb / ourTime, "icu_mb_per_s": mb / icuTime,
            "tarjama_segments": Double(count), "icu_segments": Double(icuCount), "ratio_to_icu": icuTime / ourTime,
        ]
        if json {
            print(try JSONLines().line(result))
        } else {
            print(String(format: "segment: %.1f MB of Arabic, one core", mb))
            print(String(format: "  plain ICU sentence breaks : %7.1f MB/s  (%d pieces)", mb / icuTime, icuCount))
            print(String(format: "  tarjama segment           : %7.1f MB/s  (%d segments, rules + kinds)", mb / ourTime, count))
            print(String(format: "  speed relative to ICU     : %7.2f×  (target: ≥ 5 MB/s)", icuTime / ourTime))
        }
    }
}

struct AlignBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Align line-parallel files with `tarjama align` and with hunalign, by turns, at several sizes.",
        discussion: """
        Builds one-sentence-a-line Arabic and English files from the first N pairs of a tab-separated         corpus, then times whole commands, ours and hunalign's, A B A B (wall time, best of --runs;         peak memory from /usr/bin/time when present), and scores both against the line-for-line         truth (every pair 1-1): the easy case an aligner must never lose. hunalign is built from         its public source by scripts/bench-align.sh, which runs this:
          bash scripts/bench-align.sh
          tarjama-dev bench align --hunalign /tmp/hunalign/src/hunalign/hunalign --sizes 2100,10000,20000
        """)

    @Option(help: "Tab-separated Arabic/English pairs to build the files from.")
    var pairs = "../shared/data/parallel/ar-en-33k.tsv"
    @Option(help: "hunalign's binary (scripts/bench-align.sh builds it).") var hunalign: String
    @Option(help: "An empty dictionary file for hunalign (default: an empty file made here).") var dictionary: String?
    @Option(parsing: .upToNextOption, help: "Sentences per side, comma-separated.") var sizes: [String] = ["2100,10000,20000"]
    @Option(help: "Timed runs of each command (best kept).") var runs = 3
    @Option(help: "Our CLI (default: `tarjama` beside this executable).") var tarjama: String?
    @Flag(help: "Print one JSON object per size.") var json = false

    func run() throws {
        guard FileManager.default.isExecutableFile(atPath: hunalign) else {
            throw UserError("hunalign is not at '\(hunalign)': build it with bash scripts/bench-align.sh (it prints the path)")
        }
        let ours = tarjama ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tarjama").path
        guard FileManager.default.isExecutableFile(atPath: ours) else { throw UserError("no tarjama binary at '\(ours)': pass --tarjama PATH") }
        guard let text = try? String(contentsOfFile: pairs, encoding: .utf8) else {
            throw UserError("cannot read '\(pairs)': pass --pairs FILE with source<TAB>target lines")
        }
        let lines = text.split(separator: "\n").compactMap { line -> (Substring, Substring)? in
            let p = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard p.count >= 2, !p[0].allSatisfy(\.isWhitespace), !p[1].allSatisfy(\.isWhitespace) else { return nil }
            return (p[0], p[1])
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-bench-align-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let dictionaryPath = dictionary ?? folder.appendingPathComponent("null.dic").path
        if dictionary == nil { _ = FileManager.default.createFile(atPath: dictionaryPath, contents: Data()) }
        let counts = sizes.flatMap { $0.split(separator: ",") }.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty else { throw UserError("--sizes wants numbers, like 2100,10000,20000") }
        if !json {
            print("align: line-parallel Arabic/English, wall time best of \(runs) by turns; strict F1 against the line-for-line truth")
            print("   size   tarjama s  hunalign s   ratio   tarjama MB  hunalign MB   tarjama F1  hunalign F1")
        }
        for n in counts {
            guard n <= lines.count else { throw UserError("--sizes \(n) is more than the \(lines.count) pairs of '\(pairs)'") }
            let ar = folder.appendingPathComponent("ar\(n).txt").path, en = folder.appendingPathComponent("en\(n).txt").path
            try (lines[..<n].map { String($0.0) }.joined(separator: "\n") + "\n").write(toFile: ar, atomically: true, encoding: .utf8)
            try (lines[..<n].map { String($0.1) }.joined(separator: "\n") + "\n").write(toFile: en, atomically: true, encoding: .utf8)
            let oursCommand = [ours, "align", "--segmented", "--no-lexicon", "--format", "beads", ar, en]
            let theirs = [hunalign, dictionaryPath, ar, en]
            var best = (ours: Double.infinity, theirs: Double.infinity), memory = (ours: 0.0, theirs: 0.0)
            var outputs = (ours: "", theirs: "")
            for _ in 0..<runs {
                let a = try timed(oursCommand), b = try timed(theirs)
                best = (min(best.ours, a.seconds), min(best.theirs, b.seconds))
                memory = (max(memory.ours, a.megabytes), max(memory.theirs, b.megabytes))
                outputs = (a.output, b.output)
            }
            let truth = (0..<n).map { Bead(source: [$0], target: [$0]) }
            let ourBeads = outputs.ours.split(separator: "\n").compactMap { Bead(goldLine: String($0)) }
            let f1 = (ours: AlignmentScore.score([(gold: truth, test: ourBeads)]).strictF1,
                      theirs: AlignmentScore.score([(gold: truth, test: Self.beads(ladder: outputs.theirs))]).strictF1)
            if json {
                print(try JSONLines().line(["sentences": Double(n), "tarjama_seconds": best.ours, "hunalign_seconds": best.theirs,
                                            "ratio_to_hunalign": best.theirs / best.ours, "tarjama_peak_mb": memory.ours,
                                            "hunalign_peak_mb": memory.theirs, "tarjama_strict_f1": f1.ours, "hunalign_strict_f1": f1.theirs]))
            } else {
                print(String(format: "%7d   %9.2f  %10.2f   %5.2f×  %11.0f  %11.0f   %10.4f  %11.4f", n, best.ours, best.theirs,
                             best.theirs / best.ours, memory.ours, memory.theirs, f1.ours, f1.theirs))
            }
        }
        if !json { print("ratio > 1: Tarjama is faster") }
    }

    /// hunalign's ladder (`i<TAB>j<TAB>score` rungs, the last at the two ends) as beads.
    static func beads(ladder: String) -> [Bead] {
        let rungs = ladder.split(separator: "\n").compactMap { line -> (Int, Int)? in
            let f = line.split(separator: "\t")
            guard f.count >= 2, let i = Int(f[0]), let j = Int(f[1]) else { return nil }
            return (i, j)
        }
        return zip(rungs, rungs.dropFirst()).compactMap { a, b in
            a == b ? nil : Bead(source: Array(a.0..<b.0), target: Array(a.1..<b.1))
        }
    }

    /// Runs a command to its end: wall seconds, peak memory (through /usr/bin/time when present),
    /// and its standard output.
    private func timed(_ command: [String]) throws -> (seconds: Double, megabytes: Double, output: String) {
        let process = Process()
        let measure = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        process.executableURL = URL(fileURLWithPath: measure ? "/usr/bin/time" : command[0])
        process.arguments = measure ? ["-f", "%M"] + command : Array(command.dropFirst())
        // Standard error to a file: two pipes read one after the other can block each other.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-bench-\(getpid())-stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: Data())
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let out = Pipe(), err = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = out
        process.standardError = err
        let start = DispatchTime.now().uptimeNanoseconds
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        try? err.close()
        let errorText = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw UserError("'\(command[0])' failed (exit \(process.terminationStatus)): \(errorText.suffix(400))")
        }
        let kilobytes = errorText.split(separator: "\n").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        return (seconds, kilobytes / 1024, String(decoding: output, as: UTF8.self))
    }
}

/// Peak resident set size of this process, from /proc (Linux).
/// User and system CPU time of this process so far, all threads.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func residentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    return (Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "0") ?? 0) / 1024
}
