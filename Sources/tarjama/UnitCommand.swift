import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaMemory

/// `tarjama unit add|show|edit|delete`: one unit at a time, as a person corrects a memory.
struct UnitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "Add, show, correct or delete one translation unit.",
        discussion: """
        Units are found by id: lookup --json and concordance --json show them. A correction keeps \
        the earlier target in the unit's history with who wrote it and who replaced it, and when; \
        the author is $TARJAMA_USER, else your login name (--user overrides).

        Examples:
          tarjama unit add --source "وصل الوفد إلى موسكو." --target "The delegation arrived in Moscow."
          tarjama unit show 42
          tarjama unit edit 42 --target "The delegation reached Moscow."
          tarjama unit delete 42
        """,
        subcommands: [Add.self, Show.self, Edit.self, Delete.self])

    @OptionGroup var memoryOptions: MemoryOptions

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store one source sentence and its translation.")
        @OptionGroup var options: MemoryOptions
        @Option(help: "The Arabic sentence.") var source: String
        @Option(help: "Its English translation.") var target: String
        @Option(help: "Where it comes from (an article, a desk).") var origin: String?
        @Option(help: "Author (default: $TARJAMA_USER, else your login name).") var user: String?
        @Option(help: "Source language.") var sourceLang = "ar"
        @Option(help: "Target language.") var targetLang = "en"
        @Flag(help: "Print the stored unit as JSON.") var json = false

        func run() throws {
            let source = self.source.trimmingCharacters(in: .whitespacesAndNewlines)
            let target = self.target.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !source.isEmpty, !target.isEmpty else { throw UserError("--source and --target must both hold text") }
            let store = try options.open()
            let author = user ?? currentUser()
            let summary = try store.add([UnitDraft(source: source, target: target, sourceLanguage: sourceLang,
                                                   targetLanguage: targetLang, origin: origin, createdBy: author)], user: author)
            let key = SegmentKey.key(source)
            guard let unit = try store.exact(source).first(where: { $0.target == target && $0.sourceKey == key }) else {
                throw UserError("the unit was written but cannot be read back from \(store.location); run: tarjama memory check")
            }
            if json { print(try JSONLines().line(unit)); return }
            print(summary.added == 1 ? "added unit \(unit.id!)" : "unit \(unit.id!) holds this pair already (now \(unit.occurrences) occurrences)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one unit with its provenance and history.")
        @OptionGroup var options: MemoryOptions
        @Argument(help: "The unit id.") var id: Int64
        @Flag(help: "Print the unit and its history as JSON.") var json = false

        func run() throws {
            let store = try options.open(readOnly: true, create: false)
            guard let unit = try store.unit(id: id) else { throw UnitCommand.missing(id, store) }
            let history = try store.revisions(id: id)
            if json {
                struct Shown: Encodable { let unit: TranslationUnit; let history: [UnitRevision] }
                print(try JSONLines().line(Shown(unit: unit, history: history)))
                return
            }
            UnitCommand.describe(unit, history: history)
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Correct a unit's translation, keeping the earlier one in its history.")
        @OptionGroup var options: MemoryOptions
        @Argument(help: "The unit id.") var id: Int64
        @Option(help: "The corrected translation.") var target: String
        @Option(help: "Who corrects it (default: $TARJAMA_USER, else your login name).") var user: String?
        @Flag(help: "Print the edited unit as JSON.") var json = false

        func run() throws {
            let target = self.target.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !target.isEmpty else { throw UserError("--target must hold text; to remove the unit use: tarjama unit delete \(id)") }
            let store = try options.open(create: false)
            guard let unit = try store.editUnit(id: id, target: target, user: user ?? currentUser()) else {
                throw UnitCommand.missing(id, store)
            }
            if json { print(try JSONLines().line(unit)); return }
            if unit.id != id {
                print("unit \(id) now repeats unit \(unit.id!), which already had this translation: merged into \(unit.id!)")
            } else {
                print("edited unit \(id)")
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete one unit and its history.")
        @OptionGroup var options: MemoryOptions
        @Argument(help: "The unit id.") var id: Int64

        func run() throws {
            let store = try options.open(create: false)
            guard try store.deleteUnit(id: id) else { throw UnitCommand.missing(id, store) }
            print("deleted unit \(id)")
        }
    }

    static func missing(_ id: Int64, _ store: any MemoryStore) -> UserError {
        UserError("no unit with id \(id) in \(store.location); find ids with: tarjama lookup --json TEXT")
    }

    static func describe(_ u: TranslationUnit, history: [UnitRevision]) {
        let date = ISO8601DateFormatter()
        Swift.print("unit        \(u.id!)  (\(u.sourceLanguage) → \(u.targetLanguage))")
        Swift.print("source      \(u.source)")
        Swift.print("target      \(u.target)")
        Swift.print("origin      \(u.origin ?? "—")\(u.position.map { " #\($0)" } ?? "")")
        Swift.print("created     \(date.string(from: u.createdAt)) by \(u.createdBy ?? "unknown")")
        Swift.print("changed     \(date.string(from: u.changedAt)) by \(u.changedBy ?? "unknown")")
        Swift.print("used        \(u.usageCount) times, seen \(u.occurrences) times")
        if let c = u.confidence { Swift.print(String(format: "alignment   %.3f", c)) }
        for (k, v) in u.properties.sorted(by: { $0.key < $1.key }) { Swift.print("property    \(k) = \(v)") }
        for n in u.notes { Swift.print("note        \(n)") }
        for r in history.reversed() {
            Swift.print("earlier     \(r.target)")
            Swift.print("            written \(date.string(from: r.writtenAt)) by \(r.writtenBy ?? "unknown"), replaced \(date.string(from: r.replacedAt)) by \(r.replacedBy ?? "unknown")")
        }
    }
}
