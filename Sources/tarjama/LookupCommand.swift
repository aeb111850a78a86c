import ArgumentParser
import Foundation
import TarjamaMatch
import TarjamaCommandSupport
import TarjamaMemory
import TarjamaText

struct LookupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Find earlier translations of a sentence (exact, context and fuzzy matches).",
        discussion: """
        The score compares the normalised sentences (diacritics, alef/ya/ta marbuta forms, digits \
        and punctuation folded) letter by letter: shared letters, corrected for the share two \
        unrelated sentences have by chance, so an inflected or cliticised word (والصين, الصينية) \
        costs less than a different one and one changed word in fifteen scores about 93. The \
        word-level score is shown beside it with --explain. Differences that normalisation hid cost a \
        point each; numbers that differ are substituted into the stored translation (25٪ → 30%, \
        7360th → 7368th). With no TEXT and no --file, reads one query per line from standard input.

        Examples:
          tarjama lookup "أجرى الرئيس الروسي محادثات مع نظيره الصيني"
          tarjama lookup --explain --min 60 "..."
          tarjama lookup --file sentences.txt --json > matches.jsonl
        """)

    @OptionGroup var options: MemoryOptions
    @Option(help: "A file with one query per line.") var file: String?
    @Option(help: "Lowest score to show (0-100).") var min = 70
    @Option(help: "Most matches to show per query.") var limit = 5
    @OptionGroup(title: "Provenance") var provenance: ProvenanceOptions
    @OptionGroup var penalty: PenaltyOptions
    @Flag(help: "Show the score breakdown (character and word scores, penalties, substitutions).") var explain = false
    @Flag(help: "One JSON object per query: {query, matches: [...]}.") var json = false
    @Argument(help: "The sentence to look up.") var text: [String] = []

    func validate() throws {
        guard (0...101).contains(min) else { throw ValidationError("--min must be between 0 and 101, got \(min)") }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() throws {
        let matcher = Matcher(store: try options.open(readOnly: true))
        let queries: [String]
        if !text.isEmpty {
            queries = [text.joined(separator: " ")]
        } else {
            queries = try readText(file ?? "-").split(whereSeparator: \.isNewline).map(String.init)
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
        let out = JSONLines()
        let matchOptions = MatchOptions(minimum: min, limit: limit, filter: try provenance.filter(), originPenalties: try penalty.rules())
        let paint = Paint(enabled: !json && isatty(STDOUT_FILENO) == 1)
        for q in queries {
            let matches = try matcher.lookup(q, options: matchOptions)
            if json {
                struct Line: Encodable { let query: String; let matches: [Match] }
                print(try out.line(Line(query: q, matches: matches)))
                continue
            }
            if queries.count > 1 { print(paint.bold("» \(q)")) }
            if matches.isEmpty {
                print("  no match at or above \(min)%")
                if LanguageGuess(q).verdict == .english {
                    warn("tarjama: the query looks English; lookup searches the memory's Arabic sources. To find English text use: tarjama concordance --side target \"\(q)\"")
                }
                continue
            }
            for m in matches {
                let head: String
                switch m.kind {
                case .context: head = "\(m.score)% context (same sentence, same neighbours)"
                case .exact: head = m.score == 100 ? "100% exact" : "\(m.score)% exact (same words; −\(m.breakdown.penaltyPoints) for what differs, see --explain)"
                case .fuzzy: head = "\(m.score)% fuzzy"
                }
                var provenance = ["unit \(m.unitID)"]
                if let o = m.origin { provenance.append(o) }
                if let a = m.author { provenance.append("by \(a)") }
                if let d = m.changedAt { provenance.append(String(ISO8601DateFormatter().string(from: d).prefix(10))) }
                if m.usageCount > 0 { provenance.append("used \(m.usageCount)×") }
                print("\(paint.bold(head))  [\(provenance.joined(separator: ", "))]")
                print("  src  " + paint.isolate(paint.diff(m.diff, on: m.source)))
                print("  tgt  " + m.target)
                for w in m.warnings { print("  " + paint.bold("check") + "  " + w) }
                if explain {
                    let b = m.breakdown
                    print("       character score \(b.characterScore) (shared letters of the normalised sentences, corrected for chance)")
                    print(String(format: "       word score %d (distance %.1f of %.1f words)", b.wordScore, b.distance, max(b.queryWeight, b.storedWeight)))
                    for p in b.penalties { print("       −\(p.points) \(p.reason.rawValue): \(p.detail)") }
                }
            }
        }
    }
}
