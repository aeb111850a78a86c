import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaMemory
import TarjamaServer

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Create, list and revoke the keys a served memory accepts.",
        discussion: """
        Keys live in the memory (only their SHA-256 digest), so every `tarjama serve` on it honours
        them. A write key adds units (PUT /tmserver/…, /set?key=); a read key is needed for lookups
        only on a server started with --private. Examples:
          tarjama key create --role write --name omegat-desk
          tarjama key list
          tarjama key revoke 3
        """,
        subcommands: [Create.self, List.self, Revoke.self])

    @OptionGroup var memoryOptions: MemoryOptions

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a new key; it is printed once, on the last line.")
        @OptionGroup var options: MemoryOptions
        @Option(help: "read, write or admin.") var role: AccessRole = .write
        @Option(help: "Who or what uses the key (shown in lists and as the author of what it writes).") var name = "desk"
        @Flag(help: "Print the key and its record as JSON.") var json = false

        func run() throws {
            let (key, record) = try AccessKeys.create(role: role, name: name, in: try options.open())
            if json {
                struct Line: Encodable { let key: String; let record: AccessKey }
                print(try JSONLines().line(Line(key: key, record: record)))
            } else {
                warn("created \(record.role.rawValue) key \(record.id) '\(record.name)'; keep it: it is not shown again")
                print(key)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (never the keys themselves).")
        @OptionGroup var options: MemoryOptions
        @Flag(help: "One JSON object per key.") var json = false

        func run() throws {
            let keys = try options.open().keys()
            if keys.isEmpty && !json { print("no keys: make one with tarjama key create --role write --name NAME") }
            for k in keys {
                if json { print(try JSONLines().line(k)); continue }
                print("\(k.id)\t\(k.role.rawValue)\t\(k.name)\t\(k.prefix)…\t\(k.revokedAt == nil ? "active" : "revoked")")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id (from key list).")
        @OptionGroup var options: MemoryOptions
        @Argument(help: "The key's id.") var id: Int64

        func run() throws {
            guard try options.open().revokeKey(id: id) else {
                throw UserError("no active key \(id): see tarjama key list")
            }
            print("revoked key \(id)")
        }
    }
}

extension AccessRole: ExpressibleByArgument {}
