import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaMemory
import TarjamaSQLite

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import translation units from TMX, XLIFF or TSV files, or folders of them.",
        discussion: """
        TMX (1.1-1.4, from any tool; UTF-8 or UTF-16): Arabic variants become sources and English \
        variants targets whatever the file's srclang (xml:lang or lang, any case or region: ar, \
        AR, ar-SA, ar_EG). Inline codes become placeholders ({1} {/1} {2/}); prop and note are \
        kept; several English variants give several units. External entities are never fetched \
        and declared entities never expanded. TSV: source<TAB>target per line.

        XLIFF (1.2 and 2.0: Tarjama's pre-translations after review, OmegaT, Okapi, \
        translate-toolkit, memoQ, Trados): the segments a person translated, reviewed or approved \
        come in (state translated, final, signed-off or reviewed, approved="yes", or a proposal \
        that was edited), with the file as origin and the neighbouring segments as context. \
        Fuzzy and needs-review proposals stay out unless --include-unreviewed (also for the \
        adaptations in Tarjama's pre-translation TMX). A reviewed target that changes an exact \
        match Tarjama proposed corrects that unit (unit show lists the earlier target).

        Each file is one transaction: a malformed or truncated file imports nothing and is \
        reported with its line, and the other files go on (exit code 1). Exact duplicates are \
        counted, not stored twice; a new translation of a stored source follows \
        --on-duplicate. Skipped and repaired units are listed with line numbers.

        Examples:
          tarjama import tico19.tmx
          tarjama import pairs.tsv
          tarjama import --memory Memories/news.tmdb exports/
          tarjama import out/xi-visit.xlf
        """)

    @OptionGroup var options: MemoryOptions
    @Option(help: "Source language (the TMX variant taken as source; the language of TSV sources).") var sourceLang = "ar"
    @Option(help: "Target language.") var targetLang = "en"
    @Flag(help: "Also import unreviewed proposals (fuzzy, needs-review) from XLIFF and Tarjama's pre-translation TMX.")
    var includeUnreviewed = false
    @Option(help: ArgumentHelp("When the memory holds a unit's source with another translation: auto, keep, replace or variant.",
                               discussion: "auto (default): a translation from the same file or article as the stored one, and not older, replaces it (the earlier target kept in the unit's history); from elsewhere it is stored as another translation. keep: the stored one stays. replace: the new one replaces it. variant: both are kept."))
    var onDuplicate: DuplicatePolicy = .auto
    @Option(help: "Author of the imported units (default: $TARJAMA_USER, else your login name).") var user: String?
    @Flag(help: "Print one JSON report per file.") var json = false
    @Argument(help: "TMX, XLIFF or TSV files, or folders holding them.") var paths: [String]

    func run() throws {
        let memory = try options.open()
        // Standard input is spooled to a file first: each format is read from a file, and a
        // file is one transaction.
        var stdinCopy: String?
        defer { if let stdinCopy { try? FileManager.default.removeItem(atPath: (stdinCopy as NSString).deletingLastPathComponent) } }
        let files = try paths.flatMap { path -> [String] in
            guard path == "-" else {
                return try expandInputs([path], suffixes: [".tmx", ".tsv", ".xlf", ".xliff", ".sdlxliff", ".mqxliff"], verb: "import")
            }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-stdin-\(getpid())")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let file = dir.appendingPathComponent("stdin").path
            guard FileManager.default.createFile(atPath: file, contents: FileHandle.standardInput.readDataToEndOfFile()) else {
                throw UserError("cannot keep standard input in \(dir.path): is the disk full?")
            }
            stdinCopy = file
            return [file]
        }
        var failed = false
        for file in files {
            let bar = ProgressBar(total: 0, label: "units")
            var report: ImportReport
            let name = file == stdinCopy ? "-" : file
            do {
                report = try memory.importFile(path: file, sourceLanguage: sourceLang, targetLanguage: targetLang, user: user ?? currentUser(),
                                               includeUnreviewed: includeUnreviewed, onDuplicate: onDuplicate) { bar.update($0) }
                bar.finish()
            } catch let e as MemoryError {
                bar.finish()
                warn("tarjama: \(e.description)")
                if json { print(try JSONLines().line(["file": name, "error": e.description.replacingOccurrences(of: file, with: name)])) }
                failed = true
                continue
            }
            report.file = name
            // A file whose every unit was skipped imported nothing a person wanted: an error.
            let nothing = report.added + report.duplicates + report.corrected + report.kept == 0 && report.skippedCount > 0
            if nothing {
                warn("tarjama: \(name): nothing imported: all \(report.skippedCount) units were skipped (reasons below; --json lists them)")
                failed = true
            }
            if json {
                print(try JSONLines().line(report))
                continue
            }
            var line = String(format: "%@: %d added, %d duplicates, %d skipped", name, report.added, report.duplicates, report.skippedCount)
            if report.corrected > 0 { line += ", \(report.corrected) corrected" }
            if report.kept > 0 { line += ", \(report.kept) left out (source stored; --on-duplicate keep)" }
            if report.unreviewed > 0 { line += ", \(report.unreviewed) unreviewed left out" }
            if report.untranslated > 0 { line += ", \(report.untranslated) untranslated" }
            if report.repairedCount > 0 { line += ", \(report.repairedCount) repaired" }
            if report.ignoredEntityDeclarations > 0 { line += ", \(report.ignoredEntityDeclarations) entity declarations ignored" }
            print(line + String(format: " (%.1f s, %.0f units/s)", report.seconds, Double(report.added + report.duplicates) / max(report.seconds, 1e-6)))
            // Each problem once, in line order (a unit's repairs may be reported by more than one reader).
            var seen = Set<String>()
            let problems = (report.skipped.map { ("skipped", $0) } + report.repaired.map { ("repaired", $0) })
                .sorted { $0.1.line < $1.1.line }
                .filter { seen.insert("\($0.0)\($0.1.line)\($0.1.message)").inserted }
            for (kind, p) in problems.prefix(20) { warn("  \(name):\(p.line): \(kind): \(p.message)") }
            if report.skippedCount + report.repairedCount > 20 {
                warn("  … \(report.skippedCount + report.repairedCount - 20) more (use --json for the first 1,000 of each)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}
extension DuplicatePolicy: ExpressibleByArgument {}
