import Foundation
import GRDB
import TarjamaMemory

/// The memory's inverted index: for each term, the ids of the units that hold it, in two tables
/// of our own instead of SQLite's FTS5.
///
/// `term(id, side, text, units, blocks, next_block)` gives a term's row and document frequency
/// (`units`); `posting(term, block, ids)` holds its ids in blocks, each a list of ascending ids
/// coded as variable-length deltas. An import gathers every term's ids in memory
/// (`PostingAccumulator`) and writes each term once per flush: FTS5 tokenised every row again
/// and merged its segments throughout a large import, a third of the writer's time. Lookups read
/// a term's few blocks instead of one SQL row per id.
///
/// Small additions (one article's units) add one small block per term; when a term has more
/// than `compactAfter` blocks, its newest blocks are merged into one, so reads stay a few rows.
enum TermIndex {
    /// A side's number in the `term` table: a source's match terms (stems, `MatchTokens.terms`)
    /// are 0, a target's words (`SearchWords`, for target concordance) 1.
    static func column(_ side: UnitSide) -> Int { side == .source ? 0 : 1 }

    /// Blocks a term may have before its newest ones are merged.
    static let compactAfter = 16

    /// The ids of the units holding `term`, ascending.
    static func postings(_ term: String, side: UnitSide, in db: Database) throws -> [Int64] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT posting.ids FROM term JOIN posting ON posting.term = term.id
            WHERE term.side = ? AND term.text = ? ORDER BY posting.block
            """), arguments: [column(side), term])
        var ids: [Int64] = []
        while let row = try rows.next() {
            try row.withUnsafeData(atIndex: 0) { data in
                data?.withUnsafeBytes { PostingList.decode($0.bindMemory(to: UInt8.self), into: &ids) }
            }
        }
        return PostingList.ascending(ids)
    }

    /// How many units hold each term (0 for a term no unit holds).
    static func frequencies(_ terms: [String], side: UnitSide, in db: Database) throws -> [String: Int] {
        let statement = try db.cachedStatement(sql: "SELECT units FROM term WHERE side = ? AND text = ?")
        var result: [String: Int] = [:]
        for t in terms { result[t] = try Int.fetchOne(statement, arguments: [column(side), t]) ?? 0 }
        return result
    }

    /// Takes unit `id` out of the posting lists of `terms` (a deleted unit).
    static func remove(_ id: Int64, terms: Set<String>, side: UnitSide, in db: Database) throws {
        for text in terms {
            guard let termID = try Int64.fetchOne(db, sql: "SELECT id FROM term WHERE side = ? AND text = ?",
                                                  arguments: [column(side), text]) else { continue }
            var removed = false
            for row in try Row.fetchAll(db, sql: "SELECT block, ids FROM posting WHERE term = ?", arguments: [termID]) {
                let block: Int64 = row[0]
                guard let rest = PostingList.removing(id, from: [UInt8](row[1] as Data)) else { continue }
                removed = true
                if rest.isEmpty {
                    try db.execute(sql: "DELETE FROM posting WHERE term = ? AND block = ?", arguments: [termID, block])
                    try db.execute(sql: "UPDATE term SET blocks = blocks - 1 WHERE id = ?", arguments: [termID])
                } else {
                    try db.execute(sql: "UPDATE posting SET ids = ? WHERE term = ? AND block = ?", arguments: [Data(rest), termID, block])
                }
            }
            guard removed else { continue }
            try db.execute(sql: "UPDATE term SET units = units - 1 WHERE id = ?", arguments: [termID])
            try db.execute(sql: "DELETE FROM term WHERE id = ? AND units <= 0", arguments: [termID])
        }
    }

    /// Puts unit `id` into the posting lists of `terms` (a corrected target): one block of one
    /// id per term, merged with the newest once a term has more than `compactAfter`. Readers
    /// sort a term's ids, so an old id in a new block is in order for them.
    static func add(_ id: Int64, terms: Set<String>, side: UnitSide, in db: Database) throws {
        for text in terms {
            try db.execute(sql: "INSERT OR IGNORE INTO term(side, text, units, blocks, next_block) VALUES (?, ?, 0, 0, 0)",
                           arguments: [column(side), text])
            guard let row = try Row.fetchOne(db, sql: """
                UPDATE term SET units = units + 1, blocks = blocks + 1, next_block = next_block + 1
                WHERE side = ? AND text = ? RETURNING id, blocks, next_block - 1
                """, arguments: [column(side), text]) else { continue }
            let term: Int64 = row[0], blocks: Int64 = row[1], block: Int64 = row[2]
            try db.execute(sql: "INSERT INTO posting(term, block, ids) VALUES (?, ?, ?)",
                           arguments: [term, block, Data(PostingList.encode([id]))])
            if blocks > Int64(compactAfter) { try compact(term: term, in: db) }
        }
    }

    /// Merges a term's newest `compactAfter` blocks into one (kept at the oldest's position).
    static func compact(term: Int64, in db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT block, ids FROM posting WHERE term = ? ORDER BY block DESC LIMIT ?",
                                    arguments: [term, compactAfter])
        guard rows.count > 1 else { return }
        var ids: [Int64] = []
        for row in rows.reversed() {
            let bytes: [UInt8] = [UInt8](row[1] as Data)
            bytes.withUnsafeBufferPointer { PostingList.decode($0, into: &ids) }
        }
        ids = PostingList.ascending(ids)
        let oldest: Int64 = rows.last![0]
        try db.execute(sql: "DELETE FROM posting WHERE term = ? AND block >= ?", arguments: [term, oldest])
        try db.execute(sql: "INSERT INTO posting(term, block, ids) VALUES (?, ?, ?)", arguments: [term, oldest, Data(PostingList.encode(ids))])
        try db.execute(sql: "UPDATE term SET blocks = blocks - ? WHERE id = ?", arguments: [rows.count - 1, term])
    }
}

/// The term index as a `PostingAccumulator` writes it: a new term is inserted, a known one
/// updated (by id once a flush of this import has seen it), and each flush adds one block.
///
/// Two statements, not one upsert: an upsert writing two b-trees that may fail made SQLite
/// keep a statement journal (two 16 KB page images per term, more than the file itself).
struct TermIndexWriter: PostingSink {
    private let db: Database
    private var insertTerm, updateTerm, updateTermByID, insertBlock: RowWriter

    init(_ db: Database) throws {
        self.db = db
        insertTerm = RowWriter(try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO term(side, text, units, blocks, next_block) VALUES (?, ?, ?, 1, 1)
            """), in: db)
        updateTerm = RowWriter(try db.cachedStatement(sql: """
            UPDATE term SET units = units + ?, blocks = blocks + 1, next_block = next_block + 1
            WHERE side = ? AND text = ? RETURNING id, blocks, next_block - 1
            """), in: db)
        updateTermByID = RowWriter(try db.cachedStatement(sql: """
            UPDATE term SET units = units + ?, blocks = blocks + 1, next_block = next_block + 1 WHERE id = ?
            """), in: db)
        insertBlock = RowWriter(try db.cachedStatement(sql: "INSERT INTO posting(term, block, ids) VALUES (?, ?, ?)"), in: db)
    }

    mutating func append(_ list: UnsafeBufferPointer<UInt8>, units: Int, to text: UnsafeBufferPointer<UInt8>,
                         side: UnitSide, handle row: inout PostingHandle) throws -> Bool {
        let block: Int64
        if row.id > 0 {
            updateTermByID.int(Int64(units)); updateTermByID.int(row.id)
            try updateTermByID.run()
            block = row.nextBlock
            row.blocks += 1
            row.nextBlock += 1
        } else {
            insertTerm.int(Int64(TermIndex.column(side))); insertTerm.text(bytes: text); insertTerm.int(Int64(units))
            try insertTerm.run()
            if insertTerm.changes == 1 {
                // A new term's first block is 0; `next_block` is the number the next one takes.
                row = PostingHandle(id: insertTerm.lastRowID, blocks: 1, nextBlock: 1)
                block = 0
            } else {
                updateTerm.int(Int64(units)); updateTerm.int(Int64(TermIndex.column(side))); updateTerm.text(bytes: text)
                let r = try updateTerm.runReturning(columns: 3)
                row = PostingHandle(id: r[0], blocks: r[1], nextBlock: r[2] + 1)
                block = r[2]
            }
        }
        insertBlock.int(row.id); insertBlock.int(block)
        insertBlock.blob(bytes: list)
        try insertBlock.run()
        return row.blocks > Int64(TermIndex.compactAfter)
    }

    mutating func compact(_ handle: PostingHandle) throws {
        try TermIndex.compact(term: handle.id, in: db)
    }
}
