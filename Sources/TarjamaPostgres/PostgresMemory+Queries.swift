import Foundation
import NIOCore
import PostgresNIO
import TarjamaMemory
import TarjamaText

/// The `unit` table's columns as reads select them, declared once.
enum PostgresUnitColumns {
    static let written = TranslationUnit.storedColumns
    static let selectList = (written + ["occurrences"]).joined(separator: ", ")

    /// A row selected with `selectList`, as a unit.
    static func unit(_ row: PostgresRow) throws -> TranslationUnit {
        let r = row.makeRandomAccess()
        return TranslationUnit(
            id: try r[0].decode(Int64.self), sourceLanguage: try r[1].decode(String.self), targetLanguage: try r[2].decode(String.self),
            source: try r[3].decode(String.self), target: try r[4].decode(String.self),
            sourceHash: try r[5].decode(Int64.self), pairHash: try r[6].decode(Int64.self),
            occurrences: Int(try r[20].decode(Int32.self)), origin: try r[7].decode(String?.self),
            position: try r[8].decode(Int32?.self).map(Int.init), previousHash: try r[9].decode(Int64?.self),
            nextHash: try r[10].decode(Int64?.self), confidence: try r[11].decode(Double?.self),
            createdAt: try r[12].decode(Date.self), changedAt: try r[13].decode(Date.self),
            createdBy: try r[14].decode(String?.self), changedBy: try r[15].decode(String?.self),
            usageCount: Int(try r[16].decode(Int32.self)),
            properties: JSONText.properties(try r[17].decode(String.self)), notes: JSONText.notes(try r[18].decode(String.self)))
    }
}

extension PostgresMemory {
    /// Side numbers in the `term` table, as in SQLite's (source 0, target 1).
    static func column(_ side: UnitSide) -> Int16 { side == .source ? 0 : 1 }

    func units(_ query: PostgresQuery) throws -> [TranslationUnit] {
        try run { c in
            var units: [TranslationUnit] = []
            for try await row in try await c.query(query, logger: Self.logger) { units.append(try PostgresUnitColumns.unit(row)) }
            return units
        }
    }

