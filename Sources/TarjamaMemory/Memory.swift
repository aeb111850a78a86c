import Foundation
import GRDB
import TarjamaText

/// A translation memory: one SQLite file (WAL mode), schema managed by a versioned migrator.
///
/// Safe to share between threads and processes: GRDB's `DatabasePool` serialises writers and
/// lets readers run beside them; every import is one transaction, so a crash leaves either
/// none or all of it.
/// ```swift
/// let memory = try Memory(path: "Memories/default.tmdb")
/// try memory.add([UnitDraft(source: "وصل الوفد.", target: "The delegation arrived.")])
/// let hits = try memory.exact("وصل الوفد.")
/// ```
public final class Memory: Sendable {
    public let path: String
    let pool: DatabasePool

    /// SQLite's page cache per connection (`PRAGMA cache_size`: negative means KiB), 32 MB.
    static let cacheSize = -32768

    /// How long a connection waits for another one's lock before it gives up.
    static let busyTimeoutMilliseconds = 30_000

    /// The schema version this build writes (the number of migrations).
    public static var schemaVersion: Int { migrator.migrations.count }

    /// The schema version of the memory file at `path` (nil when there is none or it is not a
    /// memory), read without changing it: callers can say an upgrade is coming before it runs.
    public static func schemaVersion(ofFileAt path: String) -> Int? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var config = Configuration()
        config.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: config) else { return nil }
        return try? queue.read { try migrator.appliedMigrations($0).count }
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
        pool = try Self.openPool(path: path, configuration: config)
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
        } else {
            let applied = try pool.read { try Self.migrator.appliedMigrations($0) }
            if applied.count < Self.migrator.migrations.count {
                throw MemoryError.outdated(path)
            }
        }
    }

    /// Opens the pool, waiting while another process holds the lock it needs: switching a new
    /// file to WAL takes an exclusive lock that SQLite's busy timeout does not wait for, so two
    /// imports creating one memory at once failed with "database is locked". While another
    /// process bulk-loads the memory (`BulkLoad`), it waits until that ends.
    private static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
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

    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1: units, exact-lookup hashes, FTS5 index on source keys") { db in
            try db.execute(sql: """
                CREATE TABLE unit (
                    id INTEGER PRIMARY KEY,
                    source_lang TEXT NOT NULL,
                    target_lang TEXT NOT NULL,
                    source TEXT NOT NULL,
                    target TEXT NOT NULL,
                    source_key TEXT NOT NULL,
                    source_hash INTEGER NOT NULL,
                    pair_hash INTEGER NOT NULL UNIQUE,
                    occurrences INTEGER NOT NULL DEFAULT 1,
                    origin TEXT,
                    position INTEGER,
                    prev_hash INTEGER,
                    next_hash INTEGER,
                    confidence REAL,
                    created_at DATETIME NOT NULL,
                    changed_at DATETIME NOT NULL,
                    created_by TEXT,
                    changed_by TEXT,
                    usage_count INTEGER NOT NULL DEFAULT 0,
                    properties TEXT NOT NULL DEFAULT '{}',
                    notes TEXT NOT NULL DEFAULT '[]'
                );
                CREATE INDEX unit_source_hash ON unit(source_hash);
                CREATE INDEX unit_origin ON unit(origin, position);
                CREATE VIRTUAL TABLE unit_fts USING fts5(source_key, content='unit', content_rowid='id',
                                                         tokenize='unicode61 remove_diacritics 0');
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
        }
        m.registerMigration("v2: fuzzy-match term index with length window, target full-text index") { db in
            // Terms are the stems of words and numbers (proclitics split off, keys normalised):
            // the matcher asks this index for units sharing the query's rarest stems.
            // Contentless and detail=none: it only has to answer "which units hold this term".
            try db.execute(sql: """
                ALTER TABLE unit ADD COLUMN length INTEGER NOT NULL DEFAULT 0;
                CREATE VIRTUAL TABLE unit_terms USING fts5(terms, content='', detail=none,
                                                           tokenize='unicode61 remove_diacritics 0');
                CREATE VIRTUAL TABLE unit_terms_vocab USING fts5vocab(unit_terms, 'row');
                CREATE VIRTUAL TABLE unit_target_fts USING fts5(target, content='unit', content_rowid='id',
                                                                tokenize='unicode61 remove_diacritics 2');
                CREATE INDEX unit_length ON unit(length);
                """)
            let rows = try Row.fetchCursor(db, sql: "SELECT id, source, target FROM unit")
            while let row = try rows.next() {
                let (terms, length) = MatchTokens.terms(row["source"] as String)
                let id: Int64 = row["id"]
                try db.execute(sql: "UPDATE unit SET length = ? WHERE id = ?", arguments: [length, id])
                try db.execute(sql: "INSERT INTO unit_terms(rowid, terms) VALUES (?, ?)", arguments: [id, terms])
                try db.execute(sql: "INSERT INTO unit_target_fts(rowid, target) VALUES (?, ?)", arguments: [id, row["target"] as String])
            }
        }
        m.registerMigration("v3: learned word lexicon as a table, read per document") { db in
            // The aligner needs the translations of one article's words, not all of them: a keyed
            // table answers that in milliseconds where decoding the whole lexicon took 0.5 s.
            try db.execute(sql: """
                CREATE TABLE lexicon(source TEXT NOT NULL, target TEXT NOT NULL, probability REAL NOT NULL,
                                     PRIMARY KEY(source, target)) WITHOUT ROWID;
                DELETE FROM meta WHERE key = 'lexicon';
                """)
        }
        m.registerMigration("v4: stored match tokens in a narrow table") { db in
            // Lookups decode a candidate's tokens instead of normalising its text again. A table
            // of its own (id, length, tokens) keeps what lookups read about a quarter of the unit
            // table's size, so it stays in the page cache of a million-unit memory.
            try db.execute(sql: "CREATE TABLE unit_tokens(id INTEGER PRIMARY KEY, length INTEGER NOT NULL, tokens BLOB NOT NULL)")
            let insert = try db.makeStatement(sql: "INSERT INTO unit_tokens(id, length, tokens) VALUES (?, ?, ?)")
            let rows = try Row.fetchCursor(db, sql: "SELECT id, source FROM unit")
            while let row = try rows.next() {
                let tokens = MatchTokens.tokens(row[1] as String)
                try insert.execute(arguments: [row[0] as Int64, MatchTokens.terms(tokens).length, Data(MatchTokens.encode(tokens))])
            }
        }
        m.registerMigration("v5: drop indexes no query uses; source concordance on the term index") { db in
            // Lookups filter lengths on candidates fetched by id, and nothing searches by origin:
            // the two indexes only cost every import a random-order b-tree insert per unit. The
            // full-text index of source keys repeated the term index (stems), which concordance
            // now reads and verifies on the key: a fifth of import time, and `والرئيس` is found
            // for `الرئيس`, which the whole-word index missed.
            try db.execute(sql: "DROP INDEX IF EXISTS unit_length; DROP INDEX IF EXISTS unit_origin; DROP TABLE IF EXISTS unit_fts;")
        }
        m.registerMigration("v6: matching keys derived, not stored") { db in
            // Exact lookup finds units by the key's hash and compares keys made from the sources
            // it reads; concordance makes them for the units it verifies. Storing a normalised
            // copy of every source made a million-unit import 15% slower.
            try db.execute(sql: "ALTER TABLE unit DROP COLUMN source_key")
        }
        m.registerMigration("v7: target index of words only, phrases verified on the text") { db in
            // Positions (detail=full) and column sizes served only target-side phrase search;
            // concordance now asks for units holding every word and checks the phrase itself.
            try db.execute(sql: """
                DROP TABLE unit_target_fts;
                CREATE VIRTUAL TABLE unit_target_fts USING fts5(target, content='unit', content_rowid='id', detail=none,
                                                                columnsize=0, tokenize='unicode61 remove_diacritics 2');
                INSERT INTO unit_target_fts(unit_target_fts) VALUES('rebuild');
                """)
        }
        m.registerMigration("v8: term index in tables of our own") { db in
            // FTS5 re-tokenised every unit's terms and merged segments throughout an import (a
            // third of the writer's time); `TermIndex` writes each term's ids once per import.
            try db.execute(sql: TermIndex.schema)
            // Terms come from the sources, not the stored tokens: those are in the form of the
            // memory's version (v11 changed it), which this step must not assume.
            var postings = PostingAccumulator()
            let rows = try Row.fetchCursor(db, sql: "SELECT id, source FROM unit ORDER BY id")
            while let row = try rows.next() {
                postings.add(row[0], terms: MatchTokens.terms(row[1] as String).terms, side: TermIndex.source)
                try postings.flush(into: db, over: Memory.postingBudget)
            }
            try postings.flush(into: db)
            try db.execute(sql: "DROP TABLE unit_terms_vocab; DROP TABLE unit_terms")
        }
        m.registerMigration("v9: one unique index on (source hash, pair hash)") { db in
            // Exact lookup needs the source hash and duplicate detection the pair hash: one index
            // on both serves the two, where two separate indexes cost every import two random
            // b-tree inserts per unit (the unique constraint on the pair hash was part of the
            // table, so the table is copied to drop it).
            let columns = """
                id, source_lang, target_lang, source, target, source_hash, pair_hash, occurrences, origin, position,
                prev_hash, next_hash, confidence, created_at, changed_at, created_by, changed_by, usage_count,
                properties, notes, length
                """
            try db.execute(sql: """
                CREATE TABLE unit_copy (
                    id INTEGER PRIMARY KEY,
                    source_lang TEXT NOT NULL,
                    target_lang TEXT NOT NULL,
                    source TEXT NOT NULL,
                    target TEXT NOT NULL,
                    source_hash INTEGER NOT NULL,
                    pair_hash INTEGER NOT NULL,
                    occurrences INTEGER NOT NULL DEFAULT 1,
                    origin TEXT,
                    position INTEGER,
                    prev_hash INTEGER,
                    next_hash INTEGER,
                    confidence REAL,
                    created_at DATETIME NOT NULL,
                    changed_at DATETIME NOT NULL,
                    created_by TEXT,
                    changed_by TEXT,
                    usage_count INTEGER NOT NULL DEFAULT 0,
                    properties TEXT NOT NULL DEFAULT '{}',
                    notes TEXT NOT NULL DEFAULT '[]',
                    length INTEGER NOT NULL DEFAULT 0
                );
                INSERT INTO unit_copy (\(columns)) SELECT \(columns) FROM unit ORDER BY id;
                DROP TABLE unit;
                ALTER TABLE unit_copy RENAME TO unit;
                CREATE UNIQUE INDEX unit_pair ON unit(source_hash, pair_hash);
                """)
        }
        m.registerMigration("v10: target words in the term index") { db in
            // FTS5's target index re-tokenised every target inside the writer (a fifth of a
            // million-unit import); its words now come prepared (`SearchWords`) into the term index.
            var postings = PostingAccumulator()
            let rows = try Row.fetchCursor(db, sql: "SELECT id, target FROM unit ORDER BY id")
            while let row = try rows.next() {
                postings.add(row[0], terms: SearchWords.joined(row[1]), side: TermIndex.target)
                try postings.flush(into: db, over: Memory.postingBudget)
            }
            try postings.flush(into: db)
            try db.execute(sql: "DROP TABLE unit_target_fts")
        }
        m.registerMigration("v11: stored tokens with packed Arabic text") { db in
            // One byte per Arabic letter instead of two halves the table lookups read and
            // imports write; the new form is made again from each source.
            let update = try db.makeStatement(sql: "UPDATE unit_tokens SET tokens = ? WHERE id = ?")
            var last: Int64 = 0
            while true {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT unit.id, unit.source FROM unit JOIN unit_tokens USING (id) WHERE unit.id > ? ORDER BY unit.id LIMIT 10000
                    """, arguments: [last])
                guard let end = rows.last else { break }
                for row in rows {
                    try update.execute(arguments: [Data(MatchTokens.storedForm(row[1]).tokens), row[0] as Int64])
                }
                last = end[0]
            }
        }
        return m
    }()

    /// Bytes of posting lists an import gathers in memory before writing them, counted by the
    /// lists' capacity: a million-unit import of news sentences writes each term's list in
    /// three or four blocks and stays under 200 MB.
    static let postingBudget = 24 << 20

    // MARK: Writing

    /// Adds units in one transaction. An exact duplicate (same source and target) is counted,
    /// not stored twice. Returns how many were new and how many were duplicates.
    @discardableResult
    public func add(_ drafts: [UnitDraft], user: String? = nil) throws -> AddSummary {
        try pool.write { db in try Self.add(drafts, user: user, in: db) }
    }

    /// Adds units inside an existing transaction (importers batch through this).
    static func add(_ drafts: [UnitDraft], user: String?, in db: Database) throws -> AddSummary {
        let batch = PreparedUnit.prepare(drafts)
        let (summary, ids) = try insert(batch, user: user, in: db)
        var postings = PostingAccumulator()
        postings.add(batch.postings, ids: ids)
        try postings.flush(into: db)
        return summary
    }

    /// Writes prepared units and their stored tokens, and gives the id each unit got (0 for an
    /// exact duplicate, same source and target, which only raises the stored unit's occurrence
    /// count; unit k of the batch gets the memory's next id plus k). The caller adds the batch's terms to the term index with those ids before the
    /// transaction ends.
    static func insert(_ batch: PreparedBatch, user: String?, in db: Database) throws -> (summary: AddSummary, ids: [Int64]) {
        var keys: UnitKeys?
        return try insert(batch, user: user, keys: &keys, in: db)
    }

    /// `insert`, finding duplicates in `keys` when the import runs without the unique index
    /// (nil: the index finds them), and adding the new units' keys to it.
    ///
    /// Rows go `rowsAtOnce` to a statement where the outcome is known before writing: stored
    /// tokens always, and units too when `keys` finds the duplicates (one statement run per
    /// row had cost as much again as binding it). With the index, a unit's insert tells whether
    /// it was a duplicate, so units go one by one.
    static func insert(_ batch: PreparedBatch, user: String?, keys: inout UnitKeys?,
                       in db: Database) throws -> (summary: AddSummary, ids: [Int64]) {
        // Dates are formatted once per batch: a DateFormatter call per unit was 7% of import time.
        var now = Array((Date().databaseValue.storage.value as? String ?? "").utf8)
        var author = user.map { Array($0.utf8) }
        // Unit k of the batch is given id `firstID + k` (a duplicate leaves its id unused): a
        // term's ids then keep the gaps its units had in the batch, and the posting lists copy
        // the deltas coded during preparation (`BatchPostings`).
        let firstID = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM unit") ?? 1
        var writing = try BatchInsert(batch, unitsAtOnce: keys != nil, in: db)
        // Every text is bound in place from the batch's arenas, valid for the whole loop.
        try batch.text.withUnsafeBufferPointer { text in
          try batch.tokens.withUnsafeBufferPointer { blobs in
            try now.withUnsafeMutableBufferPointer { now in
              try withOptionalBuffer(&author) { author in
                try writing.insert(batch, RowValues(text: text, blobs: blobs, now: now, author: author), firstID: firstID, keys: &keys, in: db)
              }
            }
          }
        }
        return (writing.summary, writing.ids)
    }

    /// One batch's insert: its statements and the rows it holds back, one value lent `inout`
    /// to the loop. (As variables captured by the closures that lend the batch's buffers, they
    /// had been checked for exclusive access at run time on every use, five checks a unit.)
    private struct BatchInsert {
        var unitRow, unitRows, uniformUnitRows, tokenRow, tokenRows, repeated, repeatedID: RowWriter
        /// Units at once (64 to a statement) when `keys` finds the duplicates beforehand.
        let unitsAtOnce: Bool
        /// New units (batch positions) whose stored tokens, and with `keys` whose rows, are not written yet.
        var pending: [Int] = []
        var ids: [Int64]
        var summary = AddSummary()

        init(_ batch: PreparedBatch, unitsAtOnce: Bool, in db: Database) throws {
            unitRow = RowWriter(try db.cachedStatement(sql: "INSERT OR IGNORE INTO unit (\(unitColumns)) VALUES \(unitValues)"), in: db)
            unitRows = RowWriter(try db.cachedStatement(sql: insertUnitRows), in: db)
            uniformUnitRows = RowWriter(try db.cachedStatement(sql: insertUniformUnitRows), in: db)
            tokenRow = RowWriter(try db.cachedStatement(sql: "INSERT INTO unit_tokens(id, length, tokens) VALUES (?, ?, ?)"), in: db)
            tokenRows = RowWriter(try db.cachedStatement(sql: insertTokenRows), in: db)
            repeated = RowWriter(try db.cachedStatement(sql: "UPDATE unit SET occurrences = occurrences + 1 WHERE source_hash = ? AND pair_hash = ?"), in: db)
            repeatedID = RowWriter(try db.cachedStatement(sql: "UPDATE unit SET occurrences = occurrences + 1 WHERE id = ?"), in: db)
            self.unitsAtOnce = unitsAtOnce
            pending.reserveCapacity(rowsAtOnce)
            ids = [Int64](repeating: 0, count: batch.rows.count)
        }

        mutating func insert(_ batch: PreparedBatch, _ values: RowValues, firstID: Int64, keys: inout UnitKeys?, in db: Database) throws {
            for (k, row) in batch.rows.enumerated() {
                // Rows held back go to the unit table before `find` reads it.
                if keys?.mayHold(row.keyHash, row.pairHash) == true {
                    try write(batch, values)
                    if let id = try keys!.find(row.keyHash, row.pairHash, in: db) {
                        repeatedID.int(id)
                        try repeatedID.run()
                        summary.duplicates += 1
                        continue
                    }
                }
                let id = firstID + Int64(k)
                if !unitsAtOnce {
                    values.bindUnit(&unitRow, id: id, row)
                    try unitRow.run()
                    guard unitRow.changes == 1 else {
                        repeated.int(row.keyHash); repeated.int(row.pairHash)
                        try repeated.run()
                        summary.duplicates += 1
                        continue
                    }
                }
                ids[k] = id
                keys?.add(row.keyHash, row.pairHash, id: id)
                summary.added += 1
                pending.append(k)
                if pending.count == rowsAtOnce { try write(batch, values) }
            }
            try write(batch, values)
        }

        /// Writes what `pending` holds back: whole statements when it is full, else row by row.
        private mutating func write(_ batch: PreparedBatch, _ values: RowValues) throws {
            if pending.count == rowsAtOnce {
                if unitsAtOnce {
                    let first = batch.rows[pending[0]]
                    if pending.allSatisfy({ RowValues.sameAcrossRows(first, batch.rows[$0]) }) {
                        values.bindShared(&uniformUnitRows, first)
                        for k in pending { values.bindOwn(&uniformUnitRows, id: ids[k], batch.rows[k]) }
                        try uniformUnitRows.run()
                    } else {
                        for k in pending { values.bindUnit(&unitRows, id: ids[k], batch.rows[k]) }
                        try unitRows.run()
                    }
                }
                for k in pending { values.bindTokens(&tokenRows, id: ids[k], batch.rows[k]) }
                try tokenRows.run()
            } else {
                for k in pending {
                    if unitsAtOnce {
                        values.bindUnit(&unitRow, id: ids[k], batch.rows[k])
                        try unitRow.run()
                    }
                    values.bindTokens(&tokenRow, id: ids[k], batch.rows[k])
                    try tokenRow.run()
                }
            }
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Rows written by one statement where an import knows them all beforehand.
    static let rowsAtOnce = 64
    private static let unitColumns = """
        id, source_lang, target_lang, source, target, source_hash, pair_hash, origin, position, prev_hash, next_hash,
        confidence, created_at, changed_at, created_by, changed_by, usage_count, properties, notes, length
        """
    /// One row's values in `unitColumns` order, as numbered parameters: the 13 a batch's rows
    /// often share (`RowValues.bindShared`) from `shared` on, the row's own 7
    /// (`RowValues.bindOwn`) from `own` on. One layout behind every unit insert, so a row is
    /// always bound the same way: shared values, then its own.
    private static func unitTuple(shared: Int, own: Int) -> String {
        // Column positions in `unitColumns` of the shared and the own values, in binding order.
        let sharedColumns = [1, 2, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], ownColumns = [0, 3, 4, 5, 6, 8, 19]
        return "(" + (0..<20).map { c in
            if let k = sharedColumns.firstIndex(of: c) { return "?\(shared + k)" }
            return "?\(own + ownColumns.firstIndex(of: c)!)"
        }.joined(separator: ", ") + ")"
    }
    private static let unitValues = unitTuple(shared: 1, own: 14)
    private static let insertUnitRows = "INSERT INTO unit (\(unitColumns)) VALUES "
        + (0..<rowsAtOnce).map { unitTuple(shared: 1 + 20 * $0, own: 14 + 20 * $0) }.joined(separator: ", ")
    /// `insertUnitRows` for rows that share every value but their own (`RowValues.bindOwn`):
    /// the shared ones are parameters 1-13, bound once for the 64 rows. An import's languages,
    /// origin, dates, authors, properties and notes are mostly the same, and binding them for
    /// every row had been 13 of its 20 binds (5.92 -> 5.84 G instructions on 65,000 units).
    private static let insertUniformUnitRows = "INSERT INTO unit (\(unitColumns)) VALUES "
        + (0..<rowsAtOnce).map { unitTuple(shared: 1, own: 14 + 7 * $0) }.joined(separator: ", ")
    private static let insertTokenRows = "INSERT INTO unit_tokens(id, length, tokens) VALUES "
        + Array(repeating: "(?, ?, ?)", count: rowsAtOnce).joined(separator: ", ")

    /// Where a batch's rows take their values from: its arenas, and "now" and the importing
    /// user for dates and authors a unit does not have. Everything is bound in place (SQLite
    /// reads it when the statement runs, before the batch is released).
    private struct RowValues {
        let text: UnsafeBufferPointer<UInt8>
        let blobs: UnsafeBufferPointer<UInt8>
        let now: UnsafeMutableBufferPointer<UInt8>
        let author: UnsafeMutableBufferPointer<UInt8>?

        /// Binds a unit's 20 values (`unitTuple`: the shared ones, then its own).
        @inline(__always)
        func bindUnit(_ w: inout RowWriter, id: Int64, _ row: PreparedBatch.Row) {
            bindShared(&w, row)
            bindOwn(&w, id: id, row)
        }

        /// Whether two rows share the values `bindShared` binds (the same text range, the
        /// arena's way of saying the same text, or the same number).
        static func sameAcrossRows(_ a: PreparedBatch.Row, _ b: PreparedBatch.Row) -> Bool {
            a.sourceLanguage == b.sourceLanguage && a.targetLanguage == b.targetLanguage && a.origin == b.origin
                && a.previousHash == b.previousHash && a.nextHash == b.nextHash && a.confidence == b.confidence
                && a.createdAt == b.createdAt && a.changedAt == b.changedAt && a.createdBy == b.createdBy
                && a.changedBy == b.changedBy && a.usageCount == b.usageCount && a.properties == b.properties && a.notes == b.notes
        }

        /// Binds the 13 values rows may share (`unitTuple`), in their order.
        @inline(__always)
        func bindShared(_ w: inout RowWriter, _ row: PreparedBatch.Row) {
            w.text(row.sourceLanguage, in: text, or: nil); w.text(row.targetLanguage, in: text, or: nil)
            w.text(row.origin, in: text, or: nil)
            w.int(row.previousHash); w.int(row.nextHash); w.double(row.confidence)
            w.text(row.createdAt, in: text, or: now); w.text(row.changedAt, in: text, or: now)
            w.text(row.createdBy, in: text, or: author); w.text(row.changedBy, in: text, or: author)
            w.int(row.usageCount)
            w.text(row.properties, in: text, or: nil); w.text(row.notes, in: text, or: nil)
        }

        /// Binds a row's 7 own values (`unitTuple`), in their order.
        @inline(__always)
        func bindOwn(_ w: inout RowWriter, id: Int64, _ row: PreparedBatch.Row) {
            w.int(id)
            w.text(row.source, in: text, or: nil); w.text(row.target, in: text, or: nil)
            w.int(row.keyHash); w.int(row.pairHash)
            w.int(row.position); w.int(row.length)
        }

        /// Binds a unit's stored-tokens row.
        @inline(__always)
        func bindTokens(_ w: inout RowWriter, id: Int64, _ row: PreparedBatch.Row) {
            w.int(id); w.int(row.length)
            w.blob(static: UnsafeBufferPointer(rebasing: blobs[Int(row.tokens.lowerBound)..<Int(row.tokens.upperBound)]))
        }
    }

    /// Calls `body` with the bytes of `bytes`, or nil.
    private static func withOptionalBuffer<R>(_ bytes: inout [UInt8]?, _ body: (UnsafeMutableBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        guard bytes != nil else { return try body(nil) }
        return try bytes!.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Deletes one unit by id; returns false when there is none.
    @discardableResult
    public func deleteUnit(id: Int64) throws -> Bool {
        try pool.write { db in
            guard let unit = try TranslationUnit.fetchOne(db, key: id) else { return false }
            try TermIndex.remove(id, terms: Set(MatchTokens.terms(unit.source).terms.split(separator: " ").map(String.init)),
                                 side: TermIndex.source, in: db)
            try TermIndex.remove(id, terms: Set(SearchWords.words(unit.target)), side: TermIndex.target, in: db)
            try db.execute(sql: "DELETE FROM unit_tokens WHERE id = ?", arguments: [id])
            return try TranslationUnit.deleteOne(db, key: id)
        }
    }

    /// Counts a unit as used (pre-translation or a translator took it).
    public func recordUse(id: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE unit SET usage_count = usage_count + 1 WHERE id = ?", arguments: [id])
        }
    }

    // MARK: Reading

    public func unit(id: Int64) throws -> TranslationUnit? {
        try pool.read { try TranslationUnit.fetchOne($0, key: id) }
    }

    /// Units whose source has the same matching key as `source` (all targets, most frequent first).
    public func exact(_ source: String) throws -> [TranslationUnit] {
        let key = SegmentKey.key(source)
        return try pool.read { db in
            // A 64-bit hash rarely collides; the keys of the few units it finds settle it.
            try TranslationUnit.fetchAll(db, sql: """
                SELECT * FROM unit WHERE source_hash = ? ORDER BY occurrences DESC, id
                """, arguments: [SegmentKey.hash(key)]).filter { $0.sourceKey == key }
        }
    }

    /// Ids of the units that hold an index term (see `MatchTokens.terms`), in id order: one
    /// posting list of the matcher's term index.
    public func postings(_ term: String) throws -> [Int64] {
        guard !term.isEmpty else { return [] }
        return try pool.read { try TermIndex.postings(term, side: TermIndex.source, in: $0) }
    }

    /// Match tokens of the units with these ids whose length lies in `lengths`, for scoring
    /// candidates without reading whole units.
    public func candidateTokens(ids: [Int64], lengths: ClosedRange<Int>) throws -> [(id: Int64, tokens: StoredTokens)] {
        guard !ids.isEmpty else { return [] }
        return try pool.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT id, tokens FROM unit_tokens WHERE id IN (\(ids.map(String.init).joined(separator: ","))) AND length BETWEEN ? AND ?
                """, arguments: [lengths.lowerBound, min(lengths.upperBound, Int(Int32.max))])
            var out: [(Int64, StoredTokens)] = []
            out.reserveCapacity(ids.count)
            while let row = try rows.next() {
                let id: Int64 = row[0]
                let stored: StoredTokens? = try row.withUnsafeData(atIndex: 1) { data in
                    data.flatMap { StoredTokens(bytes: [UInt8]($0)) }
                }
                if let stored {
                    out.append((id, stored))
                } else if let source = try String.fetchOne(db, sql: "SELECT source FROM unit WHERE id = ?", arguments: [id]) {
                    out.append((id, StoredTokens(MatchTokens.tokens(source))))   // unreadable stored form: tokenise again
                }
            }
            return out
        }
    }

    /// Every unit's id, match tokens, source and target, in id order and in batches (constant
    /// memory): what an exhaustive scan needs.
    public func forEachTokenized(batchSize: Int = 5_000, _ body: (Int64, [MatchToken], String, String) throws -> Void) throws {
        var last: Int64 = 0
        while true {
            var batch: [(Int64, [MatchToken], String, String)] = []
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT unit.id, unit_tokens.tokens, unit.source, unit.target FROM unit LEFT JOIN unit_tokens USING (id)
                    WHERE unit.id > ? ORDER BY unit.id LIMIT ?
                    """,
                                               arguments: [last, batchSize])
                while let row = try rows.next() {
                    let decoded: [MatchToken]? = try row.withUnsafeData(atIndex: 1) { data in
                        data.flatMap { d in d.withUnsafeBytes { MatchTokens.decode($0) } }
                    }
                    let source: String = row[2]
                    batch.append((row[0], decoded ?? MatchTokens.tokens(source), source, row[3]))
                }
            }
            for (id, tokens, source, target) in batch { try body(id, tokens, source, target) }
            guard let id = batch.last?.0, batch.count == batchSize else { return }
            last = id
        }
    }

    /// The units with these ids whose length (stems of words and numbers) lies in `lengths`.
    public func units(ids: [Int64], lengths: ClosedRange<Int> = 0...Int.max) throws -> [TranslationUnit] {
        guard !ids.isEmpty else { return [] }
        return try pool.read { db in
            try TranslationUnit.fetchAll(db, sql: """
                SELECT * FROM unit WHERE id IN (\(ids.map(String.init).joined(separator: ","))) AND length BETWEEN ? AND ?
                """, arguments: [lengths.lowerBound, min(lengths.upperBound, Int(Int32.max))])
        }
    }

    /// How many units hold each index term (document frequency), for choosing rare terms.
    public func termFrequencies(_ terms: [String]) throws -> [String: Int] {
        let unique = Array(Set(terms.filter { !$0.isEmpty }))
        guard !unique.isEmpty else { return [:] }
        return try pool.read { try TermIndex.frequencies(unique, side: TermIndex.source, in: $0) }
    }

    /// Units with the same source key as `sourceHash` — the number of different translations.
    public func translationCount(sourceHash: Int64) throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM unit WHERE source_hash = ?", arguments: [sourceHash]) ?? 0 }
    }

    /// How many units the memory holds.
    public func unitCount() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM unit") ?? 0 }
    }

    /// Units whose normalised source (or target) contains `phrase` as a phrase, the most recently
    /// added first (the index yields them in that order, so a common word stops at `limit`).
    /// Source phrases are matching keys, so an unvoweled query finds voweled text; they are
    /// found through the term index (stems) and verified on the key, so a word with a proclitic
    /// (`والرئيس`) contains the phrase `الرئيس`.
    public func concordance(phrase: String, side: Side, limit: Int) throws -> [TranslationUnit] {
        switch side {
        case .target:
            let words = Set(SearchWords.words(phrase))
            return try units(holding: words, side: TermIndex.target, limit: limit) { SearchWords.text($0.target, contains: phrase) }
        case .source:
            let key = SegmentKey.key(phrase)
            let terms = Set(MatchTokens.terms(key).terms.split(separator: " ").map(String.init))
            return try units(holding: terms, side: TermIndex.source, limit: limit) { Self.key($0.sourceKey, containsPhrase: key) }
        }
    }

    /// Units holding every term of `terms` on one side of the index, newest first, that `accept`
    /// keeps, up to `limit`: the index yields candidates, the caller's check decides the phrase.
    private func units(holding terms: Set<String>, side: Int, limit: Int,
                       accept: (TranslationUnit) -> Bool) throws -> [TranslationUnit] {
        guard !terms.isEmpty else { return [] }
        return try pool.read { db in
            // The shortest list filtered by the others.
            let lists = try terms.map { try TermIndex.postings($0, side: side, in: db) }.sorted { $0.count < $1.count }
            var ids = lists[0]
            for other in lists.dropFirst() where !ids.isEmpty {
                let have = Set(other)
                ids = ids.filter(have.contains)
            }
            // Newest first, a chunk of rows at a time, until `limit` are accepted.
            var found: [TranslationUnit] = []
            var end = ids.count
            while found.count < limit && end > 0 {
                let chunk = ids[max(0, end - 64)..<end]
                end = chunk.startIndex
                let units = try TranslationUnit.fetchAll(db, sql: """
                    SELECT * FROM unit WHERE id IN (\(chunk.map(String.init).joined(separator: ","))) ORDER BY id DESC
                    """)
                for u in units where found.count < limit && accept(u) { found.append(u) }
            }
            return found
        }
    }

    /// Whether `phrase` occurs in `key` from the start of a word (or after proclitics: و ف ب ك ل
    /// before it in the same word) to the end of a word (or before punctuation).
    static func key(_ key: String, containsPhrase phrase: String) -> Bool {
        let k = Array(key.utf8), p = Array(phrase.utf8)
        guard !p.isEmpty, p.count <= k.count else { return false }
        let proclitics: Set<Unicode.Scalar> = ["\u{0648}", "\u{0641}", "\u{0628}", "\u{0643}", "\u{0644}"]
        for i in 0...(k.count - p.count) where k[i] == p[0] && k[i..<(i + p.count)].elementsEqual(p) {
            // Back to the word's start: whatever lies between must be at most three proclitics.
            var w = i
            while w > 0 && k[w - 1] != 0x20 { w -= 1 }
            let prefix = String(decoding: k[w..<i], as: UTF8.self).unicodeScalars
            guard prefix.count <= 3, prefix.allSatisfy(proclitics.contains) else { continue }
            let end = i + p.count
            guard end < k.count else { return true }
            // The phrase must end a word: a space, punctuation or the end follows.
            if let next = String(decoding: k[end..<min(k.count, end + 4)], as: UTF8.self).unicodeScalars.first,
               !CharClass.isLetter(next) && CharClass.digitValue(next) == nil { return true }
        }
        return false
    }

    public enum Side: String, Sendable, Codable, CaseIterable { case source, target }

    /// Every unit in id order, delivered in batches so exports run in constant memory.
    public func forEachUnit(batchSize: Int = 2_000, _ body: (TranslationUnit) throws -> Void) throws {
        var last: Int64 = 0
        while true {
            let batch = try pool.read { db in
                try TranslationUnit.fetchAll(db, sql: "SELECT * FROM unit WHERE id > ? ORDER BY id LIMIT ?",
                                             arguments: [last, batchSize])
            }
            for u in batch { try body(u) }
            guard let id = batch.last?.id, batch.count == batchSize else { return }
            last = id
        }
    }

    public func stats() throws -> MemoryStats {
        try pool.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS units, coalesce(sum(occurrences), 0) AS occurrences,
                       count(DISTINCT source_hash) AS sources, count(DISTINCT origin) AS origins,
                       avg(confidence) AS confidence, min(created_at) AS first, max(changed_at) AS last
                FROM unit
                """)!
            let pairs = try Row.fetchAll(db, sql: "SELECT source_lang, target_lang, count(*) AS n FROM unit GROUP BY 1, 2 ORDER BY 3 DESC")
            return MemoryStats(
                path: path, schemaVersion: Self.schemaVersion, units: row["units"], occurrences: row["occurrences"],
                distinctSources: row["sources"], origins: row["origins"], meanConfidence: row["confidence"],
                firstCreated: row["first"], lastChanged: row["last"],
                languagePairs: pairs.map { "\($0["source_lang"] as String)→\($0["target_lang"] as String): \($0["n"] as Int)" },
                fileBytes: (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        }
    }

    // MARK: Meta (small named values such as the learned lexicon's version)

    public func meta(_ key: String) throws -> String? {
        try pool.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try pool.write {
            try $0.execute(sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }

    /// Runs SQLite's integrity check; returns "ok" or the problems found.
    public func integrityCheck() throws -> String {
        try pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}

public struct AddSummary: Sendable, Equatable, Codable {
    public var added = 0
    public var duplicates = 0
    public init(added: Int = 0, duplicates: Int = 0) { self.added = added; self.duplicates = duplicates }
    public static func += (a: inout AddSummary, b: AddSummary) { a.added += b.added; a.duplicates += b.duplicates }
}

public struct MemoryStats: Sendable, Codable {
    public let path: String
    public let schemaVersion: Int
    public let units: Int
    public let occurrences: Int
    public let distinctSources: Int
    public let origins: Int
    public let meanConfidence: Double?
    public let firstCreated: Date?
    public let lastChanged: Date?
    public let languagePairs: [String]
    public let fileBytes: Int
}

/// Errors that say which file and what to do.
public enum MemoryError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case cannotOpen(String, String)
    case outdated(String)
    case badInput(file: String, line: Int, message: String)

    public var description: String {
        switch self {
        case .notFound(let p):
            return "memory '\(p)' does not exist. Create it with: tarjama memory create --memory '\(p)'"
        case .cannotOpen(let p, let why):
            return "cannot open memory '\(p)': \(why). Check that it is a Tarjama memory file and that you may write to its folder."
        case .outdated(let p):
            return "memory '\(p)' was written by an older Tarjama; open it once without --read-only to upgrade it."
        case .badInput(let f, let l, let m):
            return "\(f):\(l): \(m)"
        }
    }
}

