import Foundation
import TarjamaText

/// What a draft's text gives: matching key and hashes, index terms and length, stored tokens,
/// properties as JSON. Pure work with no database, so importers prepare the next batch on the
/// other cores while the current one is written.
struct PreparedUnit: Sendable {
    let keyHash: Int64
    let pairHash: Int64
    let previousHash: Int64?
    let nextHash: Int64?
    /// Index terms (UTF-8, space-separated: `MatchTokens.terms`), the target's words for target
    /// concordance (`SearchWords`, space-separated) and the stored tokens, as ranges of the
    /// batch's bytes (`PreparedUnits`): three arrays a unit, made and freed, had been a tenth
    /// of preparing it.
    private(set) var terms: Range<Int32>
    private(set) var targetWords: Range<Int32>
    private(set) var tokens: Range<Int32>
    let length: Int
    let properties: String
    let notes: String

    /// Read in place through a pointer, not copied: a copy of a draft retains and releases its
    /// dozen strings, which had been a tenth of preparing a batch. The draft is lent `inout`
    /// from its address and never written: a `borrowing` parameter still got a whole copy from
    /// the buffer's subscript or the pointer's `pointee` getter (0.7% of an import's
    /// instructions). Threads preparing one batch read distinct drafts.
    init(_ draft: UnsafePointer<UnitDraft>, appendingTo bytes: inout [UInt8]) {
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
    mutating func shift(by offset: Int32) {
        terms = (terms.lowerBound + offset)..<(terms.upperBound + offset)
        targetWords = (targetWords.lowerBound + offset)..<(targetWords.upperBound + offset)
        tokens = (tokens.lowerBound + offset)..<(tokens.upperBound + offset)
    }

    /// Prepares a batch on all cores, in order, with its terms grouped for the index.
    static func prepare(_ drafts: [UnitDraft], clock: StageClock? = nil) -> PreparedBatch {
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
    static func share(_ w: Int, of count: Int, workers: Int) -> Range<Int> {
        let chunk = (count + workers - 1) / max(workers, 1)
        return min(count, w * chunk)..<min(count, (w + 1) * chunk)
    }
}

/// A batch's prepared units and the bytes their terms, target words and stored tokens are
/// ranges of.
struct PreparedUnits: Sendable {
    let units: [PreparedUnit]
    let bytes: [UInt8]

    /// A unit's range of `bytes`, lent as `b`.
    func slice(_ r: Range<Int32>, of b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: b[Int(r.lowerBound)..<Int(r.upperBound)])
    }
}

/// A batch as the writer binds it: each unit's row with its text as ranges of one byte arena
/// (bound in place: SQLite copies nothing and there are no strings to release per unit, which
/// had been a quarter of the writer's time), and the batch's terms grouped for the index.
struct PreparedBatch: Sendable {
    /// One unit's values. Text is a range of `text` (nil for NULL); a nil date is "now" and a
    /// nil author the importing user, filled in when the row is written.
    struct Row: Sendable {
        var sourceLanguage, targetLanguage, source, target: Range<Int32>
        var origin, createdAt, changedAt, createdBy, changedBy: Range<Int32>?
        var properties, notes: Range<Int32>
        /// The stored match tokens, a range of `tokens`.
        var tokens: Range<Int32>
        var keyHash, pairHash: Int64
        var previousHash, nextHash, position: Int64?
        var confidence: Double?
        var usageCount, length: Int64
    }

    let rows: [Row]
    let text: [UInt8]
    let tokens: [UInt8]
    let postings: BatchPostings

    var count: Int { rows.count }

    /// A text field of a row, as a string.
    func string(_ r: Range<Int32>) -> String {
        String(decoding: text[Int(r.lowerBound)..<Int(r.upperBound)], as: UTF8.self)
    }

    /// Text appended to one byte array, each piece given back as its range.
    private struct Arena {
        var bytes: [UInt8] = []

        mutating func put(_ s: String) -> Range<Int32> {
            let start = Int32(bytes.count)
            var s = s
            // `withUTF8` also reads small strings ("ar", "en"), which have no contiguous UTF-8
            // view to borrow and had been copied through a new array each.
            s.withUTF8 { bytes.append(contentsOf: $0) }
            return start..<Int32(bytes.count)
        }

        mutating func put(optional s: String?) -> Range<Int32>? {
            s.map { put($0) }
        }

        /// The last text put for one field, and where it went.
        struct Last {
            var text = ""
            var range: Range<Int32>?
        }

        /// `put`, unless the text is the field's last one: a batch's languages, origin,
        /// authors, properties and notes are mostly the same from unit to unit, and their rows
        /// then share one copy (the same string compares by identity, at once).
        mutating func put(_ s: String, sameAs last: inout Last) -> Range<Int32> {
            if let r = last.range, last.text == s { return r }
            let r = put(s)
            last = Last(text: s, range: r)
            return r
        }

        mutating func put(optional s: String?, sameAs last: inout Last) -> Range<Int32>? {
            s.map { put($0, sameAs: &last) }
        }

        mutating func stamp(_ d: Date?) -> Range<Int32>? {
            put(optional: d.flatMap { $0.databaseValue.storage.value as? String })
        }
    }

