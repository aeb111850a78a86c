import Foundation
import NIOCore
import PostgresNIO
import TarjamaAlign
import TarjamaMemory
import TarjamaText

extension PostgresMemory {
    /// The staging tables of a session: a batch's units and a flush's posting blocks go there by
    /// `COPY`, then into the memory's tables by set-based statements.
    static let stagingTables = """
        CREATE TEMP TABLE IF NOT EXISTS unit_stage (k INTEGER, id BIGINT, source_lang TEXT, target_lang TEXT, source TEXT,
            target TEXT, source_hash BIGINT, pair_hash BIGINT, origin TEXT, position INTEGER, prev_hash BIGINT,
            next_hash BIGINT, confidence DOUBLE PRECISION, created_at TIMESTAMPTZ, changed_at TIMESTAMPTZ, created_by TEXT,
            changed_by TEXT, usage_count INTEGER, properties TEXT, notes TEXT, length INTEGER, occurrences INTEGER)
            ON COMMIT DELETE ROWS;
        CREATE TEMP TABLE IF NOT EXISTS term_stage (side SMALLINT, text TEXT, units BIGINT, ids BYTEA) ON COMMIT DELETE ROWS
        """

    /// Units a write adds from which it refreshes the planner's statistics itself.
    static let analyzeAfter = 20_000

    /// Writes prepared batches in one transaction (`MemoryStore.write`). For each batch: ids
    /// from the `unit_id` sequence, the rows by `COPY` into a staging table, then one
    /// `INSERT … ON CONFLICT` on the unique key, which decides duplicates (a stored pair's
    /// occurrences rise) even against writers running at the same moment. Posting lists are
    /// gathered in memory and written as blocks of their own (`PostgresTermSink`); the memory's
    /// generation and unit count change in the same transaction.
    ///
    /// Writers of the same pairs lock the same rows. Rows are upserted in key order, so two
    /// batches never wait on each other in a circle; two transactions of several batches still
    /// can, and PostgreSQL then cancels one ("deadlock detected"). That write runs again from
    /// the batches it kept (up to `replayLimit` rows; past that it asks to be run again),
    /// nothing of the cancelled attempt having been stored.
    public func write(_ request: WriteRequest, next: () throws -> PreparedBatch?) throws -> WriteOutcome {
        var kept: [PreparedBatch] = [], keptRows = 0, overflowed = false
        for attempt in 1... {
            var replayed = 0
            let source: () throws -> PreparedBatch? = {
                if replayed < kept.count { replayed += 1; return kept[replayed - 1] }
                guard let batch = try next() else { return nil }
                if !overflowed {
                    keptRows += batch.rows.count
                    if keptRows > Self.replayLimit { overflowed = true; kept = [] } else { kept.append(batch); replayed += 1 }
                }
                return batch
            }
            do {
                return try writeOnce(request, next: source)
            } catch let conflict as TransientConflict {
                guard attempt < Self.attempts, !overflowed else {
                    throw MemoryError.failed(location, conflict.message + (overflowed
                        ? "; another writer was storing the same units at the same moment and nothing of this write was stored: run it again"
                        : "; tried \(attempt) times, nothing of this write was stored: run it again"))
                }
                // Apart by a random moment, so the two writers do not meet again in step.
                usleep(UInt32.random(in: 20_000...200_000) * UInt32(attempt))
            }
        }
        fatalError("unreachable: the loop returns or throws")
    }

    /// Attempts of a write cancelled by a deadlock, and the rows a write keeps to run again.
    static let attempts = 5
    static let replayLimit = 50_000

