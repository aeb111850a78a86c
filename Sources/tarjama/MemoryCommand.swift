import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaMemory
import TarjamaSQLite

struct MemoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Create, inspect and maintain translation memories.",
        discussion: """
        A memory is one SQLite file (WAL mode) under Memories/. Examples:
          tarjama memory create --memory Memories/sports.tmdb
          tarjama memory stats
          tarjama memory list
          tarjama memory delete-unit 42
        """,
        subcommands: [Create.self, List.self, Stats.self, Check.self, DeleteUnit.self])

    /// `tarjama memory --memory PATH stats` (`MemoryOptions`).
    @OptionGroup var memoryOptions: MemoryOptions

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty memory (or upgrade an existing one).")
        @OptionGroup var options: MemoryOptions
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let existed = FileManager.default.fileExists(atPath: options.path)
            let memory = try options.open()
            let stats = try memory.stats()
            if json {
                print(try JSONLines().line(["path": options.path, "created": existed ? "false" : "true", "units": "\(stats.units)"]))
            } else {
                print(existed ? "memory \(options.path) already exists (\(stats.units) units, schema v\(stats.schemaVersion))"
                              : "created \(options.path) (schema v\(stats.schemaVersion))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the memories in a folder with their sizes.")
        @Argument(help: "Folder to list.") var folder = "Memories"
        @Flag(help: "Print one JSON object per memory.") var json = false

        func run() throws {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
                throw UserError("cannot list '\(folder)': no such folder. Memories live in Memories/ by default.")
            }
            let files = names.filter { $0.hasSuffix(".tmdb") }.sorted()
            if files.isEmpty && !json { print("no memories in \(folder)/ — create one with: tarjama memory create") }
            for name in files {
                let path = (folder as NSString).appendingPathComponent(name)
                let stats = try SQLiteMemory(path: path, readOnly: true).stats()
                if json {
                    print(try JSONLines().line(stats))
                } else {
                    print("\(path)\t\(stats.units) units\t\(stats.fileBytes / 1024) KiB")
                }
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show counts, languages and dates of a memory.")
        @OptionGroup var options: MemoryOptions
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let s = try options.open(readOnly: true).stats()
            if json { print(try JSONLines().line(s)); return }
            print("memory          \(s.path) (schema v\(s.schemaVersion), \(s.fileBytes / 1024) KiB)")
            print("units           \(s.units) (\(s.occurrences) occurrences, \(s.distinctSources) distinct sources)")
            print("origins         \(s.origins)")
            print("languages       \(s.languagePairs.joined(separator: ", "))")
            if let c = s.meanConfidence { print(String(format: "mean confidence %.3f", c)) }
            if let f = s.firstCreated, let l = s.lastChanged { print("dates           \(f) … \(l)") }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run SQLite's integrity check on a memory.")
        @OptionGroup var options: MemoryOptions

        func run() throws {
            let result = try options.open(readOnly: true).check()
            print(result)
            if result != "ok" { throw ExitCode(1) }
        }
    }

    struct DeleteUnit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete-unit", abstract: "Delete one unit by its id (ids are shown by lookup --json).")
        @OptionGroup var options: MemoryOptions
        @Argument(help: "The unit id.") var id: Int64

        func run() throws {
            guard try options.open(create: false).deleteUnit(id: id) else {
                throw UserError("no unit with id \(id) in \(options.path); find ids with: tarjama lookup --json TEXT")
            }
            print("deleted unit \(id)")
        }
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import translation units from TMX or TSV files, or folders of them.",
        discussion: """
        TMX (1.1-1.4, from any tool; UTF-8 or UTF-16): Arabic variants become sources and English \
        variants targets whatever the file's srclang (xml:lang or lang, any case or region: ar, \
        AR, ar-SA, ar_EG). Inline codes become placeholders ({1} {/1} {2/}); prop and note are \
        kept; several English variants give several units. External entities are never fetched \
        and declared entities never expanded. TSV: source<TAB>target per line.

        Each file is one transaction: a malformed or truncated file imports nothing and is \
        reported with its line, and the other files go on (exit code 1). Exact duplicates are \
        counted, not stored twice. Skipped and repaired units are listed with line numbers.

        Examples:
          tarjama import tico19.tmx
          tarjama import pairs.tsv
          tarjama import --memory Memories/news.tmdb exports/
        """)

    @OptionGroup var options: MemoryOptions
    @Option(help: "Source language (the TMX variant taken as source; the language of TSV sources).") var sourceLang = "ar"
    @Option(help: "Target language.") var targetLang = "en"
    @Flag(help: "Print one JSON report per file.") var json = false
    @Argument(help: "TMX or TSV files, or folders holding them.") var paths: [String]

    func run() throws {
        let memory = try options.open()
        let files = try expandInputs(paths, suffixes: [".tmx", ".tsv"], verb: "import")
        var failed = false
        for file in files {
            let bar = ProgressBar(total: 0, label: "units")
            let report: ImportReport
            do {
                report = try memory.importFile(path: file, sourceLanguage: sourceLang, targetLanguage: targetLang) { bar.update($0) }
                bar.finish()
            } catch let e as MemoryError {
                bar.finish()
                warn("tarjama: \(e.description)")
                if json { print(try JSONLines().line(["file": file, "error": e.description])) }
                failed = true
                continue
            }
            if json {
                print(try JSONLines().line(report))
                continue
            }
            var line = String(format: "%@: %d added, %d duplicates, %d skipped", file, report.added, report.duplicates, report.skippedCount)
            if report.repairedCount > 0 { line += ", \(report.repairedCount) repaired" }
            if report.ignoredEntityDeclarations > 0 { line += ", \(report.ignoredEntityDeclarations) entity declarations ignored" }
            print(line + String(format: " (%.1f s, %.0f units/s)", report.seconds, Double(report.added + report.duplicates) / max(report.seconds, 1e-6)))
            let problems = (report.skipped.map { ("skipped", $0) } + report.repaired.map { ("repaired", $0) }).sorted { $0.1.line < $1.1.line }
            for (kind, p) in problems.prefix(20) { warn("  \(file):\(p.line): \(kind): \(p.message)") }
            if report.skippedCount + report.repairedCount > 20 {
                warn("  … \(report.skippedCount + report.repairedCount - 20) more (use --json for the first 1,000 of each)")
            }
        }
        if failed { throw ExitCode(1) }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a memory as TMX 1.4 or TSV.",
        discussion: """
        TMX output validates against the TMX 1.4 DTD and keeps origin, confidence, notes and \
        properties. Examples:
          tarjama export --format tmx --out news.tmx
          tarjama export --format tsv > pairs.tsv
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case tmx, tsv }

    @OptionGroup var options: MemoryOptions
    @Option(help: "tmx or tsv.") var format: Format = .tmx
    @Option(help: "Output file (default: standard output).") var out: String?

    func run() throws {
        let memory = try options.open(readOnly: true)
        let sink = try OutputSink(path: out)
        let n: Int
        switch format {
        case .tmx: n = try memory.exportTMX { sink.write($0) }
        case .tsv: n = try memory.exportTSV { sink.write($0) }
        }
        sink.flush()
        if out != nil { warn("exported \(n) units to \(out!)") }
    }
}