    init(_ drafts: [UnitDraft], _ prepared: PreparedUnits, clock: StageClock? = nil) {
        let units = prepared.units
        let start = StageClock.threadSeconds()
        var arena = Arena(), tokens: [UInt8] = []
        arena.bytes.reserveCapacity(units.count * 320)
        tokens.reserveCapacity(units.count * 240)
        var rows: [Row] = []
        rows.reserveCapacity(units.count)
        var sourceLanguage = Arena.Last(), targetLanguage = Arena.Last(), origin = Arena.Last()
        var createdBy = Arena.Last(), changedBy = Arena.Last(), properties = Arena.Last(), notes = Arena.Last()
        // Drafts and units are read in place (a copy of each retains a dozen strings).
        drafts.withUnsafeBufferPointer { drafts in
          prepared.bytes.withUnsafeBufferPointer { bytes in
            units.withUnsafeBufferPointer { units in
                for k in units.indices {
                    let start = Int32(tokens.count)
                    tokens.append(contentsOf: prepared.slice(units[k].tokens, of: bytes))
                    rows.append(Row(sourceLanguage: arena.put(drafts[k].sourceLanguage, sameAs: &sourceLanguage),
                                    targetLanguage: arena.put(drafts[k].targetLanguage, sameAs: &targetLanguage),
                                    source: arena.put(drafts[k].source), target: arena.put(drafts[k].target),
                                    origin: arena.put(optional: drafts[k].origin, sameAs: &origin),
                                    createdAt: arena.stamp(drafts[k].createdAt), changedAt: arena.stamp(drafts[k].changedAt ?? drafts[k].createdAt),
                                    createdBy: arena.put(optional: drafts[k].createdBy, sameAs: &createdBy),
                                    changedBy: arena.put(optional: drafts[k].changedBy ?? drafts[k].createdBy, sameAs: &changedBy),
                                    properties: arena.put(units[k].properties, sameAs: &properties),
                                    notes: arena.put(units[k].notes, sameAs: &notes),
                                    tokens: start..<Int32(tokens.count),
                                    keyHash: units[k].keyHash, pairHash: units[k].pairHash,
                                    previousHash: units[k].previousHash, nextHash: units[k].nextHash,
                                    position: drafts[k].position.map(Int64.init), confidence: drafts[k].confidence,
                                    usageCount: Int64(drafts[k].usageCount), length: Int64(units[k].length)))
                }
            }
          }
        }
        self.rows = rows
        self.text = arena.bytes
        self.tokens = tokens
        clock?.add(.preparing, StageClock.threadSeconds() - start)
        postings = clock.measure(.grouping) { BatchPostings(prepared) }
    }
}

/// The JSON of a unit's properties (keys sorted, so the same properties give the same text) and
/// notes, written directly: a `JSONEncoder` per unit was 3% of a TMX import.
enum JSONText {
    static func object(_ d: [String: String]) -> String {
        guard !d.isEmpty else { return "{}" }
        var out = "{"
        for (k, key) in d.keys.sorted().enumerated() {
            if k > 0 { out += "," }
            quote(key, into: &out)
            out += ":"
            quote(d[key]!, into: &out)
        }
        return out + "}"
    }

    static func array(_ a: [String]) -> String {
        guard !a.isEmpty else { return "[]" }
        var out = "["
        for (k, s) in a.enumerated() {
            if k > 0 { out += "," }
            quote(s, into: &out)
        }
        return out + "]"
    }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where c.value < 0x20:
                out += "\\u00" + String(c.value >> 4, radix: 16) + String(c.value & 0xF, radix: 16)
            default: out.unicodeScalars.append(c)
            }
        }
        out += "\""
    }
}

/// Write-once slots filled from several threads at distinct indices.
///
/// Raw memory allocated once: `Array.withUnsafeMutableBufferPointer` empties the array while its
/// closure runs, so two threads writing through it at once lost values and crashed.
final class Slots<Value>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Value?>
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

    func set(_ k: Int, _ value: Value) {
        precondition(k >= 0 && k < count)
        storage[k] = value
    }

    /// The values, moved out (copying a prepared unit retains a dozen strings, and the copies
    /// were released again when the slots went: 5% of preparing a batch). Call once; the slots
    /// hold nil afterwards.
    func takeValues() -> [Value] {
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
final class ImportPipeline<Outcome>: @unchecked Sendable {
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
    init(clock: StageClock? = nil, read: @escaping (_ write: ([UnitDraft]) throws -> Void) throws -> Outcome) {
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
    func next() throws -> PreparedBatch? {
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
    var result: Outcome? {
        condition.lock(); defer { condition.unlock() }
        return outcome
    }

    /// Stops the reader (at its next batch) and waits for its thread to end; safe to call twice.
    func close() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        if !closed { finished.wait(); closed = true }
    }
    private var closed = false
}

/// A value handed to another thread by a caller that knows it is used by one thread at a time.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Prepares batches one step ahead of the reader: while batch N + 1 is read, batch N is
/// being prepared on the other cores.
final class PreparePipeline: @unchecked Sendable {
    private var inFlight: (group: DispatchGroup, box: Box)?
    private let clock: StageClock?

    init(clock: StageClock? = nil) {
        self.clock = clock
    }

    private final class Box: @unchecked Sendable { var batch: PreparedBatch? }

    /// Hands in a batch; returns the previous batch, prepared (nil for the first).
    func push(_ drafts: [UnitDraft]) -> PreparedBatch? {
        let box = Box(), group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { [clock] in
            box.batch = PreparedUnit.prepare(drafts, clock: clock)
            group.leave()
        }
        let previous = finish()
        inFlight = (group, box)
        return previous
    }

    /// The last batch handed in, prepared.
    func finish() -> PreparedBatch? {
        guard let (group, box) = inFlight else { return nil }
        group.wait()
        inFlight = nil
        return box.batch
    }
}
