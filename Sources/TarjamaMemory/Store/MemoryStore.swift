import Foundation
import TarjamaAlign
import TarjamaText

/// Which side of a unit a term or a phrase belongs to.
public enum UnitSide: String, Sendable, Codable, CaseIterable {
    case source, target
}

/// What matching reads from a memory: exact units by key hash, term statistics, posting lists,
/// stored match tokens and units by id. The matcher, concordance and pre-translation need
/// nothing else, so any store that answers these (a SQLite file, a PostgreSQL database, a
/// test's dictionary) gives the same matches.
///
/// Every call sees one committed state of the memory; `generation` tells a long-lived reader
/// when that state has moved on, so caches of statistics can follow it.
/// ```swift
/// let store: any MatchSource = try SQLiteMemory(path: "Memories/default.tmdb", readOnly: true)
/// let units = try store.exact("وصل الوفد.")
/// ```
public protocol MatchSource: Sendable {
    /// A number that changes whenever a write that adds or removes units commits, in this
    /// process or another: cached term frequencies and counts are stale once it differs.
    func generation() throws -> Int64

    /// How many units the memory holds.
    func unitCount() throws -> Int

    /// Units whose matching key hashes to `sourceHash` (`SegmentKey.hash`), the most frequent
    /// first, then by id. A hash may collide: callers compare keys.
    func units(sourceHash: Int64) throws -> [TranslationUnit]

    /// How many units share each source key hash: the number of translations of a source
    /// (hashes no unit has are left out).
    func translationCounts(sourceHashes: [Int64]) throws -> [Int64: Int]

    /// How many units hold each term on `side` (0 for a term none holds).
    func termFrequencies(_ terms: [String], side: UnitSide) throws -> [String: Int]

    /// Each term's posting list on `side`: the ids of the units holding it, ascending (terms
    /// no unit holds are left out). One call for all of a query's terms: on a database server
    /// each call is a round trip.
    func postings(_ terms: [String], side: UnitSide) throws -> [String: [Int64]]

    /// Stored match tokens of the units with these ids whose length (index terms) lies in
    /// `lengths`, in no particular order: what candidates are scored on before whole units
    /// are read.
    func storedTokens(ids: [Int64], lengths: ClosedRange<Int>) throws -> [(id: Int64, tokens: StoredTokens)]

    /// The units with these ids whose length lies in `lengths`, in no particular order.
    func units(ids: [Int64], lengths: ClosedRange<Int>) throws -> [TranslationUnit]
}

extension MatchSource {
    /// Units whose source has the same matching key as `source` (all targets, most frequent first).
    public func exact(_ source: String) throws -> [TranslationUnit] {
        let key = SegmentKey.key(source)
        // A 64-bit hash rarely collides; the keys of the few units it finds settle it.
        return try units(sourceHash: SegmentKey.hash(key)).filter { $0.sourceKey == key }
    }

    /// One term's posting list.
    public func postings(_ term: String, side: UnitSide) throws -> [Int64] {
        try postings([term], side: side)[term] ?? []
    }

    /// The units with these ids, whatever their length.
    public func units(ids: [Int64]) throws -> [TranslationUnit] {
        try units(ids: ids, lengths: 0...Int.max)
    }
}

/// A translation memory: what matching reads, and the writes, exports and lexicon around it.
///
/// Writes come as prepared batches (`PreparedBatch`: keys, hashes, stored tokens and index
/// terms computed off the store's thread), in one transaction per `write`. A store gives a
/// batch's units ids of its own choosing, in batch order (ascending within a batch, and above
/// every id already stored); nothing in a batch depends on which ids it gets, so several
/// writers may share one store.
public protocol MemoryStore: MatchSource, LexiconProvider, KeyStore, ReviewStore {
    /// Where the memory lives (a file path or a database address), for messages.
    var location: String { get }

    /// Writes the batches `next` yields until it returns nil, in one transaction: a failure
    /// anywhere writes nothing. An exact duplicate (same source and target as a stored unit
    /// or an earlier one) raises that unit's occurrence count instead of being stored.
    func write(_ request: WriteRequest, next: () throws -> PreparedBatch?) throws -> WriteOutcome

