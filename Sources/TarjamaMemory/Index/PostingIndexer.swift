import Foundation
import Synchronization

/// A `PostingAccumulator` filled on a thread of its own, one batch behind the writer: batch k's
/// terms are added while the writer inserts batch k + 1 (the adds, a hash lookup and a list
/// append per term and batch, had been a third of the writer's time on a million units).
///
/// The accumulator is behind a lock, held by an add while it runs; `withAccumulator` waits for
/// every add handed in, so flushes (which need the writer's connection) run on the writer's
/// thread with the lists complete.
package final class PostingIndexer: Sendable {
    private let accumulator = Mutex(PostingAccumulator())
    private let queue = DispatchQueue(label: "tarjama.posting-indexer")
    private let pending = DispatchGroup()
    private let clock: StageClock?

    package init(clock: StageClock? = nil) {
        self.clock = clock
    }

    deinit { pending.wait() }

    /// Adds a written batch (`PostingAccumulator.add`) without waiting.
    package func add(_ batch: BatchPostings, ids: [Int64]) {
        queue.async(group: pending) {
            self.clock.measure(.indexing) { self.accumulator.withLock { $0.add(batch, ids: ids) } }
        }
    }

    /// Waits until every batch handed in is added, then lends the accumulator to `body`.
    package func withAccumulator(_ body: (inout PostingAccumulator) throws -> Void) throws {
        pending.wait()
        try accumulator.withLock { try body(&$0) }
    }
}
