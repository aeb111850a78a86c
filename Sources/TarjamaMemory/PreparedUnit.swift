import Foundation
import TarjamaText

/// A draft with everything derived from its text: matching key and hashes, index terms and
/// length, properties as JSON. Pure work with no database, so importers prepare the next batch on
/// the other cores while the current one is written.
struct PreparedUnit: Sendable {
    let draft: UnitDraft
    let key: String
    let keyHash: Int64
    let pairHash: Int64
    let previousHash: Int64?
    let nextHash: Int64?
    let terms: String
    let length: Int
    let tokens: Data
    let properties: String
    let notes: String

    init(_ d: UnitDraft) {
        draft = d
        key = SegmentKey.key(d.source)
        keyHash = SegmentKey.hash(key)
        pairHash = SegmentKey.hash(d.source + "\u{0}" + d.target)
        previousHash = d.previousSource.map(SegmentKey.keyHash) ?? d.previousHash
        nextHash = d.nextSource.map(SegmentKey.keyHash) ?? d.nextHash
        let matchTokens = MatchTokens.tokens(d.source)
        (terms, length) = MatchTokens.terms(matchTokens)
        tokens = Data(MatchTokens.encode(matchTokens))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        properties = d.properties.isEmpty ? "{}" : String(decoding: (try? encoder.encode(d.properties)) ?? Data("{}".utf8), as: UTF8.self)
        notes = d.notes.isEmpty ? "[]" : String(decoding: (try? encoder.encode(d.notes)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// Prepares a batch on all cores, in order.
    static func prepare(_ drafts: [UnitDraft]) -> [PreparedUnit] {
        let workers = drafts.count < 256 ? 1 : ProcessInfo.processInfo.activeProcessorCount
        if workers == 1 { return drafts.map(PreparedUnit.init) }
        let slots = Slots(count: drafts.count)
        let chunk = (drafts.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let range = (w * chunk)..<min(drafts.count, (w + 1) * chunk)
            for k in range { slots.set(k, PreparedUnit(drafts[k])) }
        }
        return slots.values
    }
}

/// Write-once slots filled from several threads at distinct indices.
///
/// Raw memory allocated once: `Array.withUnsafeMutableBufferPointer` empties the array while its
/// closure runs, so two threads writing through it at once lost values and crashed.
final class Slots: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<PreparedUnit?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func set(_ k: Int, _ value: PreparedUnit) {
        precondition(k >= 0 && k < count)
        storage[k] = value
    }

    var values: [PreparedUnit] { (0..<count).map { storage[$0]! } }
}

/// Prepares batches one step ahead of the writer: while batch N is inserted, batch N + 1 is
/// being prepared on the other cores.
final class PreparePipeline: @unchecked Sendable {
    private var inFlight: (group: DispatchGroup, box: Box)?
    private final class Box: @unchecked Sendable { var units: [PreparedUnit] = [] }

    /// Hands in a batch; returns the previous batch, prepared (nil for the first).
    func push(_ drafts: [UnitDraft]) -> [PreparedUnit]? {
        let box = Box(), group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            box.units = PreparedUnit.prepare(drafts)
            group.leave()
        }
        let previous = finish()
        inFlight = (group, box)
        return previous
    }

    /// The last batch handed in, prepared.
    func finish() -> [PreparedUnit]? {
        guard let (group, box) = inFlight else { return nil }
        group.wait()
        inFlight = nil
        return box.units
    }
}
