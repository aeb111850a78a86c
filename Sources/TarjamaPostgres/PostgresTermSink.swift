import Foundation
import NIOCore
import PostgresNIO
import TarjamaMemory

/// The term index as a `PostingAccumulator` writes it into PostgreSQL: a flush's blocks go in
/// one `COPY` to a staging table, then every term is upserted at once (its document frequency
/// and block count raised; terms in byte order, so concurrent writers lock them in the same
/// order and never deadlock) and each block is added as a row of its own. Writers never touch
/// each other's blocks, so they need no single writer; a term with too many blocks has them
/// merged into one.
struct PostgresTermSink: PostingSink {
    let connection: PostgresConnection
    let memory: PostgresMemory
    private var rows = CopyText()
    private var count = 0

    /// Blocks a term may have before they are merged.
    static let compactAfter = 16

    init(connection: PostgresConnection, memory: PostgresMemory) {
        self.connection = connection
        self.memory = memory
    }

    mutating func append(_ list: UnsafeBufferPointer<UInt8>, units: Int, to term: UnsafeBufferPointer<UInt8>,
                         side: UnitSide, handle: inout PostingHandle) throws -> Bool {
        rows.int(Int64(PostgresMemory.column(side))); rows.text(term); rows.int(Int64(units)); rows.bytes(list)
        rows.endRow()
        count += 1
        return false   // crowded terms are found and merged in `finish`
    }

    mutating func compact(_ handle: PostingHandle) throws {}

    mutating func finish() throws {
        guard count > 0 else { return }
        let data = rows.buffer, c = connection
        rows = CopyText()
        count = 0
        let crowded: [Int64] = try memory.wait {
            try await c.copyFrom(table: "term_stage", logger: PostgresMemory.logger) { try await $0.write(data) }
            try await c.executeScript("""
                INSERT INTO term (side, text, units, blocks) SELECT side, text, units, 1 FROM term_stage ORDER BY side, text
                ON CONFLICT (side, text) DO UPDATE SET units = term.units + EXCLUDED.units, blocks = term.blocks + 1;
                INSERT INTO posting (term, ids) SELECT term.id, term_stage.ids FROM term_stage
                JOIN term ON term.side = term_stage.side AND term.text = term_stage.text
                """)
            var crowded: [Int64] = []
            let rows = try await c.query("""
                SELECT term.id FROM term_stage JOIN term ON term.side = term_stage.side AND term.text = term_stage.text
                WHERE term.blocks > \(Self.compactAfter)
                """, logger: PostgresMemory.logger)
            for try await (id) in rows.decode(Int64.self) { crowded.append(id) }
            try await c.executeScript("TRUNCATE term_stage")
            return crowded
        }
        for term in crowded {
            try memory.wait { try await Self.compact(term: term, on: c) }
        }
    }

    /// Merges the blocks of `term` this transaction sees into one.
    static func compact(term: Int64, on c: PostgresConnection) async throws {
        var ids: [Int64] = []
        var blocks = 0
        for try await (block) in try await c.query("SELECT ids FROM posting WHERE term = \(term) ORDER BY block", logger: PostgresMemory.logger)
            .decode(ByteBuffer.self) {
            Array(block.readableBytesView).withUnsafeBufferPointer { PostingList.decode($0, into: &ids) }
            blocks += 1
        }
        guard blocks > 1 else { return }
        let merged = Data(PostingList.encode(PostingList.ascending(ids)))
        try await c.execute("DELETE FROM posting WHERE term = \(term)")
        try await c.execute("INSERT INTO posting (term, ids) VALUES (\(term), \(merged))")
        try await c.execute("UPDATE term SET blocks = blocks - \(blocks - 1) WHERE id = \(term)")
    }
}