    func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, as: T.Type) throws -> T? {
        try run { c in
            for try await (value) in try await c.query(query, logger: Self.logger).decode(T.self) { return value }
            return nil
        }
    }

    public func generation() throws -> Int64 {
        try scalar("SELECT generation FROM memory_state", as: Int64.self) ?? 0
    }

    public func unitCount() throws -> Int {
        Int(try scalar("SELECT units FROM memory_state", as: Int64.self) ?? 0)
    }

    public func unit(id: Int64) throws -> TranslationUnit? {
        try units("SELECT \(unescaped: PostgresUnitColumns.selectList) FROM unit WHERE id = \(id)").first
    }

    public func units(sourceHash: Int64) throws -> [TranslationUnit] {
        try units("SELECT \(unescaped: PostgresUnitColumns.selectList) FROM unit WHERE source_hash = \(sourceHash) ORDER BY occurrences DESC, id")
    }

    public func translationCounts(sourceHashes: [Int64]) throws -> [Int64: Int] {
        guard !sourceHashes.isEmpty else { return [:] }
        return try run { c in
            var counts: [Int64: Int] = [:]
            let rows = try await c.query("""
                SELECT source_hash, count(*) FROM unit WHERE source_hash = ANY(\(sourceHashes)) GROUP BY source_hash
                """, logger: Self.logger)
            for try await (hash, n) in rows.decode((Int64, Int64).self) { counts[hash] = Int(n) }
            return counts
        }
    }

    public func termFrequencies(_ terms: [String], side: UnitSide) throws -> [String: Int] {
        let unique = Array(Set(terms.filter { !$0.isEmpty }))
        guard !unique.isEmpty else { return [:] }
        let side = Self.column(side)
        let found: [String: Int] = try run { c in
            var found: [String: Int] = [:]
            let rows = try await c.query("SELECT text, units FROM term WHERE side = \(side) AND text = ANY(\(unique))", logger: Self.logger)
            for try await (text, units) in rows.decode((String, Int64).self) { found[text] = Int(units) }
            return found
        }
        return Dictionary(uniqueKeysWithValues: unique.map { ($0, found[$0] ?? 0) })
    }

    public func postings(_ terms: [String], side: UnitSide) throws -> [String: [Int64]] {
        let wanted = Array(Set(terms.filter { !$0.isEmpty }))
        guard !wanted.isEmpty else { return [:] }
        let side = Self.column(side)
        let lists: [String: [Int64]] = try run { c in
            var lists: [String: [Int64]] = [:]
            let rows = try await c.query("""
                SELECT term.text, posting.ids FROM term JOIN posting ON posting.term = term.id
                WHERE term.side = \(side) AND term.text = ANY(\(wanted)) ORDER BY term.text, posting.block
                """, logger: Self.logger)
            for try await (text, block) in rows.decode((String, ByteBuffer).self) {
                Array(block.readableBytesView).withUnsafeBufferPointer { PostingList.decode($0, into: &lists[text, default: []]) }
            }
            return lists
        }
        return lists.mapValues(PostingList.ascending)
    }

    public func storedTokens(ids: [Int64], lengths: ClosedRange<Int>) throws -> [(id: Int64, tokens: StoredTokens)] {
        guard !ids.isEmpty else { return [] }
        let low = lengths.lowerBound, high = min(lengths.upperBound, Int(Int32.max))
        let found: [(Int64, [UInt8])] = try run { c in
            var found: [(Int64, [UInt8])] = []
            let rows = try await c.query("""
                SELECT id, tokens FROM unit_tokens WHERE id = ANY(\(ids)) AND length BETWEEN \(low) AND \(high)
                """, logger: Self.logger)
            for try await (id, tokens) in rows.decode((Int64, ByteBuffer).self) { found.append((id, Array(tokens.readableBytesView))) }
            return found
        }
        return found.compactMap { id, bytes in StoredTokens(bytes: bytes).map { (id, $0) } }
    }

    public func units(ids: [Int64], lengths: ClosedRange<Int>) throws -> [TranslationUnit] {
        guard !ids.isEmpty else { return [] }
        let low = lengths.lowerBound, high = min(lengths.upperBound, Int(Int32.max))
        return try units("""
            SELECT \(unescaped: PostgresUnitColumns.selectList) FROM unit WHERE id = ANY(\(ids)) AND length BETWEEN \(low) AND \(high)
            """)
    }

    public func units(after id: Int64, limit: Int) throws -> [TranslationUnit] {
        try units("SELECT \(unescaped: PostgresUnitColumns.selectList) FROM unit WHERE id > \(id) ORDER BY id LIMIT \(limit)")
    }

    public func stats() throws -> MemoryStats {
        let location = self.location
        return try run { c in
            var stats: MemoryStats?
            let rows = try await c.query("""
                SELECT count(*), coalesce(sum(occurrences), 0)::BIGINT, count(DISTINCT source_hash), count(DISTINCT origin),
                       avg(confidence), min(created_at), max(changed_at), pg_database_size(current_database())
                FROM unit
                """, logger: Self.logger)
            for try await (units, occurrences, sources, origins, confidence, first, last, bytes)
                in rows.decode((Int64, Int64, Int64, Int64, Double?, Date?, Date?, Int64).self) {
                stats = MemoryStats(path: location, schemaVersion: Self.schemaVersion, units: Int(units), occurrences: Int(occurrences),
                                    distinctSources: Int(sources), origins: Int(origins), meanConfidence: confidence,
                                    firstCreated: first, lastChanged: last, languagePairs: [], fileBytes: Int(bytes))
            }
            var pairs: [String] = []
            let languages = try await c.query("SELECT source_lang, target_lang, count(*) FROM unit GROUP BY 1, 2 ORDER BY 3 DESC",
                                              logger: Self.logger)
            for try await (source, target, n) in languages.decode((String, String, Int64).self) { pairs.append("\(source)→\(target): \(n)") }
            let s = stats!
            return MemoryStats(path: s.path, schemaVersion: s.schemaVersion, units: s.units, occurrences: s.occurrences,
                               distinctSources: s.distinctSources, origins: s.origins, meanConfidence: s.meanConfidence,
                               firstCreated: s.firstCreated, lastChanged: s.lastChanged, languagePairs: pairs, fileBytes: s.fileBytes)
        }
    }

    /// Checks that the counts kept beside the units agree with them: the memory's unit count,
    /// every unit's stored tokens, and each term's frequency against its posting lists' length
    /// (a sample of the largest terms).
    public func check() throws -> String {
        try run { c in
            var problems: [String] = []
            for try await (kept, counted, tokens) in try await c.query("""
                SELECT (SELECT units FROM memory_state), (SELECT count(*) FROM unit), (SELECT count(*) FROM unit_tokens)
                """, logger: Self.logger).decode((Int64, Int64, Int64).self) {
                if kept != counted { problems.append("memory_state counts \(kept) units, the unit table holds \(counted)") }
                if tokens != counted { problems.append("\(counted) units but \(tokens) stored token rows") }
            }
            return problems.isEmpty ? "ok" : problems.joined(separator: "\n")
        }
    }
}
