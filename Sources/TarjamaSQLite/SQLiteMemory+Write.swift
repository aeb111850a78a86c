import Foundation
import GRDB
import TarjamaMemory
import TarjamaText

extension SQLiteMemory {
    /// Writes prepared batches in one transaction (`MemoryStore.write`): each batch's units
    /// and stored tokens on this thread, its terms added to the posting lists on another one
    /// batch behind (`PostingIndexer`), the lists written when they pass their budget and at
    /// the end, and the memory's generation bumped before the commit.
    ///
    /// A large write (at least `BulkLoad.minimumUnits` expected, and at least as many as the
    /// memory holds) runs without the unique index on unit keys, finding duplicates in
    /// `UnitKeys`, and builds the index from sorted keys at its end; into an empty memory that
    /// no other connection has open it goes through a rollback journal instead of WAL
    /// (`BulkLoad`), with this memory's pool closed meanwhile.
    public func write(_ request: WriteRequest, next: () throws -> PreparedBatch?) throws -> WriteOutcome {
        let largeFrom = request.largeFrom ?? BulkLoad.minimumUnits
        let expected = request.expectedUnits
        // Only a write that may be large needs the memory's size (a count reads the whole index).
        let existing = expected >= largeFrom ? try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM unit") ?? 0 } : 0
        let defersIndex = expected >= largeFrom && expected >= existing
        if existing == 0 && defersIndex {
            let bulk: AddSummary?? = try withPoolClosed {
                guard let queue = try BulkLoad.open(path: path, configuration: configuration) else { return nil }
                defer { BulkLoad.end(queue) }
                return try writeBatches(through: queue, defersIndex: true, expected: expected, existing: 0, request, next)
            }
            if let summary = bulk ?? nil { return WriteOutcome(summary: summary, method: "rollback") }
        }
        let summary = try writeBatches(through: pool, defersIndex: defersIndex, expected: expected, existing: existing, request, next)
        return WriteOutcome(summary: summary, method: "wal")
    }

    /// The write's transaction on `writer`, the pool or a bulk load's queue.
    private func writeBatches(through writer: some DatabaseWriter, defersIndex: Bool, expected: Int, existing: Int,
                              _ request: WriteRequest, _ next: () throws -> PreparedBatch?) throws -> AddSummary {
        let clock = request.clock
        var summary = AddSummary()
        try writer.writeWithoutTransaction { db in
            try Self.sortingInFiles(if: defersIndex, db) { try db.inTransaction {
                var keys: UnitKeys?
                if defersIndex {
                    keys = try UnitKeys.loading(from: db, capacity: max(min(expected, UnitKeys.limit), existing * 2))
                    try db.execute(sql: "DROP INDEX unit_pair")
                    // Appends need few pages in SQLite's cache once the index is gone; the
                    // memory goes to the keys instead.
                    try db.execute(sql: "PRAGMA cache_size = -8192")
                }
                defer { if defersIndex { try? db.execute(sql: "PRAGMA cache_size = \(Self.cacheSize)") } }
                let postings = PostingIndexer(clock: clock)
                let writeBehind = defersIndex ? WriteBehind(path: self.path) : nil
                var sink = try TermIndexWriter(db)
                while let batch = try next() {
                    // Inserted while the previous batch's terms are being added.
                    let (s, ids) = try clock.measure(.inserting) { try Self.insert(batch, user: request.user, keys: &keys, in: db) }
                    if keys?.isFull == true {
                        try clock.measure(.keyIndex) { try Self.createPairIndex(db) }
                        keys = nil
                    }
                    try postings.withAccumulator { acc in
                        try clock.measure(.flushing) { try acc.flush(into: &sink, over: PostingAccumulator.budget) }
                    }
                    postings.add(batch.postings, ids: ids)
                    summary += s
                    request.progress?(summary.added + summary.duplicates)
                    writeBehind?.start()
                }
                // The last lists written and the keys (24 bytes a unit) freed before SQLite
                // sorts the keys for the index: the three together would make the peak memory.
                try postings.withAccumulator { acc in
                    try clock.measure(.flushing) { try acc.flush(into: &sink) }
                    acc = PostingAccumulator()
                }
                if keys != nil {
                    keys = nil
                    try clock.measure(.keyIndex) { try Self.createPairIndex(db) }
                }
                if summary.added > 0 { try Self.bumpGeneration(db) }
                return .commit
            } }
        }
        return summary
    }

