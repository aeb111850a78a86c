import Foundation
import Synchronization

/// Starts the kernel writing a file's dirty pages to disk while a large import goes on, so that
/// the commit's sync finds little left to write.
///
/// Linux keeps written pages in memory until a sync, or until gigabytes are dirty: a million-unit
/// import's 570 MB all went to disk at the commit, and on a slow disk that wait was up to a
/// third of the import (4.4 s of I/O wait in a 15 s run). `sync_file_range` with
/// `SYNC_FILE_RANGE_WRITE` starts the write-out and returns; nothing about durability changes
/// (the commit still syncs). It needs a descriptor of the file: SQLite's own, found under
/// `/proc/self/fd` (one of our own, once closed, would drop SQLite's locks on the file). Where
/// any of this is missing, `start` does nothing.
final class WriteBehind: Sendable {
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    private static let writeFlag: UInt32 = 2   // SYNC_FILE_RANGE_WRITE
    private static let syncFileRange: SyncFileRange? = dlsym(nil, "sync_file_range").map { unsafeBitCast($0, to: SyncFileRange.self) }

    private let descriptors: [Int32]
    private let queue = DispatchQueue(label: "tarjama.write-behind")
    private let running = Mutex(false)

    /// The descriptors this process holds on `path` (nil when there are none or no way to use them).
    init?(path: String) {
        guard Self.syncFileRange != nil else { return nil }
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return nil }
        descriptors = entries.compactMap { name in
            guard let fd = Int32(name),
                  let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)"),
                  link == target else { return nil }
            return fd
        }
        if descriptors.isEmpty { return nil }
    }

    /// Starts writing the file's dirty pages out, off the caller's thread (the call may wait
    /// while the disk's queue is full); does nothing while the last start is still running.
    func start() {
        let idle = running.withLock { running in
            defer { running = true }
            return !running
        }
        guard idle else { return }
        queue.async { [self] in
            for fd in descriptors { _ = Self.syncFileRange?(fd, 0, 0, Self.writeFlag) }
            running.withLock { $0 = false }
        }
    }
}
