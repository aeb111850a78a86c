import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaAlign
import TarjamaMemory
import TarjamaText

struct LexiconCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lexicon",
        abstract: "The Arabic→English word lexicon the aligner learns from the memory.",
        discussion: """
        `train` learns word translation probabilities from every pair in the memory (IBM Model 1, \
        a few EM passes) and stores them in the memory; `tarjama align` then uses them. Run it \
        again after large imports: the more a newsroom aligns, the better it aligns.

        Examples:
          tarjama lexicon train
          tarjama lexicon show بوتين الصين
        """,
        subcommands: [Train.self, Show.self])

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train", abstract: "Rebuild the learned lexicon from the memory's pairs.")

        @OptionGroup var options: MemoryOptions
        @Option(help: "EM passes.") var iterations = 5
        @Option(help: "Train on an even sample of at most this many pairs (training takes about 9 KB per pair).")
        var maxPairs = 50_000
        @Flag(help: "Print the report as JSON.") var json = false

        func validate() throws {
            // IBM Model 1 settles in a handful of passes; thousands only burn time.
            guard (1...100).contains(iterations) else { throw ValidationError("--iterations must be between 1 and 100, got \(iterations)") }
            guard maxPairs >= 10 else { throw ValidationError("--max-pairs must be at least 10 (a lexicon needs pairs), got \(maxPairs)") }
        }

        func run() throws {
            let memory = try options.open(create: false)
            let pairs = try memory.pairs(limit: maxPairs)
            guard pairs.count >= 10 else {
                throw UserError("\(options.path) holds \(pairs.count) pairs: too few to learn word translations. Align or import more first (tarjama align --store, tarjama import).")
            }
            var trainer = LexiconTrainer()
            trainer.iterations = iterations
            var bar: ProgressBar?
            let (lexicon, report) = trainer.train(pairs) { done, total in
                if bar == nil { bar = ProgressBar(total: total, label: "EM passes") }
                bar?.update(done)
            }
            try memory.saveLexicon(lexicon)
            if json { print(try JSONLines().line(report)); return }
            let total = try memory.unitCount()
            print(String(format: "Learned %d Arabic words (%d translations) from %d pairs%@ in %.1f s; %d pairs over %d words skipped. Stored in %@.",
                         report.sourceWords, report.entries, report.pairs,
                         pairs.count < total ? " (an even sample of \(total); --max-pairs to change)" : "",
                         report.seconds, report.skipped, trainer.maxWords, options.path))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Print the learned translations of Arabic words.")

        @OptionGroup var options: MemoryOptions
        @Argument(help: "Arabic words (any diacritics or letter forms).") var words: [String]
        @Flag(help: "Print one JSON object per word.") var json = false

        func run() throws {
            let memory = try options.open(readOnly: true, create: false)
            guard try memory.hasLexicon() else {
                throw UserError("\(options.path) has no learned lexicon yet: run `tarjama lexicon train` first.")
            }
            for word in words {
                let key = Normalizer.matchingKey.normalize(word)
                let lexicon = memory.lexicon(for: [key])
                let options = (lexicon.table[key] ?? [:]).sorted { $0.value > $1.value }
                if json {
                    print(try JSONLines().line(["word": word, "key": key, "translations": options.map { "\($0.key) \(String(format: "%.3f", $0.value))" }.joined(separator: ", ")]))
                } else if options.isEmpty {
                    print("\(word): not in the lexicon")
                } else {
                    print("\(word): " + options.map { "\($0.key) \(String(format: "%.2f", $0.value))" }.joined(separator: ", "))
                }
            }
        }
    }
}
