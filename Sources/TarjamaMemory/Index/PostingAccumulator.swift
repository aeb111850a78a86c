import CMemoryHints
import Foundation

/// Terms and the ids of the units holding them, gathered in memory while units are written and
/// flushed to the term index in one pass per term.
///
/// Terms are filed in a `TermTable`, each with its growing posting list already in stored
/// form: adding a unit's dozen terms costs a hash and a few byte appends each, with no string
/// made.
package struct PostingAccumulator {
    /// A term's list so far: its last id and how many it holds.
    private struct Tail {
        var last: Int64 = 0
        var count: Int32 = 0
    }
    private var table = TermTable()
    private var tails: [Tail] = []
    private var lists: [[UInt8]] = []
    /// Each term's handle in the store, kept across flushes (`PostingSink`).
    private var handles: [PostingHandle] = []
    /// Whether any list holds ids not yet written.
    private var pending = false
    /// Bytes held, roughly (arena, lists and per-term bookkeeping), for flushing on a budget.
    private(set) var bytes = 0

    package init() {}

    /// Bytes of lists an import gathers before writing them, counted by the lists' capacity:
    /// a million-unit import of news sentences writes each term's list in a few blocks and
    /// stays well under its 200 MB bar.
    package static let budget = 24 << 20

    package var isEmpty: Bool { !pending }

    /// Bytes the terms alone keep (their text and bookkeeping), whatever the lists hold.
    private var termBytes: Int { table.withArena { $0.count } + table.count * 64 }

    /// Adds unit `id` to the list of each term in `terms` (space-separated); ids must come in
    /// ascending order.
    package mutating func add(_ id: Int64, terms: String, side: UnitSide) {
        add(id, terms: Array(terms.utf8), side: side)
    }

    package mutating func add(_ id: Int64, terms: [UInt8], side: UnitSide) {
        terms.withUnsafeBufferPointer { b in
            TermHash.forEachTerm(b) { term in append(id, to: entry(term, TermKey(term, side: side == .source ? 0 : 1))) }
        }
    }

    /// Adds a written batch: `ids[k]` is the id the batch's unit `k` was given, or 0 when it
    /// was a duplicate and not stored.
    ///
    /// When unit k got `base + k` (as stores give them: ascending in batch order), a term's list from its second
    /// id on is the deltas coded during preparation, copied; only the terms of duplicates are
    /// added id by id.
    package mutating func add(_ batch: BatchPostings, ids: [Int64]) {
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
            handles.append(PostingHandle())
        }
        return e
    }

    /// Writes lists once they hold more than `budget` bytes (an import's bound on memory): the
    /// largest first, until what stays holds half of it. Frequent terms hold most of the
    /// bytes, so a few thousand lists go out, not every term's: writing all 60,000 terms of a
    /// million-unit import at each of its four flushes (two statements a term) had stalled
    /// the writer for half a second each time, and the rarer terms now go out once, at the
    /// end. When the terms alone fill half the budget, everything is written (`flush`).
    package mutating func flush(into sink: inout some PostingSink, over budget: Int) throws {
        guard pending, bytes > budget else { return }
        if termBytes * 2 > budget {
            try flush(into: &sink, keep: budget)
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
        try write(chosen, into: &sink)
        pending = chosen.count < candidates.count
    }

    /// Writes every term's list as a new block, merges blocks where a term has too many, and
    /// empties the lists. The terms stay filed with their rows, unless they alone fill half of
    /// `keep`.
    package mutating func flush(into sink: inout some PostingSink, keep: Int = Self.budget) throws {
        guard pending else { return }
        try write((0..<tails.count).filter { tails[$0].count > 0 }, into: &sink)
        pending = false
        if termBytes * 2 > keep {
            self = PostingAccumulator()
        }
    }

    /// Writes the lists of `entries` as new blocks through `sink` (terms by side and in byte
    /// order, so a new memory's term index grows at its end), lets it merge the blocks of
    /// terms that have too many, and empties those lists.
    private mutating func write(_ entries: [Int], into sink: inout some PostingSink) throws {
        let terms = table.terms
        // Byte order by memcmp: the generic `lexicographicallyPrecedes` is several times slower.
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
        var crowded: [Int] = []
        try table.withArena { a in
            for e in order {
                let text = table.text(e, in: a)
                let side: UnitSide = terms[e].side == 0 ? .source : .target
                try lists[e].withUnsafeBufferPointer { list in
                    if try sink.append(list, units: Int(tails[e].count), to: text, side: side, handle: &handles[e]) {
                        crowded.append(e)
                    }
                }
            }
        }
        try sink.finish()
        for e in crowded {
            try sink.compact(handles[e])
            handles[e] = PostingHandle()   // its block count changed: asked again when next written
        }
        for e in order {
            bytes -= lists[e].capacity
            lists[e] = []
            tails[e] = Tail()
        }
    }
}

/// What a store remembers about a term it has written, for the next flush of the same import
/// (SQLite: the term's row id, its block count and next block number), so a later block
/// goes in without looking the term up again. All zero: not known yet.
package struct PostingHandle: Sendable {
    package var id: Int64 = 0
    package var blocks: Int64 = 0
    package var nextBlock: Int64 = 0
    package init(id: Int64 = 0, blocks: Int64 = 0, nextBlock: Int64 = 0) {
        self.id = id; self.blocks = blocks; self.nextBlock = nextBlock
    }
}

/// Where a `PostingAccumulator` writes its lists: a store's term index.
package protocol PostingSink {
    /// Appends `list` (ids in `PostingList` form, the first coded from zero) as a new block of
    /// `term`'s postings on `side`, adding `units` to its document frequency; returns whether
    /// the term now has more blocks than reads should go through (`compact` is then called).
    mutating func append(_ list: UnsafeBufferPointer<UInt8>, units: Int, to term: UnsafeBufferPointer<UInt8>,
                         side: UnitSide, handle: inout PostingHandle) throws -> Bool
    /// Merges the newest blocks of the term behind `handle`.
    mutating func compact(_ handle: PostingHandle) throws
    /// Called after a flush's last `append`, before any `compact`: a sink that gathers its
    /// appends writes them here (PostgreSQL sends a flush's blocks in one `COPY`).
    mutating func finish() throws
}

extension PostingSink {
    package mutating func finish() throws {}
}
