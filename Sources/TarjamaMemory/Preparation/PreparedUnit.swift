import Foundation
import TarjamaText

/// What a draft's text gives: matching key and hashes, index terms and length, stored tokens,
/// properties as JSON. Pure work with no database, so importers prepare the next batch on the
/// other cores while the current one is written.
package struct PreparedUnit: Sendable {
    package let keyHash: Int64
    package let pairHash: Int64
    package let previousHash: Int64?
    package let nextHash: Int64?
    /// Index terms (UTF-8, space-separated: `MatchTokens.terms`), the target's words for target
    /// concordance (`SearchWords`, space-separated) and the stored tokens, as ranges of the
    /// batch's bytes (`PreparedUnits`): three arrays a unit, made and freed, had been a tenth
    /// of preparing it.
    private(set) var terms: Range<Int32>
    private(set) var targetWords: Range<Int32>
    private(set) var tokens: Range<Int32>
    package let length: Int
    package let properties: String
    package let notes: String

    /// Read in place through a pointer, not copied: a copy of a draft retains and releases its
    /// dozen strings, which had been a tenth of preparing a batch. The draft is lent `inout`
    /// from its address and never written: a `borrowing` parameter still got a whole copy from
    /// the buffer's subscript or the pointer's `pointee` getter (0.7% of an import's
    /// instructions). Threads preparing one batch read distinct drafts.
    package init(_ draft: UnsafePointer<UnitDraft>, appendingTo bytes: inout [UInt8]) {
        self.init(fields: &UnsafeMutablePointer(mutating: draft).pointee, appendingTo: &bytes)
    }

    private init(fields d: inout UnitDraft, appendingTo bytes: inout [UInt8]) {
        let stored = MatchTokens.storedForm(d.source, appendingTo: &bytes)
        keyHash = SegmentKey.hash(utf8: stored.key)
        pairHash = SegmentKey.pairHash(source: d.source, target: d.target)
        previousHash = d.previousSource.map(SegmentKey.keyHash) ?? d.previousHash
        nextHash = d.nextSource.map(SegmentKey.keyHash) ?? d.nextHash
        terms = Int32(stored.terms.lowerBound)..<Int32(stored.terms.upperBound)
        let words = SearchWords.joined(d.target, appendingTo: &bytes)
        targetWords = Int32(words.lowerBound)..<Int32(words.upperBound)
        length = stored.length
        tokens = Int32(stored.tokens.lowerBound)..<Int32(stored.tokens.upperBound)
        properties = JSONText.object(d.properties)
        notes = JSONText.array(d.notes)
    }

    /// The ranges moved by `offset` (a thread's bytes appended after another's).
    package mutating func shift(by offset: Int32) {
        terms = (terms.lowerBound + offset)..<(terms.upperBound + offset)
        targetWords = (targetWords.lowerBound + offset)..<(targetWords.upperBound + offset)
        tokens = (tokens.lowerBound + offset)..<(tokens.upperBound + offset)
    }

    /// Prepares a batch on all cores, in order, with its terms grouped for the index.
    package static func prepare(_ drafts: [UnitDraft], clock: StageClock? = nil) -> PreparedBatch {
        PreparedBatch(drafts, prepareUnits(drafts, clock: clock), clock: clock)
    }

    private static func prepareUnits(_ drafts: [UnitDraft], clock: StageClock?) -> PreparedUnits {
        let workers = drafts.count < 256 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        let count = drafts.count
        let slots = Slots<PreparedUnit>(count: count), parts = Slots<[UInt8]>(count: workers)
        // Each thread's units into bytes of its own, joined afterwards.
        @Sendable func prepare(_ w: Int) {
            let mine = share(w, of: count, workers: workers)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(mine.count * 400)
            clock.measure(.preparing) {
                drafts.withUnsafeBufferPointer { d in
                    for k in mine { slots.set(k, PreparedUnit(d.baseAddress! + k, appendingTo: &bytes)) }
                }
            }
            parts.set(w, bytes)
        }
        if workers == 1 { prepare(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: prepare) }
        var units = slots.takeValues()
        let pieces = parts.takeValues()
        var bytes = pieces.first ?? []
        for w in pieces.indices.dropFirst() {
            let offset = Int32(bytes.count)
            for k in share(w, of: count, workers: workers) { units[k].shift(by: offset) }
            bytes.append(contentsOf: pieces[w])
        }
        return PreparedUnits(units: units, bytes: bytes)
    }

    /// Worker `w`'s drafts of `count`, in chunks of equal size: empty for the last workers when
    /// there are more workers than chunks (300 drafts on 64 cores: chunks of 5, 60 workers).
    package static func share(_ w: Int, of count: Int, workers: Int) -> Range<Int> {
        let chunk = (count + workers - 1) / max(workers, 1)
        return min(count, w * chunk)..<min(count, (w + 1) * chunk)
    }
}

/// A batch's prepared units and the bytes their terms, target words and stored tokens are
/// ranges of.
package struct PreparedUnits: Sendable {
    package let units: [PreparedUnit]
    package let bytes: [UInt8]

    /// A unit's range of `bytes`, lent as `b`.
    package func slice(_ r: Range<Int32>, of b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: b[Int(r.lowerBound)..<Int(r.upperBound)])
    }
}
