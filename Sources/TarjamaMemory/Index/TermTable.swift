import CMemoryHints
import Foundation

/// Distinct terms, each filed once: their bytes back to back in one arena behind an
/// open-addressing table keyed by (side, bytes). The one term table behind a batch's grouping
/// and an import's posting lists.
package struct TermTable: Sendable {
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

    package init(capacity: Int = 2_048) {
        slots = [Slot](repeating: Slot(), count: 1 << max(10, Int.bitWidth - (capacity * 2).leadingZeroBitCount))
    }

    package var count: Int { terms.count }

    /// The index of a term, filed when it is new.
    package mutating func index(of term: UnsafeBufferPointer<UInt8>, _ key: TermKey) -> (index: Int, isNew: Bool) {
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
    /// cache misses; asking a few terms ahead overlaps them (PERFORMANCE.md). The batch's own
    /// grouping does not ask: its table is smaller and the hashing between lookups already
    /// hides part of each miss.
    @inline(__always)
    package func prefetch(_ hash: UInt64) {
        slots.withUnsafeBufferPointer { slots in
            if !slots.isEmpty { tj_prefetch(slots.baseAddress! + TermHash.slot(hash, slots.count - 1)) }
        }
    }

    /// Gives up the lookup slots, keeping the terms; `index(of:)` must not be called again. A
    /// batch's grouped terms are read in order, never looked up, and their slots (1 MB a
    /// batch) had stayed in memory with it.
    package mutating func dropLookup() {
        slots = []
    }

    /// Calls `body` with the arena's bytes; `text(_:in:)` cuts a term out of them.
    package func withArena<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try arena.withUnsafeBufferPointer(body)
    }

    package func text(_ t: Int, in arena: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: arena[Int(terms[t].start)..<Int(terms[t].end)])
    }
}

/// What a term is looked up by: its hash, side and length, and its first 16 bytes as two
/// words (zero past its end), computed once per term.
package struct TermKey {
    package let hash: UInt64
    package let head: UInt64
    package let tail: UInt64
    /// The term's length, doubled, plus its side (0 or 1).
    package let lengthAndSide: UInt32

    package var side: Int32 { Int32(lengthAndSide & 1) }

    @inline(__always)
    package init(_ term: UnsafeBufferPointer<UInt8>, side: Int32) {
        let n = term.count
        (head, tail) = n == 0 ? (0, 0) : Self.words(term)
        lengthAndSide = UInt32(n) << 1 | UInt32(side & 1)
        hash = TermHash.hash(term, head: head, tail: tail, lengthAndSide: lengthAndSide)
    }

    /// A term's first 16 bytes as two words (zero past its end).
    @inline(__always)
    package static func words(_ term: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
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
package enum TermHash {
    @inline(__always)
    package static func slot(_ h: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: h ^ (h >> 29)) & mask }

    /// A word at a time: the term's first 16 bytes (`head`, `tail`) and length and side, then
    /// its further bytes 8 at a time, mixed (FNV-1a, byte by byte, had been a chain of
    /// multiplies for every byte of every term of every unit).
    @inline(__always)
    package static func hash(_ term: UnsafeBufferPointer<UInt8>, head: UInt64, tail: UInt64, lengthAndSide: UInt32) -> UInt64 {
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
    package static func forEachTerm(_ b: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
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
