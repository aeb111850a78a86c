import Foundation
import GRDB
import TarjamaMemory
import TarjamaText

extension SQLiteMemory {
    /// Writes prepared units and their stored tokens, and gives the id each unit got (0 for an
    /// exact duplicate, same source and target, which only raises the stored unit's occurrence
    /// count; unit k of the batch gets the memory's next id plus k). The caller adds the batch's
    /// terms to the term index with those ids before the transaction ends.
    ///
    /// With `keys`, duplicates are found there (a large import, without the unique index) and
    /// the new units' keys are added to it; with nil, the index finds them.
    ///
    /// Rows go `rowsAtOnce` to a statement where the outcome is known before writing: stored
    /// tokens always, and units too when `keys` finds the duplicates (one statement run per
    /// row had cost as much again as binding it). With the index, a unit's insert tells whether
    /// it was a duplicate, so units go one by one.
    static func insert(_ batch: PreparedBatch, user: String?, keys: inout UnitKeys?,
                       in db: Database) throws -> (summary: AddSummary, ids: [Int64]) {
        // Dates are formatted once per batch: a DateFormatter call per unit was 7% of import time.
        var now = Array(StorageDate.text(Date()).utf8)
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

    /// Counts a duplicate of unit `id` seen at `sighting`: its occurrences rise unless that is
    /// the unit's own origin and position or a sighting counted before (a rerun of the same
    /// article or file counts nothing twice). A duplicate without an origin always counts.
    static func seen(_ id: Int64, at sighting: Int64?, in db: Database) throws {
        if let sighting {
            let first = try Row.fetchOne(db.cachedStatement(sql: "SELECT origin, position FROM unit WHERE id = ?"), arguments: [id])
            if let first, Sighting.isFirst(sighting, origin: first[0], position: first[1]) { return }
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO unit_sighting(unit, sighting) VALUES (?, ?)").execute(arguments: [id, sighting])
            guard db.changesCount == 1 else { return }
        }
        try db.cachedStatement(sql: "UPDATE unit SET occurrences = occurrences + 1 WHERE id = ?").execute(arguments: [id])
    }

    /// One batch's insert: its statements and the rows it holds back, one value lent `inout`
    /// to the loop. (As variables captured by the closures that lend the batch's buffers, they
    /// had been checked for exclusive access at run time on every use, five checks a unit.)
    private struct BatchInsert {
        var unitRow, unitRows, uniformUnitRows, tokenRow, tokenRows: RowWriter
        /// Units at once (64 to a statement) when `keys` finds the duplicates beforehand.
        let unitsAtOnce: Bool
        /// New units (batch positions) whose stored tokens, and with `keys` whose rows, are not written yet.
        var pending: [Int] = []
        var ids: [Int64]
        var summary = AddSummary()

        init(_ batch: PreparedBatch, unitsAtOnce: Bool, in db: Database) throws {
            unitRow = RowWriter(try db.cachedStatement(sql: "INSERT OR IGNORE INTO unit (\(UnitTable.insertList)) VALUES \(unitValues)"), in: db)
            unitRows = RowWriter(try db.cachedStatement(sql: insertUnitRows), in: db)
            uniformUnitRows = RowWriter(try db.cachedStatement(sql: insertUniformUnitRows), in: db)
            tokenRow = RowWriter(try db.cachedStatement(sql: "INSERT INTO unit_tokens(id, length, tokens) VALUES (?, ?, ?)"), in: db)
            tokenRows = RowWriter(try db.cachedStatement(sql: insertTokenRows), in: db)
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
                        try SQLiteMemory.seen(id, at: batch.sighting(row), in: db)
                        summary.duplicates += 1
                        continue
                    }
                }
                let id = firstID + Int64(k)
                if !unitsAtOnce {
                    values.bindUnit(&unitRow, id: id, row)
                    try unitRow.run()
                    guard unitRow.changes == 1 else {
                        let twin = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM unit WHERE source_hash = ? AND pair_hash = ?"),
                                                      arguments: [row.keyHash, row.pairHash])
                        if let twin { try SQLiteMemory.seen(twin, at: batch.sighting(row), in: db) }
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
    /// One row's values in `UnitTable.written` order, as numbered parameters: the 13 a batch's rows
    /// often share (`RowValues.bindShared`) from `shared` on, the row's own 7
    /// (`RowValues.bindOwn`) from `own` on. One layout behind every unit insert, so a row is
    /// always bound the same way: shared values, then its own.
    private static func unitTuple(shared: Int, own: Int) -> String {
        // Column positions in `UnitTable.written` of the shared and the own values, in binding order.
        let sharedColumns = [1, 2, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], ownColumns = [0, 3, 4, 5, 6, 8, 19]
        return "(" + (0..<20).map { c in
            if let k = sharedColumns.firstIndex(of: c) { return "?\(shared + k)" }
            return "?\(own + ownColumns.firstIndex(of: c)!)"
        }.joined(separator: ", ") + ")"
    }
    private static let unitValues = unitTuple(shared: 1, own: 14)
    private static let insertUnitRows = "INSERT INTO unit (\(UnitTable.insertList)) VALUES "
        + (0..<rowsAtOnce).map { unitTuple(shared: 1 + 20 * $0, own: 14 + 20 * $0) }.joined(separator: ", ")
    /// `insertUnitRows` for rows that share every value but their own (`RowValues.bindOwn`):
    /// the shared ones are parameters 1-13, bound once for the 64 rows. An import's languages,
    /// origin, dates, authors, properties and notes are mostly the same, and binding them for
    /// every row would be 13 of its 20 binds.
    private static let insertUniformUnitRows = "INSERT INTO unit (\(UnitTable.insertList)) VALUES "
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
}
