import CMemoryHints
import Foundation
import GRDB

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
    /// Index sides: a source's match terms (stems, `MatchTokens.terms`) and a target's words
    /// (`SearchWords`, for target concordance).
    static let source = 0
    static let target = 1

    /// Blocks a term may have before its newest ones are merged.
    static let compactAfter = 16

    static let schema = """
        CREATE TABLE term (id INTEGER PRIMARY KEY, side INTEGER NOT NULL, text TEXT NOT NULL,
                           units INTEGER NOT NULL, blocks INTEGER NOT NULL, next_block INTEGER NOT NULL,
                           UNIQUE(side, text));
        CREATE TABLE posting (term INTEGER NOT NULL, block INTEGER NOT NULL, ids BLOB NOT NULL,
                              PRIMARY KEY(term, block)) WITHOUT ROWID;
        """

    /// The ids of the units holding `term`, ascending.
    static func postings(_ term: String, side: Int, in db: Database) throws -> [Int64] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT posting.ids FROM term JOIN posting ON posting.term = term.id
            WHERE term.side = ? AND term.text = ? ORDER BY posting.block
            """), arguments: [side, term])
        var ids: [Int64] = []
        while let row = try rows.next() {
            try row.withUnsafeData(atIndex: 0) { data in
                data?.withUnsafeBytes { PostingList.decode($0.bindMemory(to: UInt8.self), into: &ids) }
            }
        }
        return PostingList.ascending(ids)
    }

    /// How many units hold each term (0 for a term no unit holds).
    static func frequencies(_ terms: [String], side: Int, in db: Database) throws -> [String: Int] {
        let statement = try db.cachedStatement(sql: "SELECT units FROM term WHERE side = ? AND text = ?")
        var result: [String: Int] = [:]
        for t in terms { result[t] = try Int.fetchOne(statement, arguments: [side, t]) ?? 0 }
        return result
    }

    /// Takes unit `id` out of the posting lists of `terms` (a deleted unit).
    static func remove(_ id: Int64, terms: Set<String>, side: Int, in db: Database) throws {
        for text in terms {
            guard let termID = try Int64.fetchOne(db, sql: "SELECT id FROM term WHERE side = ? AND text = ?",
                                                  arguments: [side, text]) else { continue }
            var removed = false
            for row in try Row.fetchAll(db, sql: "SELECT block, ids FROM posting WHERE term = ?", arguments: [termID]) {
                let block: Int64 = row[0]
                let bytes: [UInt8] = [UInt8](row[1] as Data)
                var ids: [Int64] = []
                bytes.withUnsafeBufferPointer { PostingList.decode($0, into: &ids) }
                guard let k = ids.firstIndex(of: id) else { continue }
                ids.remove(at: k)
                removed = true
                if ids.isEmpty {
                    try db.execute(sql: "DELETE FROM posting WHERE term = ? AND block = ?", arguments: [termID, block])
                    try db.execute(sql: "UPDATE term SET blocks = blocks - 1 WHERE id = ?", arguments: [termID])
                } else {
                    try db.execute(sql: "UPDATE posting SET ids = ? WHERE term = ? AND block = ?",
                                   arguments: [Data(PostingList.encode(ids)), termID, block])
                }
            }
            guard removed else { continue }
            try db.execute(sql: "UPDATE term SET units = units - 1 WHERE id = ?", arguments: [termID])
            try db.execute(sql: "DELETE FROM term WHERE id = ? AND units <= 0", arguments: [termID])
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

/// A posting list's stored form: ascending ids as variable-length deltas (7 bits a byte, high
/// bit set on all but a number's last byte), the first from zero.
enum PostingList {
    static func encode(_ ids: [Int64]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 2)
        var previous: Int64 = 0
        for id in ids {
            append(UInt64(id - previous), to: &out)
            previous = id
        }
        return out
    }

    /// Ids read from a term's blocks, ascending and once each: blocks follow one another in id
    /// order unless an id was reused after a deletion.
    static func ascending(_ ids: [Int64]) -> [Int64] {
        zip(ids, ids.dropFirst()).contains(where: { $0 >= $1 }) ? Array(Set(ids)).sorted() : ids
    }

    /// Writes one value at `out[w...]` (room for ten bytes), for coding into a buffer.
    @inline(__always)
    static func write(_ value: UInt64, to out: UnsafeMutableBufferPointer<UInt8>, at w: inout Int) {
        var v = value
        while v >= 0x80 { out[w] = UInt8(v & 0x7F) | 0x80; w += 1; v >>= 7 }
        out[w] = UInt8(v)
        w += 1
    }

    @inline(__always)
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Appends the ids of one stored list to `ids`.
    static func decode(_ b: UnsafeBufferPointer<UInt8>, into ids: inout [Int64]) {
        var previous: Int64 = 0
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in b {
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 != 0 { shift += 7; continue }
            previous += Int64(bitPattern: value)
            ids.append(previous)
            value = 0
            shift = 0
        }
    }
}

/// Distinct terms, each filed once: their bytes back to back in one arena behind an
/// open-addressing table keyed by (side, bytes). The one term table behind a batch's grouping
/// and an import's posting lists.
struct TermTable: Sendable {
    struct Term: Sendable {
        let side: Int32
        let hash: UInt64
        let start: Int32
        let end: Int32
    }
    private(set) var arena: [UInt8] = []
    private(set) var terms: [Term] = []
    /// Open addressing, at most half full. A slot holds what settles most lookups by itself:
    /// the term's side, length and first 8 bytes (all of nearly every English word and most
    /// Arabic stems; longer terms compare the rest in the arena), in 16 bytes, so four share a
    /// cache line and a batch's table fits in the core's cache: these lookups, one per term of
    /// every unit, are mostly cache misses (with the hash and 16 bytes of the term, slots of
    /// 32 bytes had made a batch's table 2 MB).
    private var slots: [Slot]

    struct Slot {
        var head: UInt64 = 0
        var entry: Int32 = -1
        /// The term's length, doubled, plus its side (0 or 1).
        var lengthAndSide: UInt32 = 0
    }

    init(capacity: Int = 2_048) {
        slots = [Slot](repeating: Slot(), count: 1 << max(10, Int.bitWidth - (capacity * 2).leadingZeroBitCount))
    }

    var count: Int { terms.count }

    /// The index of a term, filed when it is new.
    mutating func index(of term: UnsafeBufferPointer<UInt8>, _ key: TermKey) -> (index: Int, isNew: Bool) {
        let mask = slots.count - 1
        var s = TermHash.slot(key.hash, mask)
        let found: Int? = slots.withUnsafeBufferPointer { slots in
            while slots[s].entry >= 0 {
                let slot = slots[s]
                if slot.lengthAndSide == key.lengthAndSide && slot.head == key.head
                    && (term.count <= 8 || arena.withUnsafeBufferPointer({
                        memcmp($0.baseAddress! + Int(terms[Int(slot.entry)].start) + 8, term.baseAddress! + 8, term.count - 8) == 0 })) {
                    return Int(slot.entry)
                }
                s = (s + 1) & mask
            }
            return nil
        }
        if let found { return (found, false) }
        let e = terms.count
        slots[s] = Slot(head: key.head, entry: Int32(e), lengthAndSide: key.lengthAndSide)
        let start = arena.count
        arena.append(contentsOf: term)
        terms.append(Term(side: key.side, hash: key.hash, start: Int32(start), end: Int32(arena.count)))
        if terms.count * 2 > slots.count {
            let old = slots
            slots = [Slot](repeating: Slot(), count: slots.count * 2)
            let mask = slots.count - 1
            for slot in old where slot.entry >= 0 {
                var s = TermHash.slot(terms[Int(slot.entry)].hash, mask)
                while slots[s].entry >= 0 { s = (s + 1) & mask }
                slots[s] = slot
            }
        }
        return (e, true)
    }

    /// Starts loading the slot a lookup of `hash` reads first (see `tj_prefetch`). A batch's
    /// terms go to an import's lists through a table of every term, whose slots are mostly
    /// cache misses; asking a few terms ahead made those adds a fifth faster (thread time
    /// 1.49-1.76 s -> 1.22-1.38 s a million units, paired runs). Asking for a unit's own terms
    /// first did not pay in the batch's grouping (its table is smaller and the hashing
    /// between lookups already hides part of each miss).
    @inline(__always)
    func prefetch(_ hash: UInt64) {
        slots.withUnsafeBufferPointer { slots in
            if !slots.isEmpty { tj_prefetch(slots.baseAddress! + TermHash.slot(hash, slots.count - 1)) }
        }
    }

    /// Gives up the lookup slots, keeping the terms; `index(of:)` must not be called again. A
    /// batch's grouped terms are read in order, never looked up, and their slots (1 MB a
    /// batch) had stayed in memory with it.
    mutating func dropLookup() {
        slots = []
    }

    /// Calls `body` with the arena's bytes; `text(_:in:)` cuts a term out of them.
    func withArena<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try arena.withUnsafeBufferPointer(body)
    }

    func text(_ t: Int, in arena: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: arena[Int(terms[t].start)..<Int(terms[t].end)])
    }
}

/// A batch's index terms grouped by term: each distinct term once, with the positions in the
/// batch of the units holding it, ascending. Built beside the preparation, off the writer's
/// thread, so the writer looks a term up once per batch instead of once per unit (those
/// lookups, each a cache miss in a large table, were the writer's biggest cost after SQLite).
struct BatchPostings: Sendable {
    private(set) var table: TermTable
    /// Term `t`'s units are `members[memberStart[t]..<memberStart[t + 1]]`.
    private(set) var memberStart: [Int32] = []
    private(set) var members: [Int32] = []
    /// Term `t`'s units after its first as the posting list's deltas (`PostingList`), in
    /// `deltas[deltaStart[t]..<deltaStart[t + 1]]`: when the batch's units get consecutive ids,
    /// as they do unless some were duplicates, the list's bytes from the second id on are these,
    /// and the writer copies them instead of coding each id.
    private(set) var deltaStart: [Int32] = []
    private(set) var deltas: [UInt8] = []
    /// Unit k's terms are `unitTerms[unitStart[k]..<unitStart[k + 1]]` (the terms whose lists a
    /// duplicate, written nowhere, would have been in).
    private(set) var unitStart: [Int32] = []
    private(set) var unitTerms: [Int32] = []

    init(_ prepared: PreparedUnits) {
        let units = prepared.units
        var table = TermTable(capacity: units.count * 4)
        // At most one occurrence per term of a list: its spaces plus one. Buffers of that size
        // are written in place (appending checked each array's uniqueness and capacity for
        // every term, and this loop runs for every term of every unit).
        var bound = 0
        for u in units { bound += (u.terms.count + u.targetWords.count) / 2 + 2 }
        // Entries are written before they are read: a term's when it is filed, the others in order.
        var lastUnit = [Int32](unsafeUninitializedCapacity: bound) { _, c in c = bound }
        var occurrenceTerm = [Int32](unsafeUninitializedCapacity: bound) { _, c in c = bound }
        var unitStart = [Int32](repeating: 0, count: units.count + 1)
        var n = 0
        lastUnit.withUnsafeMutableBufferPointer { lastUnit in
          occurrenceTerm.withUnsafeMutableBufferPointer { occurrence in
            // In place: iterating the units copied each (a dozen retains).
            units.withUnsafeBufferPointer { units in
              prepared.bytes.withUnsafeBufferPointer { bytes in
                for k in units.indices {
                    for side in TermIndex.source...TermIndex.target {
                        do {
                            let b = prepared.slice(side == TermIndex.source ? units[k].terms : units[k].targetWords, of: bytes)
                            TermHash.forEachTerm(b) { term in
                                let (t, isNew) = table.index(of: term, TermKey(term, side: Int32(side)))
                                if isNew { lastUnit[t] = -1 }
                                // A term twice in one unit is one posting.
                                if lastUnit[t] != Int32(k) {
                                    lastUnit[t] = Int32(k)
                                    occurrence[n] = Int32(t)
                                    n += 1
                                }
                            }
                        }
                    }
                    unitStart[k + 1] = Int32(n)
                }
              }
            }
          }
        }
        table.dropLookup()
        self.table = table
        self.unitStart = unitStart
        occurrenceTerm.removeLast(bound - n)
        unitTerms = occurrenceTerm
        // Grouped by term with a counting sort; units stay in ascending order within a term.
        var starts = [Int32](repeating: 0, count: table.count + 1)
        var members = [Int32](unsafeUninitializedCapacity: n) { _, c in c = n }
        var deltaStart = [Int32](repeating: 0, count: table.count + 1)
        var deltas = [UInt8](unsafeUninitializedCapacity: n * 5) { _, c in c = n * 5 }
        var written = 0
        starts.withUnsafeMutableBufferPointer { starts in
          members.withUnsafeMutableBufferPointer { members in
            occurrenceTerm.withUnsafeBufferPointer { occurrence in
                for o in occurrence { starts[Int(o) + 1] += 1 }
                for t in 0..<table.count { starts[t + 1] += starts[t] }
                var fill = Array(starts)
                for k in 0..<units.count {
                    for u in Int(unitStart[k])..<Int(unitStart[k + 1]) {
                        let t = Int(occurrence[u])
                        members[Int(fill[t])] = Int32(k)
                        fill[t] += 1
                    }
                }
            }
            // Each term's units after its first, as posting-list deltas (7 bits a byte).
            deltas.withUnsafeMutableBufferPointer { out in
                for t in 0..<table.count {
                    var previous = members[Int(starts[t])]
                    for m in Int(starts[t]) + 1..<Int(starts[t + 1]) {
                        PostingList.write(UInt64(members[m] - previous), to: out, at: &written)
                        previous = members[m]
                    }
                    deltaStart[t + 1] = Int32(written)
                }
            }
          }
        }
        deltas.removeLast(deltas.count - written)
        memberStart = starts
        self.members = members
        self.deltaStart = deltaStart
        self.deltas = deltas
    }
}

/// What a term is looked up by: its hash, side and length, and its first 16 bytes as two
/// words (zero past its end), computed once per term.
struct TermKey {
    let hash: UInt64
    let head: UInt64
    let tail: UInt64
    /// The term's length, doubled, plus its side (0 or 1).
    let lengthAndSide: UInt32

    var side: Int32 { Int32(lengthAndSide & 1) }

    @inline(__always)
    init(_ term: UnsafeBufferPointer<UInt8>, side: Int32) {
        let n = term.count
        (head, tail) = n == 0 ? (0, 0) : Self.words(term)
        lengthAndSide = UInt32(n) << 1 | UInt32(side & 1)
        hash = TermHash.hash(term, head: head, tail: tail, lengthAndSide: lengthAndSide)
    }

    /// A term's first 16 bytes as two words (zero past its end).
    @inline(__always)
    static func words(_ term: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        // Loads that stay inside the term, overlapping where it is short (a memcpy of a
        // variable length was a library call for every term of every unit). As memcpy into
        // zeroed words would give them, on a little-endian machine.
        let n = term.count
        let p = UnsafeRawPointer(term.baseAddress!)
        func load64(_ at: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        func load32(_ at: Int) -> UInt64 { UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: at, as: UInt32.self))) }
        switch n {
        case 16...: return (load64(0), load64(8))
        case 9..<16: return (load64(0), load64(n - 8) >> UInt64(8 * (16 - n)))
        case 8: return (load64(0), 0)
        case 4..<8: return (load32(0) | (load32(n - 4) >> UInt64(8 * (8 - n))) << 32, 0)
        default:
            var w: UInt64 = 0
            for i in 0..<n { w |= UInt64(term[i]) << UInt64(8 * i) }
            return (w, 0)
        }
    }
}

/// The hash a term is filed under and its first slot in a table, and the terms of a
/// space-separated list. In memory only (never stored).
enum TermHash {
    @inline(__always)
    static func slot(_ h: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: h ^ (h >> 29)) & mask }

    /// A word at a time: the term's first 16 bytes (`head`, `tail`) and length and side, then
    /// its further bytes 8 at a time, mixed (FNV-1a, byte by byte, had been a chain of
    /// multiplies for every byte of every term of every unit).
    @inline(__always)
    static func hash(_ term: UnsafeBufferPointer<UInt8>, head: UInt64, tail: UInt64, lengthAndSide: UInt32) -> UInt64 {
        var h = (head &* 0x9E37_79B9_7F4A_7C15) ^ ((tail ^ UInt64(lengthAndSide) << 48) &* 0xC2B2_AE3D_27D4_EB4F)
        let n = term.count
        if n > 16 {
            let p = UnsafeRawPointer(term.baseAddress!)
            var i = 16
            while i < n {
                let w = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: min(i, n - 8), as: UInt64.self))
                h = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 29
                i += 8
            }
        }
        h ^= h >> 32
        h &*= 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return h
    }

    /// Each term of a space-separated list.
    ///
    /// Spaces are found eight bytes at a time: a word's bytes equal to 0x20 become its set high
    /// bits. (Scanned byte by byte, the grouping of a batch's terms took 27% more instructions.)
    @inline(__always)
    static func forEachTerm(_ b: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base = b.baseAddress else { return }
        let raw = UnsafeRawPointer(base)
        var from = 0, i = 0
        while i + 8 <= b.count {
            // Zero bytes of w ^ 0x2020...: exact, with no false hits (the carry-free form).
            let x = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ 0x2020_2020_2020_2020
            var spaces = ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x | 0x7F7F_7F7F_7F7F_7F7F)
            while spaces != 0 {
                let at = i + spaces.trailingZeroBitCount >> 3
                if at > from { body(UnsafeBufferPointer(start: base + from, count: at - from)) }
                from = at + 1
                spaces &= spaces &- 1
            }
            i += 8
        }
        while i < b.count {
            if b[i] == 0x20 {
                if i > from { body(UnsafeBufferPointer(start: base + from, count: i - from)) }
                from = i + 1
            }
            i += 1
        }
        if b.count > from { body(UnsafeBufferPointer(start: base + from, count: b.count - from)) }
    }
}

/// Terms and the ids of the units holding them, gathered in memory while units are written and
/// flushed to the term index in one pass per term.
///
/// Terms are filed in a `TermTable`, each with its growing posting list already in stored
/// form: adding a unit's dozen terms costs a hash and a few byte appends each, with no string
/// made.
struct PostingAccumulator {
    /// A term's list so far: its last id and how many it holds.
    private struct Tail {
        var last: Int64 = 0
        var count: Int32 = 0
    }
    /// A term's row in the `term` table once a flush has written it: later flushes of the same
    /// import update it by id (a failed insert, then an update by text, cost two statements per
    /// term and flush). `id` 0: not known yet.
    private struct Row {
        var id: Int64 = 0
        var blocks: Int64 = 0
        var nextBlock: Int64 = 0
    }
    private var table = TermTable()
    private var tails: [Tail] = []
    private var lists: [[UInt8]] = []
    private var rows: [Row] = []
    /// Whether any list holds ids not yet written.
    private var pending = false
    /// Bytes held, roughly (arena, lists and per-term bookkeeping), for flushing on a budget.
    private(set) var bytes = 0

    var isEmpty: Bool { !pending }

    /// Bytes the terms alone keep (their text and bookkeeping), whatever the lists hold.
    private var termBytes: Int { table.withArena { $0.count } + table.count * 64 }

    /// Adds unit `id` to the list of each term in `terms` (space-separated); ids must come in
    /// ascending order.
    mutating func add(_ id: Int64, terms: String, side: Int) {
        add(id, terms: Array(terms.utf8), side: side)
    }

    mutating func add(_ id: Int64, terms: [UInt8], side: Int) {
        terms.withUnsafeBufferPointer { b in
            TermHash.forEachTerm(b) { term in append(id, to: entry(term, TermKey(term, side: Int32(side)))) }
        }
    }

    /// Adds a written batch: `ids[k]` is the id the batch's unit `k` was given, or 0 when it
    /// was a duplicate and not stored.
    ///
    /// When unit k got `base + k` (as `Memory.insert` gives them), a term's list from its second
    /// id on is the deltas coded during preparation, copied; only the terms of duplicates are
    /// added id by id.
    mutating func add(_ batch: BatchPostings, ids: [Int64]) {
        let base = ids.firstIndex(where: { $0 > 0 }).map { ids[$0] - Int64($0) } ?? 0
        let byOffset = base > 0 && ids.indices.allSatisfy { ids[$0] == 0 || ids[$0] == base + Int64($0) }
        var perID = [Bool](repeating: !byOffset, count: batch.table.count)
        if byOffset {
            for k in ids.indices where ids[k] == 0 {
                for u in Int(batch.unitStart[k])..<Int(batch.unitStart[k + 1]) { perID[Int(batch.unitTerms[u])] = true }
            }
        }
        // Each batch term's entry first (new terms filed), its table slot asked for a few
        // terms ahead (`prefetch`: the slots' cache misses overlap).
        let terms = batch.table.terms
        var entries = [Int](repeating: 0, count: terms.count)
        batch.table.withArena { a in
            for (t, term) in terms.enumerated() {
                if t + 8 < terms.count { table.prefetch(terms[t + 8].hash) }
                let text = batch.table.text(t, in: a)
                entries[t] = entry(text, TermKey(text, side: term.side))
            }
        }
        // Then the lists, through their buffers (no entry is added here), each term's list and
        // tail asked for ahead too.
        var added = 0
        var any = false
        batch.members.withUnsafeBufferPointer { members in
          batch.deltas.withUnsafeBufferPointer { deltas in
            ids.withUnsafeBufferPointer { ids in
              tails.withUnsafeMutableBufferPointer { tails in
                lists.withUnsafeMutableBufferPointer { lists in
                    for t in terms.indices {
                        if t + 8 < terms.count {
                            tj_prefetch(tails.baseAddress! + entries[t + 8])
                            tj_prefetch(lists.baseAddress! + entries[t + 8])
                        }
                        let e = entries[t]
                        let lo = Int(batch.memberStart[t]), hi = Int(batch.memberStart[t + 1])
                        let before = lists[e].capacity
                        if perID[t] {
                            for m in lo..<hi {
                                let id = ids[Int(members[m])]
                                // A term twice in one unit is one posting.
                                guard id > 0, id != tails[e].last else { continue }
                                PostingList.append(UInt64(id - tails[e].last), to: &lists[e])
                                tails[e].last = id
                                tails[e].count += 1
                                any = true
                            }
                        } else {
                            let first = base + Int64(members[lo])
                            PostingList.append(UInt64(first - tails[e].last), to: &lists[e])
                            lists[e].append(contentsOf: UnsafeBufferPointer(rebasing: deltas[Int(batch.deltaStart[t])..<Int(batch.deltaStart[t + 1])]))
                            tails[e].last = base + Int64(members[hi - 1])
                            tails[e].count += Int32(hi - lo)
                            any = true
                        }
                        added += lists[e].capacity - before   // what the lists hold, growth included
                    }
                }
              }
            }
          }
        }
        bytes += added
        if any { pending = true }
    }

    @inline(__always)
    private mutating func append(_ id: Int64, to e: Int) {
        let last = tails[e].last
        guard last != id else { return }   // a term twice in one unit is one posting
        let before = lists[e].capacity
        PostingList.append(UInt64(id - last), to: &lists[e])
        bytes += lists[e].capacity - before   // what the list holds, growth included
        tails[e].last = id
        tails[e].count += 1
        pending = true
    }

    /// The entry of a term, made (with an empty list) when it is new.
    private mutating func entry(_ term: UnsafeBufferPointer<UInt8>, _ key: TermKey) -> Int {
        let (e, isNew) = table.index(of: term, key)
        if isNew {
            var list: [UInt8] = []
            list.reserveCapacity(8)
            bytes += term.count + list.capacity + 96
            lists.append(list)
            tails.append(Tail())
            rows.append(Row())
        }
        return e
    }

    /// Writes lists once they hold more than `budget` bytes (an import's bound on memory): the
    /// largest first, until what stays holds half of it. Frequent terms hold most of the
    /// bytes, so a few thousand lists go out, not every term's: writing all 60,000 terms of a
    /// million-unit import at each of its four flushes (two statements a term) had stalled
    /// the writer for half a second each time, and the rarer terms now go out once, at the
    /// end. When the terms alone fill half the budget, everything is written (`flush`).
    mutating func flush(into db: Database, over budget: Int) throws {
        guard pending, bytes > budget else { return }
        if termBytes * 2 > budget {
            try flush(into: db, keep: budget)
            return
        }
        let candidates = (0..<tails.count).filter { tails[$0].count > 0 }.sorted { lists[$0].capacity > lists[$1].capacity }
        // What stays is the terms' bookkeeping and the lists not written: together half the budget.
        var listBytes = candidates.reduce(0) { $0 + lists[$1].capacity }
        let room = max(0, budget / 2 - (bytes - listBytes))
        var chosen: [Int] = []
        for e in candidates {
            if listBytes <= room { break }
            chosen.append(e)
            listBytes -= lists[e].capacity
        }
        try write(chosen, into: db)
        pending = chosen.count < candidates.count
    }

    /// Writes every term's list as a new block, merges blocks where a term has too many, and
    /// empties the lists. The terms stay filed with their rows, unless they alone fill half of
    /// `keep`.
    mutating func flush(into db: Database, keep: Int = Memory.postingBudget) throws {
        guard pending else { return }
        try write((0..<tails.count).filter { tails[$0].count > 0 }, into: db)
        pending = false
        if termBytes * 2 > keep {
            self = PostingAccumulator()
        }
    }

    /// Writes the lists of `entries` as new blocks (terms by side and in byte order, so a new
    /// memory's term index grows at its end), merges blocks where a term has too many, and
    /// empties those lists.
    private mutating func write(_ entries: [Int], into db: Database) throws {
        let terms = table.terms
        // Byte order by memcmp: the generic `lexicographicallyPrecedes` had made this sort a
        // tenth of a flush.
        let order = terms.withUnsafeBufferPointer { terms in
            table.withArena { a in
                entries.sorted { x, y in
                    let tx = terms[x], ty = terms[y]
                    if tx.side != ty.side { return tx.side < ty.side }
                    let nx = Int(tx.end - tx.start), ny = Int(ty.end - ty.start)
                    let c = memcmp(a.baseAddress! + Int(tx.start), a.baseAddress! + Int(ty.start), min(nx, ny))
                    return c != 0 ? c < 0 : nx < ny
                }
            }
        }
        // A new term is inserted, a known one updated: one statement writing two b-trees that
        // may fail (an upsert) made SQLite keep a statement journal, two 16 KB page images per
        // term, more bytes than the memory file itself.
        var insertTerm = RowWriter(try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO term(side, text, units, blocks, next_block) VALUES (?, ?, ?, 1, 1)
            """), in: db)
        var updateTerm = RowWriter(try db.cachedStatement(sql: """
            UPDATE term SET units = units + ?, blocks = blocks + 1, next_block = next_block + 1
            WHERE side = ? AND text = ? RETURNING id, blocks, next_block - 1
            """), in: db)
        var updateTermByID = RowWriter(try db.cachedStatement(sql: """
            UPDATE term SET units = units + ?, blocks = blocks + 1, next_block = next_block + 1 WHERE id = ?
            """), in: db)
        var insert = RowWriter(try db.cachedStatement(sql: "INSERT INTO posting(term, block, ids) VALUES (?, ?, ?)"), in: db)
        var crowded: [Int] = []
        try table.withArena { a in
            for e in order {
                let text = table.text(e, in: a)
                var row = rows[e]
                let block: Int64
                if row.id > 0 {
                    updateTermByID.int(Int64(tails[e].count)); updateTermByID.int(row.id)
                    try updateTermByID.run()
                    block = row.nextBlock
                    row.blocks += 1
                    row.nextBlock += 1
                } else {
                    insertTerm.int(Int64(terms[e].side)); insertTerm.text(bytes: text); insertTerm.int(Int64(tails[e].count))
                    try insertTerm.run()
                    if insertTerm.changes == 1 {
                        // A new term's first block is 0; `next_block` is the number the next one takes.
                        row = Row(id: insertTerm.lastRowID, blocks: 1, nextBlock: 1)
                        block = 0
                    } else {
                        updateTerm.int(Int64(tails[e].count)); updateTerm.int(Int64(terms[e].side)); updateTerm.text(bytes: text)
                        let r = try updateTerm.runReturning(columns: 3)
                        row = Row(id: r[0], blocks: r[1], nextBlock: r[2] + 1)
                        block = r[2]
                    }
                }
                insert.int(row.id); insert.int(block)
                try lists[e].withUnsafeBufferPointer { insert.blob(bytes: $0); try insert.run() }
                if row.blocks > Int64(TermIndex.compactAfter) { crowded.append(e) }
                rows[e] = row
            }
        }
        for e in crowded {
            try TermIndex.compact(term: rows[e].id, in: db)
            rows[e] = Row()   // its block count changed: read again when next written
        }
        for e in order {
            bytes -= lists[e].capacity
            lists[e] = []
            tails[e] = Tail()
        }
    }
}

/// A `PostingAccumulator` filled on a thread of its own, one batch behind the writer: batch k's
/// terms are added while the writer inserts batch k + 1 (the adds, a hash lookup and a list
/// append per term and batch, had been a third of the writer's time on a million units).
///
/// The accumulator is the indexer's alone while an add runs; `withAccumulator` waits for it,
/// so flushes (which need the writer's connection) run on the writer's thread.
final class PostingIndexer: @unchecked Sendable {
    private var accumulator = PostingAccumulator()
    private let queue = DispatchQueue(label: "tarjama.posting-indexer")
    private let pending = DispatchGroup()
    private let clock: StageClock?

    init(clock: StageClock? = nil) {
        self.clock = clock
    }

    deinit { pending.wait() }

    /// Adds a written batch (`PostingAccumulator.add`) without waiting.
    func add(_ batch: BatchPostings, ids: [Int64]) {
        queue.async(group: pending) { self.clock.measure(.indexing) { self.accumulator.add(batch, ids: ids) } }
    }

    /// Waits until every batch handed in is added, then lends the accumulator to `body`.
    func withAccumulator<R>(_ body: (inout PostingAccumulator) throws -> R) rethrows -> R {
        pending.wait()
        return try body(&accumulator)
    }
}
