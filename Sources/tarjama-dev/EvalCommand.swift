import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaEvaluation
import TarjamaSQLite
import TarjamaAlign
import TarjamaMatch
import TarjamaMemory
import TarjamaPretranslate
import TarjamaPostgres

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure quality on gold sets (../shared/data).",
        discussion: """
        Examples:
          tarjama-dev eval align
          tarjama-dev eval align ../shared/data/align/textberg-dev --json
          tarjama-dev eval align --no-lexicon --part dev
        Tune on --part dev; report --part held-out (the default): never tune and report on the
        same documents.
        """,
        subcommands: [AlignEval.self, FuzzyEval.self, PretranslateEval.self])

    struct AlignEval: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "align",
            abstract: "Strict and lax P/R/F1 of the aligner against gold beads (Vecalign convention).")

        @Argument(help: "Gold set folders (default: the NTREX Arabic-English and Text+Berg sets in ../shared/data/align).")
        var sets: [String] = []
        @Option(help: ArgumentHelp("Aligned pairs (Arabic<TAB>English) to learn a lexicon from for Arabic-English sets; the evaluated documents' sentences are removed first.", valueName: "TSV"))
        var lexiconFrom = "../shared/data/parallel/ar-en-33k.tsv"
        @Flag(help: "Only the run without a lexicon.") var noLexicon = false
        @Option(help: ArgumentHelp("Documents to score: dev (the first half of each set, for tuning), held-out (the second half: the figure to report) or all.", valueName: "PART"))
        var part: AlignmentEvaluation.Part = .heldOut
        @Flag(help: "Align each document alone, not the scored documents as one batch (as `tarjama align --batch` does: priors and, without a lexicon, a lexicon learned across the batch).")
        var perDocument = false
        @Flag(help: "Print the beads that differ from the gold, with their sentences (both sides).") var mistakes = false
        @Flag(help: "Print one JSON object per set.") var json = false

        func run() throws {
            let defaults = ["../shared/data/align/ar-en-ntrex40", "../shared/data/align/textberg-dev"]
            let chosen = sets.isEmpty ? defaults.filter { FileManager.default.fileExists(atPath: $0) } : sets
            if chosen.isEmpty {
                throw UserError("no gold sets found: ../shared/data/align is absent. Pass a folder with ar/ en/ gold/.")
            }
            for set in chosen {
                let inspect: ([String], [String], [Bead], [Bead]) -> Void = { Self.showMistakes($0, $1, $2, $3) }
                let mode = perDocument ? "per document" : "as a batch"
                let e = try AlignmentEvaluation.run(directory: set, aligner: Aligner(), part: part, perDocument: perDocument,
                                                    inspect: mistakes ? inspect : nil)
                report(e, label: "no lexicon, " + mode)
                let arabicEnglish = FileManager.default.fileExists(atPath: set + "/ar")
                guard arabicEnglish, !noLexicon, FileManager.default.fileExists(atPath: lexiconFrom) else { continue }
                let (pairs, removed) = try AlignmentEvaluation.heldOutPairs(tsv: lexiconFrom, excluding: set)
                let (lexicon, r) = LexiconTrainer().train(pairs)
                let withLexicon = try AlignmentEvaluation.run(directory: set, aligner: Aligner(lexicon: lexicon), part: part, perDocument: perDocument)
                report(withLexicon, label: String(format: "lexicon from %d pairs (%d held out), trained in %.1f s, %@", r.pairs, removed, r.seconds, mode))
            }
        }

        static func showMistakes(_ source: [String], _ target: [String], _ gold: [Bead], _ test: [Bead]) {
            let right = Set(gold.map(\.description)), ours = Set(test.map(\.description))
            func text(_ b: Bead) -> String {
                "    " + b.source.map { source[$0] }.joined(separator: " ¦ ") + "\n    → " + b.target.map { target[$0] }.joined(separator: " ¦ ")
            }
            for b in test where !right.contains(b.description) {
                let golds = gold.filter { g in !Set(g.source).isDisjoint(with: b.source) || !Set(g.target).isDisjoint(with: b.target) }
                print("ours \(b) (\(String(format: "%.2f", b.confidence))) gold \(golds.map(\.description).joined(separator: " "))")
                print(text(b))
                for g in golds where !ours.contains(g.description) { print("  gold \(g):"); print(text(g)) }
            }
        }

        private func report(_ e: AlignmentEvaluation, label: String) {
            if json { print((try? JSONLines().line(e)) ?? "{}"); return }
            let s = e.score
            print("\(e.set) \(e.part.rawValue) [\(label)]: \(e.documents) documents, \(e.sourceSentences)×\(e.targetSentences) sentences, \(String(format: "%.2f", e.seconds)) s")
            print(String(format: "  strict  P %.3f  R %.3f  F1 %.3f", s.strictPrecision, s.strictRecall, s.strictF1))
            print(String(format: "  lax     P %.3f  R %.3f  F1 %.3f", s.laxPrecision, s.laxRecall, s.laxF1))
            let bins = e.calibration.filter { $0.beads > 0 }
                .map { String(format: "[%.2f, %.2f) %.0f%% of %d", $0.lower, $0.upper, 100 * $0.precision, $0.beads) }
            print("  right by confidence  " + bins.joined(separator: " · "))
        }
    }
}

