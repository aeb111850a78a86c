import Foundation
import GRDB
import TarjamaMemory

extension SQLiteMemory {
    /// Whether the units' derived data (lengths, stored match tokens, term index) is in an
    /// older form than this build's (`derivedVersion`), or was marked stale by a migration.
    static func derivedDataIsStale(_ db: Database) throws -> Bool {
        let version = try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'derived'") ?? 0
        // Form 1 differs from 2 only for sources holding a placeholder: without one, the
        // memory is already in form 2 (a read-only reader need not ask for an upgrade).
        if version == 1 {
            return try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM unit WHERE source LIKE '%{%}%')") ?? false
        }
        return version < derivedVersion
    }

    /// Rebuilds every unit's derived data with the current preparation (the same code an
    /// import runs, so a rebuilt memory equals a freshly imported one), in the caller's
    /// transaction, a batch of units at a time.
    @discardableResult
    public func rebuildIndex() throws -> Int {
        try pool.write { db in
            try Self.reindex(db)
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM unit") ?? 0
        }
    }

    static func reindex(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM unit_tokens; DELETE FROM posting; DELETE FROM term")
        var postings = PostingAccumulator()
        var sink = try TermIndexWriter(db)
        let setLength = try db.makeStatement(sql: "UPDATE unit SET length = ? WHERE id = ?")
        let setHash = try db.makeStatement(sql: "UPDATE unit SET source_hash = ? WHERE id = ?")
        let insertTokens = try db.makeStatement(sql: "INSERT INTO unit_tokens(id, length, tokens) VALUES (?, ?, ?)")
        var last: Int64 = 0
        while true {
            let rows = try Row.fetchAll(db, sql: "SELECT id, source, target, source_hash FROM unit WHERE id > ? ORDER BY id LIMIT 10000",
                                        arguments: [last])
            guard let end = rows.last else { break }
            let ids: [Int64] = rows.map { $0[0] }
            let batch = PreparedUnit.prepare(rows.map { UnitDraft(source: $0[1], target: $0[2]) })
            for (k, row) in batch.rows.enumerated() {
                try setLength.execute(arguments: [row.length, ids[k]])
                let hash = SegmentKey.keyHash(rows[k][1])
                if hash != rows[k][3] as Int64 { try setHash.execute(arguments: [hash, ids[k]]) }
                let tokens = Data(batch.tokens[Int(row.tokens.lowerBound)..<Int(row.tokens.upperBound)])
                try insertTokens.execute(arguments: [ids[k], row.length, tokens])
            }
            postings.add(batch.postings, ids: ids)
            try postings.flush(into: &sink, over: PostingAccumulator.budget)
            last = end[0]
        }
        try postings.flush(into: &sink)
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('derived', ?)", arguments: [String(derivedVersion)])
        try bumpGeneration(db)
    }
}
