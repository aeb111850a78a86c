import Foundation
import GRDB
import Synchronization
import TarjamaMemory
import TarjamaText

/// A translation memory in one SQLite file (WAL mode), schema managed by a versioned migrator.
///
/// Safe to share between threads and processes: GRDB's `DatabasePool` serialises writers and
/// lets readers run beside them; every import is one transaction, so a crash leaves either
/// none or all of it.
/// ```swift
/// let memory = try SQLiteMemory(path: "Memories/default.tmdb")
/// try memory.add([UnitDraft(source: "وصل الوفد.", target: "The delegation arrived.")])
/// let hits = try memory.exact("وصل الوفد.")
/// ```
public final class SQLiteMemory: MemoryStore {
    public let path: String
    public var location: String { path }
    /// The pool, closed and opened again around a bulk load (`BulkLoad`), which writes through
    /// a `DatabaseQueue` of its own: a pool is WAL-only by GRDB's contract.
    private let connections: Mutex<DatabasePool>
    let configuration: Configuration
    var pool: DatabasePool { connections.withLock { $0 } }

    /// SQLite's page cache per connection (`PRAGMA cache_size`: negative means KiB), 32 MB.
    static let cacheSize = -32768

    /// How long a connection waits for another one's lock before it gives up.
    static let busyTimeoutMilliseconds = 30_000

    /// The schema version this build writes (the number of migrations).
    public static var schemaVersion: Int { migrator.migrations.count }

