import ArgumentParser
import Foundation
import TarjamaMemory
import TarjamaPostgres
import TarjamaSQLite

/// `--memory PATH`, shared by every command that reads or writes a memory.
///
/// Declared on the root command, on `memory` and on each command that uses it: argument-parser
/// gives every declaration the value wherever it was written, so `tarjama --memory M lookup`,
/// `tarjama lookup --memory M` and `tarjama memory --memory M stats` are the same.
public struct MemoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Memory file, or a PostgreSQL database (postgres://USER@HOST:PORT/DB).",
                                            discussion: "Default: $TARJAMA_MEMORY, else Memories/default.tmdb.", valueName: "path"))
    public var memory: String?

    public init() {}

    /// The memory named by --memory, else $TARJAMA_MEMORY, else `Memories/default.tmdb`.
    public var path: String {
        memory ?? ProcessInfo.processInfo.environment["TARJAMA_MEMORY"] ?? "Memories/default.tmdb"
    }

    /// Opens the memory (creating it unless `readOnly` or not `create`), saying on standard
    /// error why it waits or upgrades.
    public func open(readOnly: Bool = false, create: Bool = true) throws -> any MemoryStore {
        if PostgresAddress.isAddress(path) {
            do {
                return try PostgresMemory(address: path)
            } catch let e as MemoryError {
                throw UserError(e.description)
            }
        }
        return try openSQLite(readOnly: readOnly, create: create)
    }

    /// `open`, for the commands that need the SQLite file itself (its schema version, its size).
    public func openSQLite(readOnly: Bool = false, create: Bool = true) throws -> SQLiteMemory {
        if PostgresAddress.isAddress(path) {
            throw UserError("this command works on a memory file; \(path) is a PostgreSQL database")
        }
        if SQLiteMemory.isBeingBulkLoaded(path) {
            warn("\(path) is being filled by an import into a new memory; waiting until it ends…")
        }
        if !readOnly, let version = SQLiteMemory.schemaVersion(ofFileAt: path), version < SQLiteMemory.schemaVersion {
            // Before v12 an upgrade also rebuilds the derived data (`SQLiteMemory.reindex`).
            let rebuild = version < 12 ? "; indexes and stored tokens are rebuilt: about half a minute a million units" : ""
            warn("upgrading \(path) from schema v\(version) to v\(SQLiteMemory.schemaVersion) (once\(rebuild))…")
        }
        do {
            return try SQLiteMemory(path: path, readOnly: readOnly, create: create)
        } catch let e as MemoryError {
            throw UserError(e.description)
        }
    }
}

/// Writes text to a file, or to standard output when `path` is nil or `-`.
public final class OutputSink {
    private let handle: FileHandle
    private var buffer = Data()

    public init(path: String?) throws {
        if let path, path != "-" {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let h = FileHandle(forWritingAtPath: path) else {
                throw UserError("cannot write '\(path)': check that its folder exists and is writable.")
            }
            handle = h
        } else {
            handle = FileHandle.standardOutput
        }
    }

    public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    public func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
