import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaMatch
import TarjamaMemory

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
    @Option(help: "Search the source or the target side.") var side: UnitSide = .source
    @Option(help: "Most units to show.") var limit = 20
    @OptionGroup(title: "Provenance") var provenance: ProvenanceOptions
    @Flag(help: "One JSON object per unit.") var json = false
    @Argument(help: "Word or phrase.") var words: [String]

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1, got \(limit)") }
        guard !words.joined().trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("give a word or phrase to search for, e.g. tarjama concordance \"الرئيس الصيني\"")
        }
    }

    func run() throws {
        let phrase = words.joined(separator: " ")
        let units = try Concordance(store: try options.open(readOnly: true)).search(phrase, side: side, limit: limit,
                                                                                                 filter: try provenance.filter())
        let paint = Paint(enabled: !json && isatty(STDOUT_FILENO) == 1)
        let out = JSONLines()
        if units.isEmpty && !json { print("no unit contains “\(phrase)” on the \(side.rawValue) side") }
        for u in units {
            if json {
                struct Line: Encodable {
                    let id: Int64; let source: String; let target: String; let origin: String?
                    let author: String?; let changed_at: Date; let usage_count: Int
                }
                print(try out.line(Line(id: u.id!, source: u.source, target: u.target, origin: u.origin,
                                        author: u.changedBy ?? u.createdBy, changed_at: u.changedAt, usage_count: u.usageCount)))
                continue
            }
            let hitSource = side == .source ? paint.mark(phrase, in: u.source) : u.source
            let hitTarget = side == .target ? paint.mark(phrase, in: u.target) : u.target
            var provenance = [u.origin ?? "no origin"]
            if let a = u.changedBy ?? u.createdBy { provenance.append("by \(a)") }
            provenance.append(String(ISO8601DateFormatter().string(from: u.changedAt).prefix(10)))
            print("[\(u.id!)] \(paint.isolate(hitSource))\n      \(paint.isolate(hitTarget))\n      " + paint.dim("(\(provenance.joined(separator: ", ")))"))
        }
    }
}

extension UnitSide: ExpressibleByArgument {}
