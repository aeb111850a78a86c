import ArgumentParser
import Foundation
import TarjamaMatch
import TarjamaMemory

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
    @Flag(help: "Show the score breakdown (character and word scores, penalties, substitutions).") var explain = false
    @Flag(help: "One JSON object per query: {query, matches: [...]}.") var json = false
    @Argument(help: "The sentence to look up.") var text: [String] = []

    func validate() throws {
        guard (0...101).contains(min) else { throw ValidationError("--min must be between 0 and 101, got \(min)") }
        guard limit > 0 else { throw ValidationError("--limit must be at least 1, got \(limit)") }
    }

    func run() throws {
        let matcher = Matcher(memory: try options.open(readOnly: true))
        let queries: [String]
        if !text.isEmpty {
            queries = [text.joined(separator: " ")]
        } else {
            queries = try readText(file ?? "-").split(whereSeparator: \.isNewline).map(String.init)
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
        let out = JSONLines()
        let paint = Paint(enabled: !json && isatty(STDOUT_FILENO) == 1)
        for q in queries {
            let matches = try matcher.lookup(q, options: MatchOptions(minimum: min, limit: limit))
            if json {
                struct Line: Encodable { let query: String; let matches: [Match] }
                print(try out.line(Line(query: q, matches: matches)))
                continue
            }
            if queries.count > 1 { print(paint.bold("» \(q)")) }
            if matches.isEmpty { print("  no match at or above \(min)%"); continue }
            for m in matches {
                let head = m.kind == .fuzzy ? "\(m.score)%" : "\(m.score)% \(m.kind.rawValue)"
                print("\(paint.bold(head))  [unit \(m.unitID)\(m.origin.map { ", \($0)" } ?? "")]")
                print("  src  " + paint.diff(m.diff))
                print("  tgt  " + m.target)
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

/// ANSI colours for a terminal; plain text otherwise.
struct Paint {
    let enabled: Bool

    func bold(_ s: String) -> String { enabled ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    func red(_ s: String) -> String { enabled ? "\u{1B}[31;9m\(s)\u{1B}[0m" : s }
    func green(_ s: String) -> String { enabled ? "\u{1B}[32;1m\(s)\u{1B}[0m" : s }
    func highlight(_ s: String) -> String { enabled ? "\u{1B}[43;30m\(s)\u{1B}[0m" : "[\(s)]" }

    func mark(_ phrase: String, in text: String) -> String {
        Highlight.pieces(of: text, phrase: phrase).map { $0.hit ? highlight($0.text) : $0.text }.joined()
    }

    /// The stored source as the translator reads it, with what the query changes marked:
    /// {-stored-}{+query+} when plain, strike/green when coloured.
    func diff(_ spans: [DiffSpan]) -> String {
        var out = ""
        for s in spans {
            if !out.isEmpty && !s.joinsPrevious { out += " " }
            switch s.op {
            case .equal: out += s.stored ?? ""
            case .delete: out += enabled ? red(s.stored ?? "") : "{-\(s.stored ?? "")-}"
            case .insert: out += enabled ? green(s.query ?? "") : "{+\(s.query ?? "")+}"
            case .substitute:
                out += enabled ? red(s.stored ?? "") + green(s.query ?? "") : "{-\(s.stored ?? "")-}{+\(s.query ?? "")+}"
            }
        }
        return out
    }
}

struct ConcordanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concordance",
        abstract: "Find units whose source (or target) contains a word or phrase.",
        discussion: """
        Arabic is matched on normalised text, so an unvoweled query finds voweled units and أ/إ/ا \
        spellings find each other, and a word with a proclitic contains the phrase (والرئيس contains \
        الرئيس). English is matched without case or accents; the words must follow each other. The \
        most recently added units come first; the hit is highlighted.

        Examples:
          tarjama concordance "الرئيس الصيني"
          tarjama concordance --side target "video call"
        """)

    @OptionGroup var options: MemoryOptions
    @Option(help: "Search the source or the target side.") var side: Memory.Side = .source
    @Option(help: "Most units to show.") var limit = 20
    @Flag(help: "One JSON object per unit.") var json = false
    @Argument(help: "Word or phrase.") var words: [String]

    func run() throws {
        let phrase = words.joined(separator: " ")
        let memory = try options.open(readOnly: true)
        let key = side == .source ? SegmentKey.key(phrase) : phrase.lowercased()
        let units = try memory.concordance(phrase: key, side: side, limit: limit)
        let paint = Paint(enabled: !json && isatty(STDOUT_FILENO) == 1)
        let out = JSONLines()
        if units.isEmpty && !json { print("no unit contains “\(phrase)” on the \(side.rawValue) side") }
        for u in units {
            if json {
                struct Line: Encodable { let id: Int64; let source: String; let target: String; let origin: String? }
                print(try out.line(Line(id: u.id!, source: u.source, target: u.target, origin: u.origin)))
                continue
            }
            let hitSource = side == .source ? paint.mark(phrase, in: u.source) : u.source
            let hitTarget = side == .target ? paint.mark(phrase, in: u.target) : u.target
            print("[\(u.id!)] \(hitSource)\n      \(hitTarget)")
        }
    }
}

extension Memory.Side: ExpressibleByArgument {}
