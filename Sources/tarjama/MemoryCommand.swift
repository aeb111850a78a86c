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
        """,
        subcommands: [Create.self, List.self, Stats.self, Check.self])

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
        static let configuration = CommandConfiguration(abstract: "Run SQLite's integrity check on a memory.")
        @OptionGroup var options: MemoryOptions

        func run() throws {
            let result = try options.open(readOnly: true).check()
            print(result)
            if result != "ok" { throw ExitCode(1) }
        }
    }
}
