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
          tarjama memory check --deep
        """,
        subcommands: [Create.self, List.self, Stats.self, Check.self, Reindex.self])

    /// `tarjama memory --memory PATH stats` (`MemoryOptions`).
    @OptionGroup var memoryOptions: MemoryOptions

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty memory (or upgrade an existing one).")
        @OptionGroup var options: MemoryOptions
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let existed = FileManager.default.fileExists(atPath: options.path)
            var creating = options
            creating.create = true   // what this command is for
            let memory = try creating.open()
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
            // A file that cannot be read is reported and the listing goes on; the exit says so.
            var unreadable = 0
            for name in files {
                let path = (folder as NSString).appendingPathComponent(name)
                do {
                    let stats = try SQLiteMemory(path: path, readOnly: true).stats()
                    if json {
                        print(try JSONLines().line(stats))
                    } else {
                        print("\(path)\t\(stats.units) units\t\(stats.fileBytes / 1024) KiB")
                    }
                } catch {
                    unreadable += 1
                    if json {
                        print(try JSONLines().line(["path": path, "error": "\(error)"]))
                    } else {
                        print("\(path)\tunreadable: \(error)")
                    }
                }
            }
            if unreadable > 0 { throw ExitCode(1) }
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
        static let configuration = CommandConfiguration(
            abstract: "Check a memory: the database's own integrity, and with --deep its index against its units.",
            discussion: """
            Without --deep: SQLite's integrity check (on PostgreSQL, the unit counts). With --deep, every
            unit is prepared again as an import would and compared with what lookups read: its stored
            match tokens, and each term's posting list and frequency. A damaged index makes lookups miss
            matches without an error; `tarjama memory reindex` rebuilds it. --deep reads the whole
            memory and holds the expected index in memory (about 250 MB for a million units).
            Exit status: 0 when everything checks, 1 when a problem was found.
            """)
        @OptionGroup var options: MemoryOptions
        @Flag(help: "Also compare the term index and stored tokens with the units.") var deep = false
        @Flag(help: "Print the result as JSON.") var json = false

        struct Report: Encodable {
            let memory: String
            let integrity: String
            let index: IndexCheck?
            let ok: Bool
        }

        func run() throws {
            let memory = try options.open(readOnly: true)
            let integrity = try memory.check()
            var index: IndexCheck?
            if deep {
                let bar = ProgressBar(total: 0, label: "units checked")
                index = try memory.verifyIndex(progress: bar.update)
                bar.finish()
            }
            let ok = integrity == "ok" && (index?.ok ?? true)
            if json {
                print(try JSONLines().line(Report(memory: memory.location, integrity: integrity, index: index, ok: ok)))
            } else {
                print(integrity == "ok" ? "integrity       ok" : "integrity       problems:\n\(integrity)")
                if let index {
                    if index.ok {
                        print("index           ok (\(index.units) units, \(index.terms) terms checked against their units)")
                    } else {
                        print("index           \(index.problemCount) problems in \(index.units) units, \(index.terms) terms:")
                        for p in index.problems { print("  \(p)") }
                        if index.problemCount > index.problems.count { print("  … and \(index.problemCount - index.problems.count) more") }
                        print("Lookups may miss matches. Rebuild the index: tarjama memory reindex --memory \(memory.location)")
                    }
                }
            }
            if !ok { throw ExitCode(1) }
        }
    }

    struct Reindex: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild a memory's index (stored match tokens, term index) from its units.",
            discussion: """
            What to run when `tarjama memory check --deep` finds problems. The units themselves are not
            changed; the rebuild is one transaction (an interrupted one leaves the old index), and other
            writers wait for it.
            """)
        @OptionGroup var options: MemoryOptions
        @Flag(help: "Print the result as JSON.") var json = false

        func run() throws {
            let memory = try options.open()
            let start = Date()
            let units = try memory.rebuildIndex()
            let seconds = Date().timeIntervalSince(start)
            if json {
                print(try JSONLines().line(["memory": memory.location, "units": "\(units)", "seconds": String(format: "%.2f", seconds)]))
            } else {
                print(String(format: "rebuilt the index of %@ from %d units in %.1f s", memory.location, units, seconds))
            }
        }
    }
}