extension EvalCommand {
    struct FuzzyEval: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fuzzy",
            abstract: "Fuzzy-match quality and speed on the shared gold pairs (ar-en-33k memory).",
            discussion: """
            Builds (once) a memory from ../shared/data/parallel/ar-en-33k.tsv, then looks up every
            query of fuzzy/fuzzy-natural-dev.tsv and fuzzy-normalisation-equivalents-dev.tsv, and
            compares a sample with an exhaustive scan. Example (release build recommended):
              swift run -c release tarjama-dev eval fuzzy
            """)

        @Option(help: "The shared data folder.") var data = "../shared/data"
        @Option(help: "Memory to build or reuse for the evaluation: a file, or a PostgreSQL database (postgres://USER@HOST:PORT/DB) that exists.")
        var memory = ".build/eval-33k.tmdb"
        @Option(help: ArgumentHelp("The same corpus in another memory (built if empty): count the queries whose top hit is the same in both.", valueName: "MEMORY"))
        var sameAs: String?
        @Option(help: "Queries also run through the exhaustive scan.") var exhaustive = 200
        @Flag(help: "Also measure the gold set's ceiling: how often its own raw character similarity puts the gold line first (about a minute).")
        var ceiling = false
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let corpus = data + "/parallel/ar-en-33k.tsv"
            guard FileManager.default.fileExists(atPath: corpus) else {
                throw UserError("'\(corpus)' is absent: the shared data folder is needed (pass --data DIR).")
            }
            func filled(_ address: String) throws -> any MemoryStore {
                let m: any MemoryStore = PostgresAddress.isAddress(address) ? try PostgresMemory(address: address) : try SQLiteMemory(path: address)
                if try m.unitCount() == 0 {
                    let r = try m.importTSV(path: corpus)
                    warn(String(format: "built %@: %d units in %.1f s (%.0f units/s)", address, r.added, r.seconds, Double(r.added) / r.seconds))
                }
                return m
            }
            let m = try filled(memory)
            let reference = try sameAs.map(filled)
            var bar: ProgressBar?
            var e = try FuzzyEvaluation.run(data: data, memory: m, exhaustiveSample: exhaustive, reference: reference) { done, total in
                if bar == nil { bar = ProgressBar(total: total, label: "queries") }
                bar?.update(done)
            }
            if ceiling {
                var bar: ProgressBar?
                e.ceilingOnTop = try FuzzyEvaluation.goldCeiling(data: data) { done, total in
                    if bar == nil { bar = ProgressBar(total: total, label: "ceiling") }
                    bar?.update(done)
                }.onTop
            }
            if json { print(try JSONLines().line(e)); return }
            print(String(format: "natural near-duplicates: gold match on top for %d of %d queries (%.1f%%)", e.topHit, e.queries, 100 * e.topHitRate))
            print(String(format: "  gold match in the top 5 for %d (%.1f%%)", e.topFive, 100 * e.topFiveRate))
            print("  misses: \(e.missesWithoutHit) with nothing at 50% or more, \(e.missesOutranked) with another unit ranked first")
            if e.referenceChecked > 0 {
                print(String(format: "  top hit the same as in %@: %d of %d (%.1f%%)", sameAs ?? "", e.sameTopHit, e.referenceChecked, 100 * e.sameTopHitRate))
            }
            if let c = e.ceilingOnTop {
                print(String(format: "  ceiling: the gold set's own raw character similarity puts the gold line first for %d of %d (%.1f%%)",
                             c, e.queries, 100 * Double(c) / Double(max(e.queries, 1))))
            }
            print("normalisation equivalents: \(e.equivalentsAt100) of \(e.equivalents) score 100, \(e.equivalentsWithPenalty) with a penalty shown")
            print(String(format: "indexed top-1 = exhaustive best: %d of %d (%.1f%%)", e.exhaustiveAgree, e.exhaustiveChecked, 100 * e.exhaustiveAgreement))
            print(String(format: "median lookup %.2f ms, exhaustive scan %.1f ms → %.0f× faster", e.medianLookupMilliseconds,
                         e.medianExhaustiveMilliseconds, e.medianExhaustiveMilliseconds / max(e.medianLookupMilliseconds, 0.001)))
            for miss in e.misses.prefix(15) { print("  miss: \(miss)") }
            for miss in e.topFiveMisses.prefix(15) { print("  not in the top 5: \(miss)") }
            for miss in e.exhaustiveMisses.prefix(10) { print("  exhaustive scan found more: \(miss)") }
        }
    }
}

