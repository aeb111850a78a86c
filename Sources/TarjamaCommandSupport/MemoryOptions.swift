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
    @Flag(help: ArgumentHelp("Create the memory if it does not exist yet.",
                             discussion: "Without it only the default memory is created on first use, so a mistyped --memory is an error, not a new empty memory."))
    public var create = false

    public init() {}

    /// The memory is the default one (no --memory, no $TARJAMA_MEMORY).
    var isDefault: Bool { memory == nil && ProcessInfo.processInfo.environment["TARJAMA_MEMORY"] == nil }

    /// The memory named by --memory, else $TARJAMA_MEMORY, else `Memories/default.tmdb`.
    public var path: String {
        memory ?? ProcessInfo.processInfo.environment["TARJAMA_MEMORY"] ?? "Memories/default.tmdb"
    }

    /// The memory's file, or nil for a PostgreSQL database.
    public var file: String? { PostgresAddress.isAddress(path) ? nil : path }

    /// Opens the memory, saying on standard error why it waits or upgrades. A command that may
    /// create one (`create`) does so for the default memory or with `--create`; a named memory
    /// that does not exist is otherwise an error that says how to create it.
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
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            if isFolder.boolValue {
                throw UserError("'\(path)' is a folder; --memory takes a memory file, for example \((path as NSString).appendingPathComponent("default.tmdb"))")
            }
        } else if !readOnly && create && !(self.create || isDefault) {
            throw UserError("memory '\(path)' does not exist. Check the path, or create it: tarjama memory create --memory '\(path)' (or add --create)")
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
            return try SQLiteMemory(path: path, readOnly: readOnly, create: create && (self.create || isDefault || FileManager.default.fileExists(atPath: path)))
        } catch let e as MemoryError {
            throw UserError(e.description)
        }
    }
}

/// Refuses, before anything is read or written, a set of planned output files that would land on
/// an input or on the memory, or on each other (two inputs of one name in different folders).
public func refuseOutputsOverInputs(_ outputs: [String], inputs: [String], memory: String? = nil,
                                    choose: String = "another --out folder") throws {
    func resolved(_ p: String) -> String { URL(fileURLWithPath: p).resolvingSymlinksInPath().standardizedFileURL.path }
    let protected = Dictionary(inputs.filter { $0 != "-" }.map { (resolved($0), $0) }, uniquingKeysWith: { a, _ in a })
    let memoryFiles = memory.map { m in Set(["", "-wal", "-shm", "-journal"].map { resolved(m + $0) }) } ?? []
    var seen: [String: String] = [:]
    for output in outputs {
        let r = resolved(output)
        if let input = protected[r] {
            throw UserError("refusing to write '\(output)': it is the input '\(input)', which would be lost. Choose \(choose).")
        }
        if memoryFiles.contains(r) { throw UserError("refusing to write '\(output)': it is the memory itself. Choose \(choose).") }
        if seen[r] != nil {
            throw UserError("two outputs would be '\(output)' (inputs of the same name in different folders); run them separately or rename one.")
        }
        seen[r] = output
    }
}

/// Writes text to a file, or to standard output when `path` is nil or `-`, without ever leaving
/// a half-written or clobbered file: a file is written beside its target under a temporary name
/// and renamed into place by `finish()`; a path that is one of the protected files (the memory,
/// its -wal/-shm/-journal, the inputs) or not a regular file (a folder, FIFO, device or symlink)
/// is refused before anything is written; a failed write (a full disk, a closed pipe) is an error,
/// not a crash, and removes the temporary file.
public final class OutputSink {
    private let handle: FileHandle
    private let target: String?
    private let temporary: String?
    private var buffer = Data()

    public init(path: String?, protecting protected: [String] = []) throws {
        guard let path, path != "-" else {
            handle = FileHandle.standardOutput
            target = nil
            temporary = nil
            return
        }
        let url = URL(fileURLWithPath: path)
        let resolved = url.resolvingSymlinksInPath().standardizedFileURL.path
        for p in protected where URL(fileURLWithPath: p).resolvingSymlinksInPath().standardizedFileURL.path == resolved {
            throw UserError("refusing to write '\(path)': it is \(p.hasSuffix(".tmdb") || p.contains(".tmdb-") ? "the memory itself" : "one of the inputs"). Choose another --out.")
        }
        var attributes: [FileAttributeKey: Any]?
        if let a = try? FileManager.default.attributesOfItem(atPath: path) { attributes = a }   // does not follow a symlink
        if let type = attributes?[.type] as? FileAttributeType, type != .typeRegular {
            throw UserError("refusing to write '\(path)': it is \(type == .typeDirectory ? "a folder" : type == .typeSymbolicLink ? "a symbolic link" : "not a regular file"). Give a file name.")
        }
        let folder = url.deletingLastPathComponent().path
        let temp = (folder as NSString).appendingPathComponent(".\(url.lastPathComponent).tarjama-\(getpid())")
        guard FileManager.default.createFile(atPath: temp, contents: nil), let h = FileHandle(forWritingAtPath: temp) else {
            throw UserError("cannot write '\(path)': check that its folder exists and is writable.")
        }
        handle = h
        target = path
        temporary = temp
    }

    public func write(_ s: String) throws {
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 1 << 16 { try flush() }
    }

    public func flush() throws {
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            discard()
            throw UserError("writing \(target ?? "standard output") failed: \(error.localizedDescription) (is the disk full?). Nothing was written.")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and puts the file in place (standard output is only flushed).
    public func finish() throws {
        try flush()
        guard let target, let temporary else { return }
        do {
            try handle.synchronize()
            try handle.close()
            if rename(temporary, target) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            discard()
            throw UserError("cannot put '\(target)' in place: \(error.localizedDescription). Nothing was written.")
        }
    }

    private func discard() {
        if let temporary { try? handle.close(); unlink(temporary) }
    }

    deinit {
        // Not finished: an error stopped the command; the target stays as it was.
        if let temporary, FileManager.default.fileExists(atPath: temporary) { try? handle.close(); unlink(temporary) }
    }
}
