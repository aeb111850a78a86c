import ArgumentParser
import Foundation
import TarjamaAlign

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure quality on gold sets (../shared/data).",
        discussion: """
        Examples:
          tarjama eval align
          tarjama eval align ../shared/data/align/textberg-dev --json
        """,
        subcommands: [AlignEval.self])

    struct AlignEval: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "align",
            abstract: "Strict and lax P/R/F1 of the aligner against gold beads (Vecalign convention).")

        @Argument(help: "Gold set folders (default: the NTREX Arabic-English and Text+Berg sets in ../shared/data/align).")
        var sets: [String] = []
        @Flag(help: "Print one JSON object per set.") var json = false

        func run() throws {
            let defaults = ["../shared/data/align/ar-en-ntrex40", "../shared/data/align/textberg-dev"]
            let chosen = sets.isEmpty ? defaults.filter { FileManager.default.fileExists(atPath: $0) } : sets
            if chosen.isEmpty {
                throw UserError("no gold sets found: ../shared/data/align is absent. Pass a folder with ar/ en/ gold/.")
            }
            for set in chosen {
                let e = try AlignmentEvaluation.run(directory: set, aligner: Aligner())
                if json { print(try JSONLines().line(e)); continue }
                let s = e.score
                print("\(e.set): \(e.documents) documents, \(e.sourceSentences)×\(e.targetSentences) sentences, \(String(format: "%.2f", e.seconds)) s")
                print(String(format: "  strict  P %.3f  R %.3f  F1 %.3f", s.strictPrecision, s.strictRecall, s.strictF1))
                print(String(format: "  lax     P %.3f  R %.3f  F1 %.3f", s.laxPrecision, s.laxRecall, s.laxF1))
            }
        }
    }
}
