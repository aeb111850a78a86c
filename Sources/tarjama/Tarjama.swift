import ArgumentParser
import TarjamaText

/// The `tarjama` command: parses, calls the libraries, prints. No logic lives here.
@main
struct Tarjama: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "tarjama",
        abstract: "Translation memory and sentence alignment for Arabic→English news translation.",
        discussion: """
        Segment Arabic wire articles and their English translations, align them into a SQLite
        translation memory, look up earlier translations, and pre-translate new articles.

        Examples:
          tarjama segment Samples/putin-xi/ar.txt
          tarjama segment --lang en --json Samples/putin-xi/en.txt
        """,
        version: "tarjama \(version) (ICU \(Unicode2.icuVersion))",
        subcommands: [SegmentCommand.self, AlignCommand.self, MemoryCommand.self, LookupCommand.self, ConcordanceCommand.self, PretranslateCommand.self, ImportCommand.self, ExportCommand.self, EvalCommand.self, BenchCommand.self])
}
