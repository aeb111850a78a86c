import Foundation
import Synchronization

/// Write-once slots filled from several threads at distinct indices.
///
/// Raw memory allocated once: `Array.withUnsafeMutableBufferPointer` empties the array while its
/// closure runs, so two threads writing through it at once lost values and crashed.
package final class Slots<Value>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Value?>
    private let count: Int

    package init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    package func set(_ k: Int, _ value: Value) {
        precondition(k >= 0 && k < count)
        storage[k] = value
    }

    /// The values, moved out (copying a prepared unit retains a dozen strings, and the copies
    /// were released again when the slots went: 5% of preparing a batch). Call once; the slots
    /// hold nil afterwards.
    package func takeValues() -> [Value] {
        (0..<count).map { k in
            let value = (storage + k).move()!
            (storage + k).initialize(to: nil)
            return value
        }
    }
}

/// An import in three stages on their own threads: a reader parses the file into batches of
/// drafts, the batches are prepared on all cores one step behind it, and the caller's thread
/// only writes. Parsing a TMX file on the writing thread had made it the bottleneck.
///
/// A prepared batch is handed to the writer, the reader waiting until it is taken (constant
/// memory on any file size).
/// The reader's error reaches the writer in order, after the batches read before it; a writer
/// that stops early cancels the reader and waits for its thread to end.
///
/// Unchecked: every mutable property is read and written with `condition` locked.
package final class ImportPipeline<Outcome>: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [PreparedBatch] = []
    private var done = false
    private var cancelled = false
    private var failure: Error?
    private var outcome: Outcome?
    private let finished = DispatchSemaphore(value: 0)
    private let capacity = 1

    struct Cancelled: Error {}

    /// Starts `read` on a thread of its own; it hands batches to the closure it is given and
    /// returns what it wants to report.
    package init(clock: StageClock? = nil, read: @escaping (_ write: ([UnitDraft]) throws -> Void) throws -> Outcome) {
        let body = UncheckedBox(read)
        let thread = Thread { [self] in
            let preparing = PreparePipeline(clock: clock)
            // The reader thread's own CPU time (waiting costs none): parsing, mostly.
            let start = StageClock.threadSeconds()
            defer { clock?.add(.reading, StageClock.threadSeconds() - start) }
            do {
                let result = try body.value { drafts in
                    if let prepared = preparing.push(drafts) { try self.enqueue(prepared) }
                }
                if let prepared = preparing.finish() { try enqueue(prepared) }
                condition.lock(); outcome = result; done = true; condition.broadcast(); condition.unlock()
            } catch {
                // The batch read before the error still goes first (unless the writer stopped).
                if let prepared = preparing.finish(), !(error is Cancelled) { try? enqueue(prepared) }
                condition.lock(); failure = error; done = true; condition.broadcast(); condition.unlock()
            }
            finished.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    private func enqueue(_ batch: PreparedBatch) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        queue.append(batch)
        condition.broadcast()
        // A hand-over: the reader waits until the writer has taken the batch, so no prepared
        // batch sits idle beside it (a batch is 8 MB; the next one is being prepared meanwhile).
        while !queue.isEmpty && !cancelled { condition.wait() }
    }

    /// The next prepared batch in file order; nil once the reader has finished. Throws the
    /// reader's error when it is reached.
    package func next() throws -> PreparedBatch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !done { condition.wait() }
        if !queue.isEmpty {
            condition.broadcast()
            return queue.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// What the reader returned (after `next()` gave nil).
    package var result: Outcome? {
        condition.lock(); defer { condition.unlock() }
        return outcome
    }

    /// Stops the reader (at its next batch) and waits for its thread to end; safe to call twice.
    package func close() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        if !closed { finished.wait(); closed = true }
    }
    private var closed = false
}

/// A value handed to another thread by a caller that knows it is used by one thread at a time
/// (the reader's closure, which runs on the reader's thread alone).
package struct UncheckedBox<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}

/// Prepares batches one step ahead of the reader: while batch N + 1 is read, batch N is
/// being prepared on the other cores. Used by the reader's thread alone.
package final class PreparePipeline {
    private var inFlight: (group: DispatchGroup, box: Box)?
    private let clock: StageClock?

    package init(clock: StageClock? = nil) {
        self.clock = clock
    }

    /// Where the preparing thread leaves its batch for the reader.
    private final class Box: Sendable { let batch = Mutex<PreparedBatch?>(nil) }

    /// Hands in a batch; returns the previous batch, prepared (nil for the first).
    package func push(_ drafts: [UnitDraft]) -> PreparedBatch? {
        let box = Box(), group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { [clock] in
            let prepared = PreparedUnit.prepare(drafts, clock: clock)
            box.batch.withLock { $0 = prepared }
            group.leave()
        }
        let previous = finish()
        inFlight = (group, box)
        return previous
    }

    /// The last batch handed in, prepared.
    package func finish() -> PreparedBatch? {
        guard let (group, box) = inFlight else { return nil }
        group.wait()
        inFlight = nil
        return box.batch.withLock { $0.take() }
    }
}
