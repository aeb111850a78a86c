import Foundation
import GRDB

extension SQLiteMemory {
    /// Whether another process is bulk-loading the memory at `path` (opening it waits until
    /// that ends), so a command can say why it waits: a journal with content and a write lock
    /// held on the file. A journal left empty or by a killed import is no import running (the
    /// next writer rolls a killed one back). Call it before this process opens the memory:
    /// closing any descriptor of a file drops the process's own SQLite locks on it.
    public static func isBeingBulkLoaded(_ path: String) -> Bool {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path + "-journal"))?[.size] as? Int, size > 0 else { return false }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // SQLite's reserved and pending bytes and its shared range: a writer holds some of them.
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0x4000_0000
        lock.l_len = 512
        guard fcntl(fd, F_GETLK, &lock) == 0 else { return true }
        return lock.l_type != Int16(F_UNLCK)
    }

    /// Builds the unique index on unit keys (dropped while a large import ran), from sorted keys.
    ///
    /// SQLite's sorter may use a helper thread: the build is the last step of a large import,
    /// when the preparing cores have nothing left to do (a million keys: 0.7 s alone, 0.5 s
    /// with the helper). The import lets the sorter's runs go to temporary files
    /// (`sortingInFiles`).
    static func createPairIndex(_ db: Database) throws {
        let helpers = min(ProcessInfo.processInfo.activeProcessorCount - 1, 4)
        try db.execute(sql: "PRAGMA threads = \(helpers)")
        defer { try? db.execute(sql: "PRAGMA threads = 0") }
        try db.execute(sql: "CREATE UNIQUE INDEX unit_pair ON unit(source_hash, pair_hash)")
    }

    /// Runs `body` (a large import, outside any transaction) with SQLite's temporary files on
    /// disk rather than in memory, as the memory otherwise keeps them (`temp_store`): the index
    /// build's sorted runs in memory files took twice as long (a million keys: 1.2 s, not 0.7).
    /// SQLite allows the switch only outside a transaction.
    static func sortingInFiles<T>(if large: Bool, _ db: Database, _ body: () throws -> T) throws -> T {
        guard large else { return try body() }
        try db.execute(sql: "PRAGMA temp_store = DEFAULT")
        defer { try? db.execute(sql: "PRAGMA temp_store = MEMORY") }
        return try body()
    }
}

/// A large import into an empty memory that no other connection has open, written through a
/// rollback journal instead of WAL, by a `DatabaseQueue` opened while the memory's pool is
/// closed (`SQLiteMemory.withPoolClosed`): GRDB's pools are WAL-only, its queues take any
/// journal mode.
///
/// In WAL every page is written twice, to the log and then into the file, and the log grows to
/// the size of the whole import (a million units: 570 MB twice, and as much disk space again);
/// with a rollback journal the new pages go straight into the file and the journal holds only
/// the few pages the empty memory had. The transaction stays atomic: a killed import leaves a hot
/// journal that the next opening rolls back. The price is exclusivity: until the import ends,
/// other processes wait to open the memory, which for an empty memory costs nobody a lookup.
struct BulkLoad {
    /// Imports expected to be smaller run as usual.
    static let minimumUnits = 50_000

    /// A queue on `path` in rollback-journal mode, or nil when another connection has the
    /// memory open (the import then runs through the pool in WAL as usual).
    static func open(path: String, configuration: Configuration) throws -> DatabaseQueue? {
        var config = configuration
        config.label = "tarjama-bulk-load"
        let queue = try DatabaseQueue(path: path, configuration: config)
        guard queue.writeWithoutTransaction({ begin($0) }) != nil else {
            try queue.close()
            return nil
        }
        return queue
    }

    /// Leaves WAL if no other connection has the memory open (nil otherwise).
    private static func begin(_ db: Database) -> BulkLoad? {
        // No waiting: a connection elsewhere means the memory is in use, and stays in WAL.
        try? db.execute(sql: "PRAGMA busy_timeout = 0")
        defer { try? db.execute(sql: "PRAGMA busy_timeout = \(SQLiteMemory.busyTimeoutMilliseconds)") }
        guard let mode = try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE"), mode == "delete" else { return nil }
        return BulkLoad()
    }

    /// Whether a process is bulk-loading the memory at `path`: its rollback journal exists
    /// (in WAL, a memory has none).
    static func isRunning(on path: String) -> Bool {
        FileManager.default.fileExists(atPath: path + "-journal")
    }

    /// Back to WAL and closed (if the switch fails, the pool's next opening sets it).
    static func end(_ queue: DatabaseQueue) {
        _ = try? queue.writeWithoutTransaction { try String.fetchOne($0, sql: "PRAGMA journal_mode = WAL") }
        try? queue.close()
    }
}
