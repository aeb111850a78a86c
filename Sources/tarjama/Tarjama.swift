import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaText
import CMemoryHints

/// The `tarjama` command: parses, calls the libraries, prints. No logic lives here.
@main
struct Tarjama: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "tarjama",
        abstract: "Translation memory and sentence alignment for Arabic→English news translation.",
        discussion: """
        Segment Arabic wire articles and their English translations, align them into a SQLite \
        translation memory, look up earlier translations, and pre-translate new articles. \
        Every command that uses a memory takes --memory PATH (default: $TARJAMA_MEMORY, else \
        Memories/default.tmdb).

        Examples:
          tarjama segment Samples/putin-xi/ar.txt
          tarjama align --store Samples/putin-xi/ar.txt Samples/putin-xi/en.txt
          tarjama lookup --explain "أجرى الرئيس الروسي اتصالاً مرئياً مع نظيره الصيني"
          tarjama concordance "شي جين بينغ"
          tarjama pretranslate Samples/new-articles --out out/
          tarjama import out/xi-visit.xlf                 # after review in a CAT tool
          tarjama merge out/xi-visit.xlf --out xi-visit.en.txt
          tarjama export --format tmx --out memory.tmx
        """,
        version: "tarjama \(version) (ICU \(Unicode2.icuVersion))",
        subcommands: [SegmentCommand.self, AlignCommand.self, MemoryCommand.self, LookupCommand.self, ConcordanceCommand.self, PretranslateCommand.self, MergeCommand.self, LexiconCommand.self, ImportCommand.self, ExportCommand.self, UnitCommand.self, ServeCommand.self, KeyCommand.self])

    /// Every command's memory, when given before the subcommand (`MemoryOptions`).
    @OptionGroup var memoryOptions: MemoryOptions

    static func main() async {
        AllocatorTuning.apply()
        do {
            var command = try parseAsRoot(nil)
            if var command = command as? AsyncParsableCommand { try await command.run() } else { try command.run() }
        } catch {
            exit(withError: explained(error))
        }
        flushStandardOutput()
    }

    /// What the user can do about a few errors the libraries report in their own terms.
    static func explained(_ error: Error) -> Error {
        let text = "\(error)"
        if text.contains("SQLite error 13") || text.contains("database or disk is full") {
            return UserError("the disk holding the memory is full (\(text)); the failed write stored nothing. Free some space and run the command again.")
        }
        return error
    }

    /// Output printed to a full disk or a closed pipe must not end in "ok": the buffered
    /// standard output is flushed here and a failure is the command's failure.
    static func flushStandardOutput() {
        if tj_stdout_failed() != 0 {
            warn("tarjama: writing standard output failed: \(String(cString: strerror(errno))) (is the disk full, or the reader gone?)")
            Foundation.exit(1)
        }
    }
}
