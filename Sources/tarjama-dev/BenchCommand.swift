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
        subcommands: [SegmentBench.self, AlignBench.self, ImportBench.self, LookupBench.self, PretranslateBench.self, PostgresBench.self])
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
        abstract: "Align one long document built from real pairs; compare with hunalign's 7.5 s for 10,000 sentences.")

    @Option(help: "Tab-separated Arabic/English pairs to build the document from.")
    var pairs = "../shared/data/parallel/ar-en-33k.tsv"
    @Option(help: "Sentences per side.") var sentences = 10_000
    @Option(help: "hunalign's time on the same size, measured on this machine (seconds).") var baseline = 7.5
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        guard let text = try? String(contentsOfFile: pairs, encoding: .utf8) else {
            throw UserError("cannot read '\(pairs)': pass --pairs FILE with source<TAB>target lines")
        }
        var ar: [String] = [], en: [String] = []
        var owners: [[Int]] = [], gold: [Bead] = []
        for line in text.split(separator: "\n") where ar.count < sentences {
            let p = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard p.count >= 2 else { continue }
            // Drop every 37th English sentence and merge every 23rd pair so beads are not all 1-1;
            // the construction is the gold alignment.
            ar.append(String(p[0]))
            let k = ar.count - 1
            if ar.count % 37 == 0 { gold.append(Bead(source: [k], target: [])); continue }
            if ar.count % 23 == 0, let last = en.popLast() {
                en.append(last + " " + String(p[1]))
                owners[owners.count - 1].append(k)
            } else {
                en.append(String(p[1]))
                owners.append([k])
            }
        }
        gold += owners.enumerated().map { Bead(source: $0.element, target: [$0.offset]) }
        gold.sort { ($0.source.first ?? 0) < ($1.source.first ?? 0) }
        var beads: [Bead] = []
        let seconds = bestTime(runs: 1) { beads = Aligner().align(source: ar, target: en) }
        let rss = residentMegabytes()
        let score = AlignmentScore.score([(gold: gold, test: beads)])
        if json {
            print(try JSONLines().line(["source_sentences": Double(ar.count), "target_sentences": Double(en.count), "seconds": seconds,
                                        "peak_rss_mb": rss, "strict_f1": score.strictF1, "hunalign_seconds": baseline,
                                        "ratio_to_hunalign": baseline / seconds]))
            return
        }
        print(String(format: "align: %d × %d sentences in %.2f s (%d beads, strict F1 %.3f against the construction), peak RSS %.0f MB",
                     ar.count, en.count, seconds, beads.count, score.strictF1, rss))
        print(String(format: "  hunalign on the same size: %.1f s → Tarjama is %.1f× faster", baseline, baseline / seconds))
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