extension EvalCommand {
    struct PretranslateEval: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pretranslate",
            abstract: "Pre-translate the NTREX articles against the ar-en-33k memory and check bands by brute force.",
            discussion: """
            Builds (once) a memory from ../shared/data/parallel/ar-en-33k.tsv, pre-translates the
            Arabic side of every NTREX article in ../shared/data/docs, prints the analysis, and
            checks each segment's band against an exhaustive scan of the memory. Example:
              swift run -c release tarjama-dev eval pretranslate --sample 300
            """)

        @Option(help: "The shared data folder.") var data = "../shared/data"
        @Option(help: "Memory to build or reuse.") var memory = ".build/eval-33k.tmdb"
        @Option(help: "Fuzzy threshold for the analysis and the check.") var min = 50
        @Option(help: "Segments checked against the exhaustive scan.") var sample = 300
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let corpus = data + "/parallel/ar-en-33k.tsv"
            let docs = data + "/docs"
            guard FileManager.default.fileExists(atPath: corpus), FileManager.default.fileExists(atPath: docs) else {
                throw UserError("'\(data)' lacks parallel/ar-en-33k.tsv or docs/: the shared data folder is needed (pass --data DIR).")
            }
            let m = try SQLiteMemory(path: memory)
            if try m.unitCount() == 0 { _ = try m.importTSV(path: corpus) }
            let folders = try FileManager.default.contentsOfDirectory(atPath: docs).filter { $0.hasPrefix("ntrex-") }.sorted()
            let paths = folders.map { docs + "/" + $0 + "/ar.txt" }
            let start = Date()
            let batch = try Pretranslator(store: m, options: PretranslateOptions(minimum: min)).run(paths: paths)
            let seconds = Date().timeIntervalSince(start)
            let scan = try ReferenceScan(memory: m)
            let check = BandCheck.run(batch, scan: scan, minimum: min, sample: sample)
            if json {
                print(try JSONLines().line(check))
                return
            }
            print(String(format: "Pre-translated %d NTREX articles in %.2f s against %@", paths.count, seconds, memory))
            print(batch.analysis.table())
            print(String(format: "bands equal to the exhaustive scan's: %d of %d segments (%.1f%%)", check.agree, check.checked, 100 * check.agreement))
            for d in check.disagreements.prefix(10) { print("  \(d.indexed.label) vs exhaustive \(d.exhaustive.label): \(d.source)") }
        }
    }
}

extension AlignmentEvaluation.Part: ExpressibleByArgument {}