    /// Adds units in one transaction; returns how many were new and how many duplicates.
    @discardableResult
    func add(_ drafts: [UnitDraft], user: String?) throws -> AddSummary

    func unit(id: Int64) throws -> TranslationUnit?

    /// Deletes one unit (and its index entries); false when there is none.
    @discardableResult
    func deleteUnit(id: Int64) throws -> Bool

    /// Replaces unit `id`'s target (a person's correction) in one transaction, keeping the
    /// previous target in the unit's history with who wrote it and who replaced it, when; the
    /// target-side index follows. When another unit already pairs the same source with the new
    /// target, the two become that one (occurrences added, history carried over) and it is
    /// returned. nil when there is no unit `id`.
    func editUnit(id: Int64, target: String, user: String?) throws -> TranslationUnit?

    /// The targets unit `id` had before, oldest first.
    func revisions(id: Int64) throws -> [UnitRevision]

    /// Counts a unit as used (pre-translation or a translator took it).
    func recordUse(id: Int64) throws

    /// Up to `limit` units with ids above `id`, in id order: a page of the memory (exports and
    /// streamed answers read it a page at a time, in constant memory).
    func units(after id: Int64, limit: Int) throws -> [TranslationUnit]

    func stats() throws -> MemoryStats

    /// The store's own consistency check: "ok", or the problems found.
    func check() throws -> String

    /// Rebuilds every unit's derived data (stored match tokens, term index, lengths) from the
    /// units with the import's preparation, in one transaction; returns the units read. What
    /// mends an index `verifyIndex` finds damaged; writers wait meanwhile.
    @discardableResult
    func rebuildIndex() throws -> Int

    /// Whether `tarjama lexicon train` has stored a lexicon here.
    func hasLexicon() throws -> Bool

    /// Replaces the stored lexicon (readers see the old or the new one).
    func saveLexicon(_ lexicon: Lexicon) throws
}

extension MemoryStore {
    @discardableResult
    public func add(_ drafts: [UnitDraft], user: String? = nil) throws -> AddSummary {
        var pending: PreparedBatch? = drafts.isEmpty ? nil : PreparedUnit.prepare(drafts)
        let outcome = try write(WriteRequest(expectedUnits: drafts.count, user: user)) {
            defer { pending = nil }
            return pending
        }
        return outcome.summary
    }

    /// Every unit in id order, a page at a time.
    public func forEachUnit(batchSize: Int = 2_000, _ body: (TranslationUnit) throws -> Void) throws {
        var last: Int64 = 0
        while true {
            let page = try units(after: last, limit: batchSize)
            for u in page { try body(u) }
            guard let id = page.last?.id, page.count == batchSize else { return }
            last = id
        }
    }
}

/// How a `MemoryStore.write` should go.
public struct WriteRequest {
    /// Units the batches probably hold (from a file's size): a store may write a large import
    /// another way (SQLite defers its key index and, into a new file, leaves WAL).
    public var expectedUnits: Int
    /// Author and editor of units that name none.
    public var user: String?
    /// CPU time per stage, for the import's report.
    public var clock: StageClock?
    /// Units written so far, after each batch.
    public var progress: ((Int) -> Void)?
    /// Overrides the store's own size from which an import counts as large (tests lower it).
    package var largeFrom: Int?

    public init(expectedUnits: Int, user: String? = nil, clock: StageClock? = nil, progress: ((Int) -> Void)? = nil) {
        self.expectedUnits = expectedUnits
        self.user = user
        self.clock = clock
        self.progress = progress
    }
}

/// What a `MemoryStore.write` did.
public struct WriteOutcome: Sendable {
    public var summary = AddSummary()
    /// How the store wrote, for reports ("wal", "rollback" for SQLite's bulk load, "copy" …).
    public var method: String

    public init(summary: AddSummary = AddSummary(), method: String) {
        self.summary = summary
        self.method = method
    }
}
