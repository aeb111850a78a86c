import Foundation

/// A `PostingAccumulator` filled on a thread of its own, one batch behind the writer: batch k's
/// terms are added while the writer inserts batch k + 1 (the adds, a hash lookup and a list
/// append per term and batch, had been a third of the writer's time on a million units).
///
/// The accumulator is the indexer's alone while an add runs; `withAccumulator` waits for it,
/// so flushes (which need the writer's connection) run on the writer's thread.
package final class PostingIndexer: @unchecked Sendable {
    private var accumulator = PostingAccumulator()
    private let queue = DispatchQueue(label: "tarjama.posting-indexer")
    private let pending = DispatchGroup()
    private let clock: StageClock?

    package init(clock: StageClock? = nil) {
        self.clock = clock
    }

    deinit { pending.wait() }

    /// Adds a written batch (`PostingAccumulator.add`) without waiting.
    package func add(_ batch: BatchPostings, ids: [Int64]) {
        queue.async(group: pending) { self.clock.measure(.indexing) { self.accumulator.add(batch, ids: ids) } }
    }

    /// Waits until every batch handed in is added, then lends the accumulator to `body`.
    package func withAccumulator<R>(_ body: (inout PostingAccumulator) throws -> R) rethrows -> R {
        pending.wait()
        return try body(&accumulator)
    }
}