    /// The schema version of the memory file at `path` (nil when there is none or it is not a
    /// memory), read without changing it: callers can say an upgrade is coming before it runs.
    public static func schemaVersion(ofFileAt path: String) -> Int? {
        guard FileManager.default.fileExists(atPath: path), (try? checkIdentity(path)) != nil else { return nil }
        var config = Configuration()
        config.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: config) else { return nil }
        return try? queue.read { try migrator.appliedMigrations($0).count }
    }

    /// A journal left by a killed import (content, no writer holding the file) must be rolled
    /// back before anything reads the memory, and a read-only connection cannot: one read-write
    /// connection opened and closed does it, when this user may write there.
    static func rollBackLeftJournal(_ path: String) {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path + "-journal"))?[.size] as? Int, size > 0,
              !isBeingBulkLoaded(path), writable(path) else { return }
        guard let queue = try? DatabaseQueue(path: path) else { return }
        _ = try? queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
        try? queue.close()
    }

    /// Whether this process may write the memory file and create files beside it.
    static func writable(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        return access(path, W_OK) == 0 && access(folder.isEmpty ? "." : folder, W_OK) == 0
    }

    /// An SQLite URI opening `path` as immutable (Debian's SQLite reads URI file names).
    static func immutableURI(_ path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        var encoded = ""
        for u in absolute.unicodeScalars {
            if u == "%" || u == "?" || u == "#" { encoded += String(format: "%%%02X", u.value) } else { encoded.unicodeScalars.append(u) }
        }
        return "file:" + encoded + "?immutable=1"
    }

    /// The SQLite header's application id of a Tarjama memory: "TJMa".
    public static let applicationID: Int32 = 0x544A_4D61

    /// Refuses, before SQLite opens it for writing (which would add our tables and switch it to
    /// WAL), a file that is not a Tarjama memory of a schema this build knows: not SQLite at all,
    /// another application's database (another application id, or tables without ours), or a
    /// memory written by a newer Tarjama. The file is left byte for byte as it was.
    static func checkIdentity(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }   // permissions: SQLite says so
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        if header.isEmpty { return }   // an empty file is a new database
        guard header.count >= 100, header.prefix(16) == Data("SQLite format 3\0".utf8) else {
            throw MemoryError.failed(path, "not a Tarjama memory: the file is not an SQLite database; nothing was changed. Give a memory file (.tmdb) or a new name")
        }
        let id = header[68..<72].reduce(Int32(0)) { $0 << 8 | Int32($1) }
        if id != 0 && id != applicationID {
            throw MemoryError.failed(path, String(format: "not a Tarjama memory: an SQLite database of another application (application id 0x%08X); nothing was changed", id))
        }
        var config = Configuration()
        config.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: config) else { return }
        // Busy (a bulk load holds a new memory): opening waits for it and checks nothing more.
        guard let (tables, applied) = try? queue.read({ db -> ([String], [String]) in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            let applied = tables.contains("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
            return (tables, applied)
        }) else { return }
        try? queue.close()
        // A memory another process is creating this moment has only GRDB's table of migrations,
        // with none applied yet: ours, not another application's.
        let beingCreated = tables == ["grdb_migrations"] && applied.isEmpty
        if id == 0 && !tables.isEmpty && !beingCreated && !(tables.contains("grdb_migrations") && tables.contains("unit")) {
            throw MemoryError.failed(path, "not a Tarjama memory: an SQLite database of another application (tables \(tables.prefix(5).joined(separator: ", "))\(tables.count > 5 ? ", …" : "")); nothing was changed")
        }
        let known = Set(migrator.migrations)
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty {
            throw MemoryError.failed(path, "written by a newer Tarjama (schema v\(applied.count); this one knows v\(known.count)); nothing was changed. Update Tarjama to open it")
        }
    }

    /// Opens (and by default creates) a memory. `readOnly` opens an existing file for lookups.
    public init(path: String, readOnly: Bool = false, create: Bool = true) throws {
        self.path = path
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && (readOnly || !create) {
            throw MemoryError.notFound(path)
        }
        if !exists {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        }
        if exists { try Self.checkIdentity(path) }
        if exists && readOnly { Self.rollBackLeftJournal(path) }
        if exists && !readOnly && !Self.writable(path) {
            throw MemoryError.cannotOpen(path, "this user may not write the file or its folder (lookup, concordance and export still read it)")
        }
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(Double(Self.busyTimeoutMilliseconds) / 1000)
        config.label = "tarjama-memory"
        // 32 MB of page cache per connection: lookups read posting lists and candidate tokens
        // scattered over a large file, and the OS page cache on these machines is reclaimed
        // aggressively.
        config.prepareDatabase { db in
            // 16 KB pages for a new file (SQLite ignores this once a file has tables): shallower
            // b-trees made a million-unit import 14% faster and lookups no slower.
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA cache_size = \(Self.cacheSize)")
            // Statement journals (a page image for each page a statement changes, kept to undo
            // that statement alone) stay in memory: on disk they were written page by page under
            // /var/tmp, more bytes than the memory file itself during an import.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        configuration = config
        // Reading a memory whose folder (or file) this user may not write: SQLite cannot make the
        // shared-memory file WAL reading needs, so the file is opened as immutable (read as it is
        // on disk, no locks), which another user's read-only copy is.
        let openPath = readOnly && !Self.writable(path) ? Self.immutableURI(path) : path
        let pool = try Self.openPool(path: openPath, configuration: config)
        connections = Mutex(pool)
        if !readOnly {
            // Two processes opening a new or older memory at once may both start the same
            // migration; each migration is one transaction, so the loser's fails and rolls
            // back, and a second pass finds it applied.
            var attempt = 0
            while true {
                do {
                    try Self.migrator.migrate(pool)
                    break
                } catch where attempt < 5 {
                    attempt += 1
                    usleep(50_000)
                }
            }
            // Marks the file as a Tarjama memory (the header's application id), so a later open
            // can tell it from another application's database before writing anything.
            if try pool.read({ try Int32.fetchOne($0, sql: "PRAGMA application_id") ?? 0 }) != Self.applicationID {
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA application_id = \(Self.applicationID)") }
            }
            // Derived data in an older form is rebuilt once, by whichever process gets here
            // first (the check is repeated inside the write).
            if try pool.read(Self.derivedDataIsStale) {
                try pool.write { db in if try Self.derivedDataIsStale(db) { try Self.reindex(db) } }
            } else if try pool.read({ try Int.fetchOne($0, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'derived'") ?? 0 })
                        < Self.derivedVersion {
                // Already in this build's form (nothing to rebuild): say so, once.
                try pool.write { try $0.execute(sql: "UPDATE meta SET value = ? WHERE key = 'derived'", arguments: [String(Self.derivedVersion)]) }
            }
        } else {
            let applied = try pool.read { try Self.migrator.appliedMigrations($0) }
            if try applied.count < Self.migrator.migrations.count || pool.read(Self.derivedDataIsStale) {
                throw MemoryError.outdated(path)
            }
        }
    }

    /// Runs `body` with the pool closed (no connection of this process on the file) and opens
    /// it again afterwards, whatever `body` did. Other threads asking for the pool wait.
    func withPoolClosed<R: Sendable>(_ body: () throws -> R) throws -> R {
        try connections.withLock { pool in
            try pool.close()
            defer {
                // Opened again even after a failure; if that fails too, the closed pool stays
                // and every later call reports it.
                if let reopened = try? Self.openPool(path: path, configuration: configuration) { pool = reopened }
            }
            return try body()
        }
    }

    /// Opens the pool, waiting while another process holds the lock it needs: switching a new
    /// file to WAL takes an exclusive lock that SQLite's busy timeout does not wait for, so two
    /// imports creating one memory at once failed with "database is locked". While another
    /// process bulk-loads the memory (`BulkLoad`), it waits until that ends.
    static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(30)
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && (Date() < deadline || BulkLoad.isRunning(on: path)) {
                // A bulk load holds a new memory until it ends, however long that takes. While
                // its journal is there, wait on the file (a stat every 0.1 s) and try again once a
                // second: each attempt opens connections, and retrying every 20 ms had kept a
                // core busy, slowing the import it waited for. (A journal left by a killed
                // import is rolled back by the next attempt that gets the lock.)
                if BulkLoad.isRunning(on: path) {
                    for _ in 0..<10 where BulkLoad.isRunning(on: path) { usleep(100_000) }
                } else {
                    usleep(20_000)
                }
            } catch {
                throw MemoryError.cannotOpen(path, "\(error)")
            }
        }
    }
}