    private func writeOnce(_ request: WriteRequest, next: () throws -> PreparedBatch?) throws -> WriteOutcome {
        let connection = try connections.checkout()
        defer { connections.checkin(connection) }
        let c = connection
        try wait { try await c.executeScript("BEGIN; " + Self.stagingTables) }
        var summary = AddSummary()
        do {
            var postings = PostingAccumulator()
            var sink = PostgresTermSink(connection: connection, memory: self)
            let clock = request.clock
            while let batch = try next() {
                let (s, ids) = try clock.measure(.inserting) { try insert(batch, user: request.user, on: connection) }
                clock.measure(.indexing) { postings.add(batch.postings, ids: ids) }
                try clock.measure(.flushing) { try postings.flush(into: &sink, over: PostingAccumulator.budget) }
                summary += s
                request.progress?(summary.added + summary.duplicates)
            }
            try clock.measure(.flushing) { try postings.flush(into: &sink) }
            let added = summary.added
            try wait {
                try await c.execute("""
                    UPDATE memory_state SET generation = generation + \(added > 0 ? 1 : 0), units = units + \(added)
                    """)
                try await c.executeScript("COMMIT")
                // A large write changes the tables' statistics enough that the planner, left to
                // autovacuum's later analysis, would scan instead of using the indexes meanwhile
                // (lookups right after a million-unit import took 3× as long).
                if added >= Self.analyzeAfter { try await c.executeScript("ANALYZE unit; ANALYZE unit_tokens; ANALYZE term; ANALYZE posting") }
            }
        } catch {
            _ = try? wait { try await c.executeScript("ROLLBACK") }
            throw error
        }
        return WriteOutcome(summary: summary, method: "copy")
    }

