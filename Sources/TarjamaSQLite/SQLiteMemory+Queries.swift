import Foundation
import GRDB
import TarjamaMemory
import TarjamaText

/// What matching reads (`MatchSource`) and the rest of the memory's reads.
///
/// Lists of ids go to SQLite as one JSON array bound to a cached statement (`json_each`), so
/// a lookup prepares no new SQL whatever the number of candidates.
extension SQLiteMemory {
    public func generation() throws -> Int64 {
        try pool.read { try Int64.fetchOne($0.cachedStatement(sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'")) ?? 0 }
    }

    public func unitCount() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM unit") ?? 0 }
    }

    public func unit(id: Int64) throws -> TranslationUnit? {
        try pool.read { try Self.fetchUnits($0, sql: "SELECT \(UnitTable.selectList) FROM unit WHERE id = ?", arguments: [id]).first }
    }

    public func units(sourceHash: Int64) throws -> [TranslationUnit] {
        try pool.read { db in
            try Self.fetchUnits(db, sql: "SELECT \(UnitTable.selectList) FROM unit WHERE source_hash = ? ORDER BY occurrences DESC, id",
                                arguments: [sourceHash])
        }
    }

    public func translationCounts(sourceHashes: [Int64]) throws -> [Int64: Int] {
        guard !sourceHashes.isEmpty else { return [:] }
        return try pool.read { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT source_hash, count(*) FROM unit WHERE source_hash IN (SELECT value FROM json_each(?)) GROUP BY source_hash
                """), arguments: [Self.jsonArray(sourceHashes)])
            var counts: [Int64: Int] = [:]
            while let row = try rows.next() { counts[row[0]] = row[1] }
            return counts
        }
    }

    public func termFrequencies(_ terms: [String], side: UnitSide) throws -> [String: Int] {
        let unique = Array(Set(terms.filter { !$0.isEmpty }))
        guard !unique.isEmpty else { return [:] }
        return try pool.read { try TermIndex.frequencies(unique, side: side, in: $0) }
    }

    public func postings(_ terms: [String], side: UnitSide) throws -> [String: [Int64]] {
        let wanted = Set(terms.filter { !$0.isEmpty })
        guard !wanted.isEmpty else { return [:] }
        return try pool.read { db in
            var lists: [String: [Int64]] = [:]
            for term in wanted {
                let ids = try TermIndex.postings(term, side: side, in: db)
                if !ids.isEmpty { lists[term] = ids }
            }
            return lists
        }
    }

    public func storedTokens(ids: [Int64], lengths: ClosedRange<Int>) throws -> [(id: Int64, tokens: StoredTokens)] {
        guard !ids.isEmpty else { return [] }
        return try pool.read { db in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT id, tokens FROM unit_tokens WHERE id IN (SELECT value FROM json_each(?)) AND length BETWEEN ? AND ?
                """), arguments: [Self.jsonArray(ids), lengths.lowerBound, min(lengths.upperBound, Int(Int32.max))])
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

    public func units(ids: [Int64], lengths: ClosedRange<Int>) throws -> [TranslationUnit] {
        guard !ids.isEmpty else { return [] }
        return try pool.read { db in
            try Self.fetchUnits(db, sql: """
                SELECT \(UnitTable.selectList) FROM unit WHERE id IN (SELECT value FROM json_each(?)) AND length BETWEEN ? AND ?
                """, arguments: [Self.jsonArray(ids), lengths.lowerBound, min(lengths.upperBound, Int(Int32.max))])
        }
    }

    /// `[1,2,3]`: a list of ids as one bound value.
    private static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    public func units(after id: Int64, limit: Int) throws -> [TranslationUnit] {
        try pool.read { db in
            try Self.fetchUnits(db, sql: "SELECT \(UnitTable.selectList) FROM unit WHERE id > ? ORDER BY id LIMIT ?",
                                arguments: [id, limit])
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

    /// SQLite's integrity check: "ok" or the problems found.
    public func check() throws -> String {
        try pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}