    /// Deletes one unit by id, with its stored tokens and index entries; false when there is none.
    @discardableResult
    public func deleteUnit(id: Int64) throws -> Bool {
        try pool.write { db in
            guard let unit = try Self.fetchUnits(db, sql: "SELECT \(UnitTable.selectList) FROM unit WHERE id = ?", arguments: [id]).first else { return false }
            try TermIndex.remove(id, terms: Set(MatchTokens.terms(unit.source).terms.split(separator: " ").map(String.init)),
                                 side: .source, in: db)
            try TermIndex.remove(id, terms: Set(SearchWords.words(unit.target)), side: .target, in: db)
            try db.execute(sql: "DELETE FROM unit_tokens WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM unit_revision WHERE unit = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM unit_sighting WHERE unit = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM unit WHERE id = ?", arguments: [id])
            try Self.bumpGeneration(db)
            return true
        }
    }

    public func editUnit(id: Int64, target: String, user: String?) throws -> TranslationUnit? {
        try pool.write { db in
            guard let unit = try Self.fetchUnits(db, sql: "SELECT \(UnitTable.selectList) FROM unit WHERE id = ?", arguments: [id]).first else { return nil }
            guard unit.target != target else { return unit }
            let now = Date()
            try db.execute(sql: """
                INSERT INTO unit_revision (unit, target, written_at, written_by, replaced_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id, unit.target, unit.changedAt, unit.changedBy ?? unit.createdBy, now, user])
            let pairHash = SegmentKey.pairHash(source: unit.source, target: target)
            let oldWords = Set(SearchWords.words(unit.target)), newWords = Set(SearchWords.words(target))
            if let twin = try Int64.fetchOne(db, sql: "SELECT id FROM unit WHERE source_hash = ? AND pair_hash = ? AND id != ?",
                                             arguments: [unit.sourceHash, pairHash, id]) {
                // The corrected pair is stored already: one unit, with both histories and counts.
                try db.execute(sql: "UPDATE unit_revision SET unit = ? WHERE unit = ?", arguments: [twin, id])
                try db.execute(sql: "UPDATE OR IGNORE unit_sighting SET unit = ? WHERE unit = ?", arguments: [twin, id])
                try db.execute(sql: "DELETE FROM unit_sighting WHERE unit = ?", arguments: [id])
                try db.execute(sql: "UPDATE unit SET occurrences = occurrences + ?, usage_count = usage_count + ?, changed_at = ?, changed_by = ? WHERE id = ?",
                               arguments: [unit.occurrences, unit.usageCount, now, user, twin])
                try TermIndex.remove(id, terms: Set(MatchTokens.terms(unit.source).terms.split(separator: " ").map(String.init)),
                                     side: .source, in: db)
                try TermIndex.remove(id, terms: oldWords, side: .target, in: db)
                try db.execute(sql: "DELETE FROM unit_tokens WHERE id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM unit WHERE id = ?", arguments: [id])
                try Self.bumpGeneration(db)
                return try Self.fetchUnits(db, sql: "SELECT \(UnitTable.selectList) FROM unit WHERE id = ?", arguments: [twin]).first
            }
            try db.execute(sql: "UPDATE unit SET target = ?, pair_hash = ?, changed_at = ?, changed_by = ? WHERE id = ?",
                           arguments: [target, pairHash, now, user, id])
            try TermIndex.remove(id, terms: oldWords.subtracting(newWords), side: .target, in: db)
            try TermIndex.add(id, terms: newWords.subtracting(oldWords), side: .target, in: db)
            try Self.bumpGeneration(db)
            return try Self.fetchUnits(db, sql: "SELECT \(UnitTable.selectList) FROM unit WHERE id = ?", arguments: [id]).first
        }
    }

    public func revisions(id: Int64) throws -> [UnitRevision] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT target, written_at, written_by, replaced_at, replaced_by FROM unit_revision WHERE unit = ? ORDER BY replaced_at, rowid
                """, arguments: [id]).map { UnitRevision(target: $0[0], writtenAt: $0[1], writtenBy: $0[2], replacedAt: $0[3], replacedBy: $0[4]) }
        }
    }

    /// Counts a unit as used (pre-translation or a translator took it). Matching does not read
    /// usage counts, so the generation stays.
    public func recordUse(id: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE unit SET usage_count = usage_count + 1 WHERE id = ?", arguments: [id])
        }
    }

    /// Raises the memory's generation inside the write's transaction, so readers in any
    /// process see the new number with the rows it stands for.
    static func bumpGeneration(_ db: Database) throws {
        try db.execute(sql: "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    }
}
