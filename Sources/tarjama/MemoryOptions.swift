import ArgumentParser
import Foundation
import TarjamaMemory

/// `--memory PATH`, shared by every command that reads or writes a memory.
struct MemoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Memory file.", discussion: "Default: $TARJAMA_MEMORY, else Memories/default.tmdb.", valueName: "path"))
    var memory: String?

    var path: String {
        memory ?? ProcessInfo.processInfo.environment["TARJAMA_MEMORY"] ?? "Memories/default.tmdb"
    }

    func open(readOnly: Bool = false, create: Bool = true) throws -> Memory {
        if Memory.isBeingBulkLoaded(path) {
            warn("\(path) is being filled by an import into a new memory; waiting until it ends…")
        }
        if !readOnly, let version = Memory.schemaVersion(ofFileAt: path), version < Memory.schemaVersion {
            warn("upgrading \(path) from schema v\(version) to v\(Memory.schemaVersion) (once; indexes and stored tokens are rebuilt: about half a minute a million units)…")
        }
        do {
            return try Memory(path: path, readOnly: readOnly, create: create)
        } catch let e as MemoryError {
            throw UserError(e.description)
        }
    }
}

/// Writes text to a file, or to standard output when `path` is nil or `-`.
final class OutputSink {
    private let handle: FileHandle
    private var buffer = Data()

    init(path: String?) throws {
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

    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 1 << 16 { flush() }
    }

    func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
