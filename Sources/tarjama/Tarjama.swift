import ArgumentParser
import Foundation
import TarjamaText

/// The `tarjama` command: parses, calls the libraries, prints. No logic lives here.
@main
struct Tarjama: ParsableCommand {
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
          tarjama export --format tmx --out memory.tmx
        """,
        version: "tarjama \(version) (ICU \(Unicode2.icuVersion))",
        subcommands: [SegmentCommand.self, AlignCommand.self, MemoryCommand.self, LookupCommand.self, ConcordanceCommand.self, PretranslateCommand.self, LexiconCommand.self, ImportCommand.self, ExportCommand.self, EvalCommand.self, BenchCommand.self])

    /// `tarjama --memory PATH <subcommand> …` works like `--memory` after the subcommand:
    /// the global form sets `TARJAMA_MEMORY` for the subcommand.
    static func main() {
        // Buffers of a megabyte or more (an import's batches: byte arenas, rows, grouped terms,
        // several of them in flight between the reader, the preparing cores and the writer)
        // get pages of their own, given back when freed. glibc's default raises this threshold
        // to the largest buffer freed so far, and the batches then came from the threads'
        // heaps, where what they freed stayed: a million-unit import peaked at 178-205 MB,
        // against 163 MB with this (bar 200). Each thread's heap keeps up to 16 MB it freed
        // instead of giving it back at once: a batch's strings and small arrays are freed and
        // allocated again every batch, and giving them back (glibc's default, 128 KB) had
        // made the pages fault in anew, about 180,000 times a million units (0.3-0.5 s of
        // system time; peak memory 161-165 MB).
        ownPagesForLargeBuffers()
        var args = Array(CommandLine.arguments.dropFirst())
        if args.first == "--memory", args.count >= 2 {
            setenv("TARJAMA_MEMORY", args[1], 1)
            args.removeFirst(2)
        } else if let first = args.first, first.hasPrefix("--memory=") {
            setenv("TARJAMA_MEMORY", String(first.dropFirst("--memory=".count)), 1)
            args.removeFirst()
        }
        Self.main(args)
    }

    /// `mallopt(M_MMAP_THRESHOLD, 1 MB)` and `mallopt(M_TRIM_THRESHOLD, 16 MB)` where the C
    /// library has it (glibc; Swift's Glibc module does not declare it).
    private static func ownPagesForLargeBuffers() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3   // in <malloc.h>
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(mmapThreshold, 1 << 20)
        _ = mallopt(trimThreshold, 16 << 20)
    }
}
