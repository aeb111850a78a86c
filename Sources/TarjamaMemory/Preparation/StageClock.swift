import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// CPU time an import spends in each of its stages: thread time (not the clock, which on a
/// shared machine moves with everything else), summed over the threads that run a stage.
///
/// An import runs its stages on several threads at once, so the process's CPU time alone
/// does not tell where it goes; these do, in every import's report
/// (`tarjama import --json`, `tarjama bench import`). A few clock reads per batch.
public final class StageClock: Sendable {
    public enum Stage: String, CaseIterable, Sendable {
        /// Parsing the file into drafts (the reader thread).
        case reading
        /// Normalising, tokenising and packing units, and laying a batch's rows out.
        case preparing
        /// Grouping a batch's index terms by term (`BatchPostings`).
        case grouping
        /// Writing units and stored tokens (SQLite).
        case inserting
        /// Adding a batch's terms to the posting lists (`PostingIndexer`).
        case indexing
        /// Writing posting lists to the term index.
        case flushing
        /// Building the unit key index at the end of a large import.
        case keyIndex = "key_index"
    }

    private let seconds = Mutex([Double](repeating: 0, count: Stage.allCases.count))

    public init() {}

    /// Runs `body`, adding the CPU time this thread spent in it to `stage`.
    @inline(__always)
    package func measure<R>(_ stage: Stage, _ body: () throws -> R) rethrows -> R {
        let start = Self.threadSeconds()
        defer { add(stage, Self.threadSeconds() - start) }
        return try body()
    }

    package func add(_ stage: Stage, _ s: Double) {
        seconds.withLock { $0[Stage.allCases.firstIndex(of: stage)!] += s }
    }

    /// Seconds per stage, by the stages' names.
    public var totals: [String: Double] {
        seconds.withLock { Dictionary(uniqueKeysWithValues: zip(Stage.allCases.map(\.rawValue), $0)) }
    }

    /// CPU time of the calling thread.
    package static func threadSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

extension Optional where Wrapped == StageClock {
    /// `StageClock.measure` when there is a clock (an import), else just `body`.
    @inline(__always)
    package func measure<R>(_ stage: StageClock.Stage, _ body: () throws -> R) rethrows -> R {
        guard let clock = self else { return try body() }
        return try clock.measure(stage, body)
    }
}
