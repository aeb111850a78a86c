import Foundation
import NIOCore
import PostgresNIO
import TarjamaMemory
import TarjamaText

extension PostgresMemory {
    /// Rebuilds the stored match tokens, the term index and the units' lengths and key hashes
    /// from the units, in one transaction (`MemoryStore.rebuildIndex`). Writers wait on a lock
    /// of the unit table; readers go on seeing the old index (rows deleted, not truncated) until
    /// the new one commits.
    @discardableResult
    public func rebuildIndex() throws -> Int {
        let connection = try connections.checkout()
        defer { connections.checkin(connection) }
        let c = connection
        try wait {
            try await c.executeScript("""
                BEGIN; \(Self.stagingTables);
                CREATE TEMP TABLE IF NOT EXISTS length_stage (id BIGINT, length INTEGER, source_hash BIGINT) ON COMMIT DELETE ROWS;
                LOCK TABLE unit IN SHARE ROW EXCLUSIVE MODE;
                DELETE FROM posting; DELETE FROM term; DELETE FROM unit_tokens
                """)
        }
        var count = 0
        do {
            var postings = PostingAccumulator()
            var sink = PostgresTermSink(connection: connection, memory: self)
            var last: Int64 = 0
            while true {
                let after = last
                let page: [(Int64, String, String)] = try wait {
                    var rows: [(Int64, String, String)] = []
                    for try await row in try await c.query(
                        "SELECT id, source, target FROM unit WHERE id > \(after) ORDER BY id LIMIT 10000",
                        logger: Self.logger).decode((Int64, String, String).self) { rows.append(row) }
                    return rows
                }
                guard let end = page.last?.0 else { break }
                let ids = page.map(\.0)
                let batch = PreparedUnit.prepare(page.map { UnitDraft(source: $0.1, target: $0.2) })
                var tokens = CopyText(capacity: page.count * 300), lengths = CopyText(capacity: page.count * 40)
                batch.tokens.withUnsafeBufferPointer { bytes in
                    for (k, row) in batch.rows.enumerated() {
                        tokens.int(ids[k]); tokens.int(row.length)
                        tokens.bytes(UnsafeBufferPointer(rebasing: bytes[Int(row.tokens.lowerBound)..<Int(row.tokens.upperBound)]))
                        tokens.endRow()
                        lengths.int(ids[k]); lengths.int(row.length); lengths.int(row.keyHash)
                        lengths.endRow()
                    }
                }
                let tokenData = tokens.buffer, lengthData = lengths.buffer
                try wait {
                    try await c.copyFrom(table: "unit_tokens", columns: ["id", "length", "tokens"], logger: Self.logger) {
                        try await $0.write(tokenData)
                    }
                    try await c.copyFrom(table: "length_stage", logger: Self.logger) { try await $0.write(lengthData) }
                    try await c.executeScript("""
                        UPDATE unit SET length = s.length, source_hash = s.source_hash FROM length_stage s
                        WHERE unit.id = s.id AND (unit.length <> s.length OR unit.source_hash <> s.source_hash);
                        TRUNCATE length_stage
                        """)
                }
                postings.add(batch.postings, ids: ids)
                try postings.flush(into: &sink, over: PostingAccumulator.budget)
                count += page.count
                last = end
            }
            try postings.flush(into: &sink)
            try wait {
                try await c.executeScript("UPDATE memory_state SET generation = generation + 1; COMMIT")
                try await c.executeScript("ANALYZE unit_tokens; ANALYZE term; ANALYZE posting")
            }
        } catch {
            _ = try? wait { try await c.executeScript("ROLLBACK") }
            throw error
        }
        return count
    }
}