    /// Waits for async work, turning PostgreSQL's errors into the memory's.
    func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        do {
            return try PostgresConnections.wait(work)
        } catch {
            if let e = error as? PSQLError, let state = e.serverInfo?[.sqlState], state == "40P01" || state == "40001" {
                throw TransientConflict(message: PostgresConnections.message(error))
            }
            throw MemoryError.failed(location, PostgresConnections.message(error))
        }
    }

    /// One batch's units and stored tokens; the id each unit got (0 for a duplicate).
    private func insert(_ batch: PreparedBatch, user: String?, on c: PostgresConnection) throws -> (AddSummary, [Int64]) {
        let n = batch.rows.count
        guard n > 0 else { return (AddSummary(), []) }
        // A pair twice in the batch is staged once (one statement may not upsert a row twice);
        // the later rows are sightings of it, counted with the other duplicates.
        var kept: [Int] = []
        kept.reserveCapacity(n)
        var seen: [PairKey: Int] = [:]
        seen.reserveCapacity(n)
        for (k, row) in batch.rows.enumerated() {
            let key = PairKey(source: row.keyHash, pair: row.pairHash)
            if seen[key] != nil { continue }
            seen[key] = k
            kept.append(k)
        }
        let count = kept.count
        let reserved: [Int64] = try wait {
            var ids: [Int64] = []
            let rows = try await c.query("SELECT nextval('unit_id') FROM generate_series(1, \(count))", logger: Self.logger)
            for try await (id) in rows.decode(Int64.self) { ids.append(id) }
            return ids.sorted()
        }
        var staged = [Int64](repeating: 0, count: n)
        var copy = CopyText(capacity: count * 600)
        let now = Array((StorageDate.text(Date()) + "+00").utf8)
        let author = user.map { Array($0.utf8) }
        batch.text.withUnsafeBufferPointer { text in
            func field(_ r: Range<Int32>) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: text[Int(r.lowerBound)..<Int(r.upperBound)])
            }
            for (j, k) in kept.enumerated() {
                let row = batch.rows[k]
                staged[k] = reserved[j]
                copy.int(Int64(k)); copy.int(reserved[j])
                copy.text(field(row.sourceLanguage)); copy.text(field(row.targetLanguage))
                copy.text(field(row.source)); copy.text(field(row.target))
                copy.int(row.keyHash); copy.int(row.pairHash)
                if let o = row.origin { copy.text(field(o)) } else { copy.null() }
                copy.int(row.position); copy.int(row.previousHash); copy.int(row.nextHash); copy.double(row.confidence)
                if let d = row.createdAt { copy.text(Array(field(d)) + Array("+00".utf8)) } else { copy.text(now) }
                if let d = row.changedAt { copy.text(Array(field(d)) + Array("+00".utf8)) } else { copy.text(now) }
                if let a = row.createdBy { copy.text(field(a)) } else if let author { copy.text(author) } else { copy.null() }
                if let a = row.changedBy { copy.text(field(a)) } else if let author { copy.text(author) } else { copy.null() }
                copy.int(row.usageCount)
                copy.text(field(row.properties)); copy.text(field(row.notes))
                copy.int(row.length); copy.int(1)
                copy.endRow()
            }
        }
        let data = copy.buffer, stagedIDs = staged
        let inserted: Set<Int64> = try wait {
            try await c.copyFrom(table: "unit_stage", logger: Self.logger) { writer in try await writer.write(data) }
            var inserted = Set<Int64>()
            let rows = try await c.query("""
                INSERT INTO unit (\(unescaped: PostgresUnitColumns.written.joined(separator: ", ")), occurrences)
                SELECT \(unescaped: PostgresUnitColumns.written.joined(separator: ", ")), occurrences FROM unit_stage
                ORDER BY source_hash, pair_hash
                ON CONFLICT (source_hash, pair_hash) DO NOTHING
                RETURNING id
                """, logger: Self.logger)
            for try await (id) in rows.decode(Int64.self) { inserted.insert(id) }
            // The stored tokens of the units that went in, straight to their table: staging them
            // too would copy every token twice on the server and join each back to its unit.
            var tokenRows = CopyText(capacity: inserted.count * 300)
            batch.tokens.withUnsafeBufferPointer { tokens in
                for (k, row) in batch.rows.enumerated() where stagedIDs[k] != 0 && inserted.contains(stagedIDs[k]) {
                    tokenRows.int(stagedIDs[k]); tokenRows.int(row.length)
                    tokenRows.bytes(UnsafeBufferPointer(rebasing: tokens[Int(row.tokens.lowerBound)..<Int(row.tokens.upperBound)]))
                    tokenRows.endRow()
                }
            }
            let tokenData = tokenRows.buffer
            try await c.copyFrom(table: "unit_tokens", columns: ["id", "length", "tokens"], logger: Self.logger) {
                try await $0.write(tokenData)
            }
            try await c.executeScript("TRUNCATE unit_stage")
            return inserted
        }
        // Every row that did not become a unit is a sighting of a stored one.
        let repeats = (0..<n).filter { !(staged[$0] != 0 && inserted.contains(staged[$0])) }
        if !repeats.isEmpty { try countSightings(repeats.map { batch.rows[$0] }, of: batch, on: c) }
        var ids = [Int64](repeating: 0, count: n)
        var summary = AddSummary()
        for k in 0..<n {
            if staged[k] != 0 && inserted.contains(staged[k]) {
                ids[k] = staged[k]
                summary.added += 1
            } else {
                summary.duplicates += 1
            }
        }
        return (summary, ids)
    }

    /// Raises the occurrences of the units these duplicate rows repeat, once per sighting
    /// (`Sighting`): a row seen where its unit was first seen, or at a sighting counted
    /// before, counts nothing, so rerunning an article or a file changes no count.
    private func countSightings(_ rows: [PreparedBatch.Row], of batch: PreparedBatch, on c: PostgresConnection) throws {
        let sourceHashes = rows.map(\.keyHash), pairHashes = rows.map(\.pairHash)
        let units: [PairKey: (id: Int64, origin: String?, position: Int64?)] = try wait {
            var found: [PairKey: (id: Int64, origin: String?, position: Int64?)] = [:]
            let result = try await c.query("""
                SELECT id, source_hash, pair_hash, origin, position FROM unit
                WHERE (source_hash, pair_hash) IN (SELECT * FROM unnest(\(sourceHashes)::bigint[], \(pairHashes)::bigint[]))
                """, logger: Self.logger)
            for try await (id, source, pair, origin, position) in result.decode((Int64, Int64, Int64, String?, Int32?).self) {
                found[PairKey(source: source, pair: pair)] = (id, origin, position.map(Int64.init))
            }
            return found
        }
        var plain: [Int64: Int64] = [:]
        var sighted = Set<[Int64]>()
        for row in rows {
            guard let unit = units[PairKey(source: row.keyHash, pair: row.pairHash)] else { continue }
            guard let sighting = batch.sighting(row) else { plain[unit.id, default: 0] += 1; continue }
            if Sighting.isFirst(sighting, origin: unit.origin, position: unit.position) { continue }
            sighted.insert([unit.id, sighting])
        }
        let pairs = sighted.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
        let sightingUnits = pairs.map { $0[0] }, sightings = pairs.map { $0[1] }
        let counted = plain
        try wait {
            var counts = counted
            if !sightingUnits.isEmpty {
                let rows = try await c.query("""
                    INSERT INTO unit_sighting (unit, sighting)
                    SELECT * FROM unnest(\(sightingUnits)::bigint[], \(sightings)::bigint[]) ORDER BY 1, 2
                    ON CONFLICT DO NOTHING RETURNING unit
                    """, logger: Self.logger)
                for try await (unit) in rows.decode(Int64.self) { counts[unit, default: 0] += 1 }
            }
            guard !counts.isEmpty else { return }
            let ids = counts.keys.sorted(), ns = ids.map { counts[$0]! }
            try await c.query("""
                UPDATE unit SET occurrences = occurrences + c.n
                FROM (SELECT * FROM unnest(\(ids)::bigint[], \(ns)::bigint[]) ORDER BY 1) AS c(id, n) WHERE unit.id = c.id
                """, logger: Self.logger)
        }
    }

    public func deleteUnit(id: Int64) throws -> Bool {
        try run { c in
            try await c.executeScript("BEGIN")
            do {
                var unit: (String, String)?
                for try await (source, target) in try await c.query("SELECT source, target FROM unit WHERE id = \(id) FOR UPDATE",
                                                                      logger: Self.logger).decode((String, String).self) {
                    unit = (source, target)
                }
                guard let (source, target) = unit else {
                    try await c.executeScript("ROLLBACK")
                    return false
                }
                let sourceTerms = Set(MatchTokens.terms(source).terms.split(separator: " ").map(String.init))
                for (side, terms) in [(Int16(0), Array(sourceTerms)), (Int16(1), Array(Set(SearchWords.words(target))))] {
                    for term in terms { try await Self.remove(id, term: term, side: side, on: c) }
                }
                try await Self.removeUnitRows(id, on: c)
                try await c.executeScript("COMMIT")
                return true
            } catch {
                _ = try? await c.executeScript("ROLLBACK")
                throw error
            }
        }
    }

    /// Deletes a unit's rows once it is out of the term index.
    private static func removeUnitRows(_ id: Int64, on c: PostgresConnection) async throws {
        try await c.execute("DELETE FROM unit_tokens WHERE id = \(id)")
        try await c.execute("DELETE FROM unit_revision WHERE unit = \(id)")
        try await c.execute("DELETE FROM unit_sighting WHERE unit = \(id)")
        try await c.execute("DELETE FROM unit WHERE id = \(id)")
        try await c.execute("UPDATE memory_state SET generation = generation + 1, units = units - 1")
    }

    public func editUnit(id: Int64, target: String, user: String?) throws -> TranslationUnit? {
        let edited: Int64? = try run { c in
            try await c.executeScript("BEGIN")
            do {
                var found: TranslationUnit?
                for try await row in try await c.query("SELECT \(unescaped: PostgresUnitColumns.selectList) FROM unit WHERE id = \(id) FOR UPDATE",
                                                       logger: Self.logger) { found = try PostgresUnitColumns.unit(row) }
                guard let unit = found else {
                    try await c.executeScript("ROLLBACK")
                    return nil
                }
                guard unit.target != target else {
                    try await c.executeScript("ROLLBACK")
                    return id
                }
                let now = Date()
                try await c.execute("""
                    INSERT INTO unit_revision (unit, target, written_at, written_by, replaced_at, replaced_by)
                    VALUES (\(id), \(unit.target), \(unit.changedAt), \(unit.changedBy ?? unit.createdBy), \(now), \(user))
                    """)
                let pairHash = SegmentKey.pairHash(source: unit.source, target: target)
                let oldWords = Set(SearchWords.words(unit.target)), newWords = Set(SearchWords.words(target))
                var twin: Int64?
                for try await (t) in try await c.query("""
                    SELECT id FROM unit WHERE source_hash = \(unit.sourceHash) AND pair_hash = \(pairHash) AND id <> \(id) FOR UPDATE
                    """, logger: Self.logger).decode(Int64.self) { twin = t }
                if let twin {
                    // The corrected pair is stored already: one unit, with both histories and counts.
                    try await c.execute("UPDATE unit_revision SET unit = \(twin) WHERE unit = \(id)")
                    try await c.execute("""
                        INSERT INTO unit_sighting (unit, sighting) SELECT \(twin), sighting FROM unit_sighting WHERE unit = \(id)
                        ON CONFLICT DO NOTHING
                        """)
                    try await c.execute("DELETE FROM unit_sighting WHERE unit = \(id)")
                    try await c.execute("""
                        UPDATE unit SET occurrences = occurrences + \(unit.occurrences), usage_count = usage_count + \(unit.usageCount),
                        changed_at = \(now), changed_by = \(user) WHERE id = \(twin)
                        """)
                    for term in Set(MatchTokens.terms(unit.source).terms.split(separator: " ").map(String.init)) {
                        try await Self.remove(id, term: term, side: 0, on: c)
                    }
                    for term in oldWords { try await Self.remove(id, term: term, side: 1, on: c) }
                    try await Self.removeUnitRows(id, on: c)
                    try await c.executeScript("COMMIT")
                    return twin
                }
                try await c.execute("""
                    UPDATE unit SET target = \(target), pair_hash = \(pairHash), changed_at = \(now), changed_by = \(user) WHERE id = \(id)
                    """)
                for term in oldWords.subtracting(newWords) { try await Self.remove(id, term: term, side: 1, on: c) }
                let single = Data(PostingList.encode([id]))
                for term in newWords.subtracting(oldWords) {
                    // Readers sort a term's ids, so an old id in a new block is in order for them.
                    var termID: Int64 = 0, blocks = 0
                    for try await (t, b) in try await c.query("""
                        INSERT INTO term (side, text, units, blocks) VALUES (1, \(term), 1, 1)
                        ON CONFLICT (side, text) DO UPDATE SET units = term.units + 1, blocks = term.blocks + 1 RETURNING id, blocks
                        """, logger: Self.logger).decode((Int64, Int).self) { termID = t; blocks = b }
                    try await c.execute("INSERT INTO posting (term, ids) VALUES (\(termID), \(single))")
                    if blocks > PostgresTermSink.compactAfter { try await PostgresTermSink.compact(term: termID, on: c) }
                }
                try await c.execute("UPDATE memory_state SET generation = generation + 1")
                try await c.executeScript("COMMIT")
                return id
            } catch {
                _ = try? await c.executeScript("ROLLBACK")
                throw error
            }
        }
        return try edited.flatMap { try unit(id: $0) }
    }

    public func revisions(id: Int64) throws -> [UnitRevision] {
        try run { c in
            var revisions: [UnitRevision] = []
            for try await (target, writtenAt, writtenBy, replacedAt, replacedBy) in try await c.query("""
                SELECT target, written_at, written_by, replaced_at, replaced_by FROM unit_revision WHERE unit = \(id) ORDER BY replaced_at, seq
                """, logger: Self.logger).decode((String, Date, String?, Date, String?).self) {
                revisions.append(UnitRevision(target: target, writtenAt: writtenAt, writtenBy: writtenBy, replacedAt: replacedAt, replacedBy: replacedBy))
            }
            return revisions
        }
    }

    /// Takes unit `id` out of one term's posting blocks.
    private static func remove(_ id: Int64, term: String, side: Int16, on c: PostgresConnection) async throws {
        var termID: Int64?
        for try await (t) in try await c.query("SELECT id FROM term WHERE side = \(side) AND text = \(term) FOR UPDATE",
                                               logger: logger).decode(Int64.self) { termID = t }
        guard let termID else { return }
        var blocks: [(Int64, [UInt8])] = []
        for try await (block, ids) in try await c.query("SELECT block, ids FROM posting WHERE term = \(termID)", logger: logger)
            .decode((Int64, ByteBuffer).self) { blocks.append((block, Array(ids.readableBytesView))) }
        var removed = false
        for (block, bytes) in blocks {
            guard let rest = PostingList.removing(id, from: bytes) else { continue }
            removed = true
            if rest.isEmpty {
                try await c.execute("DELETE FROM posting WHERE term = \(termID) AND block = \(block)")
                try await c.execute("UPDATE term SET blocks = blocks - 1 WHERE id = \(termID)")
            } else {
                try await c.execute("UPDATE posting SET ids = \(Data(rest)) WHERE term = \(termID) AND block = \(block)")
            }
        }
        guard removed else { return }
        try await c.execute("UPDATE term SET units = units - 1 WHERE id = \(termID)")
        try await c.execute("DELETE FROM term WHERE id = \(termID) AND units <= 0")
    }

    public func recordUse(id: Int64) throws {
        try run { c in try await c.execute("UPDATE unit SET usage_count = usage_count + 1 WHERE id = \(id)") }
    }

    // MARK: Lexicon

    public func hasLexicon() throws -> Bool {
        try scalar("SELECT EXISTS (SELECT 1 FROM lexicon)", as: Bool.self) ?? false
    }

    public func saveLexicon(_ lexicon: Lexicon) throws {
        var copy = CopyText(capacity: 1 << 20)
        for (source, targets) in lexicon.table {
            for (target, p) in targets {
                copy.text(source); copy.text(target); copy.double(Double(p)); copy.endRow()
            }
        }
        let data = copy.buffer, pairs = Int64(lexicon.pairsSeen)
        try run { c in
            try await c.executeScript("BEGIN; DELETE FROM lexicon")
            do {
                try await c.copyFrom(table: "lexicon", columns: ["source", "target", "probability"], logger: Self.logger) {
                    try await $0.write(data)
                }
                try await c.execute("UPDATE memory_state SET lexicon_pairs = \(pairs)")
                try await c.executeScript("COMMIT")
            } catch {
                _ = try? await c.executeScript("ROLLBACK")
                throw error
            }
        }
    }

    public func lexicon(for words: Set<String>) -> Lexicon {
        let list = Array(words)
        guard !list.isEmpty else { return Lexicon() }
        let table: [String: [String: Float]] = (try? run { c in
            var table: [String: [String: Float]] = [:]
            let rows = try await c.query("SELECT source, target, probability FROM lexicon WHERE source = ANY(\(list))", logger: Self.logger)
            for try await (source, target, p) in rows.decode((String, String, Float).self) { table[source, default: [:]][target] = p }
            return table
        }) ?? [:]
        return Lexicon(table: table)
    }
}

/// A unit's identity for duplicates: its source key hash and its pair hash.
private struct PairKey: Hashable {
    let source: Int64
    let pair: Int64
}

/// PostgreSQL cancelled a transaction to break a deadlock (40P01) or a serialisation conflict
/// (40001): nothing of it was stored and it may run again.
struct TransientConflict: Error {
    let message: String
}
