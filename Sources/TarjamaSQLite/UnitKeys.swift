import Foundation
import GRDB

/// The (source hash, pair hash) keys of a memory's units, held in memory while a large import
/// writes without the unique index `unit_pair`, which is built again, sorted, when it ends.
///
/// Kept up unit by unit, that index is a b-tree of random keys: every insert lands on a page of
/// its own, and on a million-unit import it was a third of the writer's time (2.5 s of 7.5 s
/// here); SQLite builds the same index from sorted keys in under a second. Duplicates are found
/// here instead: a 64-bit fingerprint of the two hashes per unit, confirmed on the unit's row
/// when it matches, so the answer is the index's, exactly.
///
/// 24 bytes a unit; past `limit` units the import builds the index and goes on without it.
/// ```swift
/// var keys = try UnitKeys.loading(from: db)       // the memory's units, from the index
/// if keys.mayHold(sourceHash, pairHash), let id = try keys.find(sourceHash, pairHash, in: db) { /* a duplicate of unit id */ }
/// keys.add(sourceHash, pairHash, id: newID)
/// ```
struct UnitKeys {
    /// Units held before the import gives the index back to SQLite (about 48 MB).
    static let limit = 2_000_000

    private var fingerprints: [UInt64] = []
    private var ids: [Int64] = []
    /// Open addressing over entry numbers (-1 for an empty slot), at most half full.
    private var slots: [Int32]

    init(capacity: Int = 1 << 16) {
        slots = [Int32](repeating: -1, count: Self.slotCount(for: capacity))
        fingerprints.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
    }

    var count: Int { ids.count }
    var isFull: Bool { count >= Self.limit }

    /// The keys of every unit already in the memory, read from the unique index, with room for
    /// `capacity` in all.
    static func loading(from db: Database, capacity: Int) throws -> UnitKeys {
        var keys = UnitKeys(capacity: capacity)
        let rows = try Row.fetchCursor(db, sql: "SELECT source_hash, pair_hash, id FROM unit INDEXED BY unit_pair")
        while let row = try rows.next() { keys.add(row[0], row[1], id: row[2]) }
        return keys
    }

    /// Whether a unit with these hashes may be held: a fingerprint matches (nearly always a
    /// duplicate; `find` confirms it on the unit's row). No database access: a caller holding
    /// rows back writes them before `find` reads the unit table.
    func mayHold(_ sourceHash: Int64, _ pairHash: Int64) -> Bool {
        let f = Self.fingerprint(sourceHash, pairHash)
        let mask = slots.count - 1
        var s = Self.slot(f, mask)
        while slots[s] >= 0 {
            if fingerprints[Int(slots[s])] == f { return true }
            s = (s + 1) & mask
        }
        return false
    }

    /// The id of the unit with these hashes, or nil.
    func find(_ sourceHash: Int64, _ pairHash: Int64, in db: Database) throws -> Int64? {
        let f = Self.fingerprint(sourceHash, pairHash)
        let mask = slots.count - 1
        var s = Self.slot(f, mask)
        while slots[s] >= 0 {
            let e = Int(slots[s])
            // A fingerprint match is confirmed on the row (two keys may share 64 bits).
            if fingerprints[e] == f, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT source_hash, pair_hash FROM unit WHERE id = ?"),
                                                                 arguments: [ids[e]]),
               row[0] as Int64 == sourceHash, row[1] as Int64 == pairHash {
                return ids[e]
            }
            s = (s + 1) & mask
        }
        return nil
    }

    mutating func add(_ sourceHash: Int64, _ pairHash: Int64, id: Int64) {
        if (count + 1) * 2 > slots.count { grow() }
        let f = Self.fingerprint(sourceHash, pairHash)
        let mask = slots.count - 1
        var s = Self.slot(f, mask)
        while slots[s] >= 0 { s = (s + 1) & mask }
        slots[s] = Int32(count)
        fingerprints.append(f)
        ids.append(id)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (e, f) in fingerprints.enumerated() {
            var s = Self.slot(f, mask)
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(e)
        }
    }

    private static func slotCount(for capacity: Int) -> Int {
        var n = 1 << 10
        while n < capacity * 2 { n <<= 1 }
        return n
    }

    @inline(__always)
    private static func fingerprint(_ sourceHash: Int64, _ pairHash: Int64) -> UInt64 {
        var h = UInt64(bitPattern: sourceHash) &* 0x9E3779B97F4A7C15 ^ UInt64(bitPattern: pairHash)
        h ^= h >> 31
        return h &* 0xBF58476D1CE4E5B9
    }

    @inline(__always)
    private static func slot(_ f: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: f ^ (f >> 32)) & mask }
}
