import Foundation

/// A posting list's stored form: ascending ids as variable-length deltas (7 bits a byte, high
/// bit set on all but a number's last byte), the first from zero.
package enum PostingList {
    package static func encode(_ ids: [Int64]) -> [UInt8] {
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
    package static func ascending(_ ids: [Int64]) -> [Int64] {
        zip(ids, ids.dropFirst()).contains(where: { $0 >= $1 }) ? Array(Set(ids)).sorted() : ids
    }

    /// Writes one value at `out[w...]` (room for ten bytes), for coding into a buffer.
    @inline(__always)
    package static func write(_ value: UInt64, to out: UnsafeMutableBufferPointer<UInt8>, at w: inout Int) {
        var v = value
        while v >= 0x80 { out[w] = UInt8(v & 0x7F) | 0x80; w += 1; v >>= 7 }
        out[w] = UInt8(v)
        w += 1
    }

    @inline(__always)
    package static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Appends the ids of one stored list to `ids`. Damaged bytes give wrong ids, never a trap
    /// (wrapping arithmetic): `memory check --deep` reports them and `memory reindex` mends them.
    package static func decode(_ b: UnsafeBufferPointer<UInt8>, into ids: inout [Int64]) {
        var previous: Int64 = 0
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in b {
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 != 0 { shift += 7; continue }
            previous &+= Int64(bitPattern: value)
            ids.append(previous)
            value = 0
            shift = 0
        }
    }

    /// What taking `id` out of a stored block leaves: nil when the block does not hold it, an
    /// empty array when it held only `id` (the block goes), else the block's new bytes. The one
    /// edit every store makes when a unit is deleted.
    package static func removing(_ id: Int64, from block: [UInt8]) -> [UInt8]? {
        var ids: [Int64] = []
        block.withUnsafeBufferPointer { decode($0, into: &ids) }
        guard let k = ids.firstIndex(of: id) else { return nil }
        ids.remove(at: k)
        return ids.isEmpty ? [] : encode(ids)
    }
}
