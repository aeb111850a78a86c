import Foundation

/// A batch's index terms grouped by term: each distinct term once, with the positions in the
/// batch of the units holding it, ascending. Built beside the preparation, off the writer's
/// thread, so the writer looks a term up once per batch instead of once per unit (those
/// lookups, each a cache miss in a large table, were the writer's biggest cost after SQLite).
public struct BatchPostings: Sendable {
    package private(set) var table: TermTable
    /// Term `t`'s units are `members[memberStart[t]..<memberStart[t + 1]]`.
    package private(set) var memberStart: [Int32] = []
    package private(set) var members: [Int32] = []
    /// Term `t`'s units after its first as the posting list's deltas (`PostingList`), in
    /// `deltas[deltaStart[t]..<deltaStart[t + 1]]`: when the batch's units get consecutive ids,
    /// as they do unless some were duplicates, the list's bytes from the second id on are these,
    /// and the writer copies them instead of coding each id.
    package private(set) var deltaStart: [Int32] = []
    package private(set) var deltas: [UInt8] = []
    /// Unit k's terms are `unitTerms[unitStart[k]..<unitStart[k + 1]]` (the terms whose lists a
    /// duplicate, written nowhere, would have been in).
    package private(set) var unitStart: [Int32] = []
    package private(set) var unitTerms: [Int32] = []

    package init(_ prepared: PreparedUnits) {
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
                    for side: Int32 in 0...1 {
                        do {
                            let b = prepared.slice(side == 0 ? units[k].terms : units[k].targetWords, of: bytes)
                            TermHash.forEachTerm(b) { term in
                                let (t, isNew) = table.index(of: term, TermKey(term, side: side))
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

extension BatchPostings {
    /// The index terms of the batch's unit `k`, by side (sources' stems and targets' words):
    /// what a store that indexes unit by unit writes.
    package func terms(ofUnit k: Int) -> [(side: UnitSide, text: String)] {
        table.withArena { a in
            unitTerms[Int(unitStart[k])..<Int(unitStart[k + 1])].map { t in
                (table.terms[Int(t)].side == 0 ? .source : .target, String(decoding: table.text(Int(t), in: a), as: UTF8.self))
            }
        }
    }
}
