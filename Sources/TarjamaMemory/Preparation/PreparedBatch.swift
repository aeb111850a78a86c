import Foundation
import TarjamaText

/// A batch as the writer binds it: each unit's row with its text as ranges of one byte arena
/// (bound in place: SQLite copies nothing and there are no strings to release per unit, which
/// had been a quarter of the writer's time), and the batch's terms grouped for the index.
public struct PreparedBatch: Sendable {
    /// One unit's values. Text is a range of `text` (nil for NULL); a nil date is "now" and a
    /// nil author the importing user, filled in when the row is written.
    package struct Row: Sendable {
        package var sourceLanguage, targetLanguage, source, target: Range<Int32>
        package var origin, createdAt, changedAt, createdBy, changedBy: Range<Int32>?
        package var properties, notes: Range<Int32>
        /// The stored match tokens, a range of `tokens`.
        package var tokens: Range<Int32>
        package var keyHash, pairHash: Int64
        package var previousHash, nextHash, position: Int64?
        package var confidence: Double?
        package var usageCount, length: Int64
    }

    package let rows: [Row]
    package let text: [UInt8]
    package let tokens: [UInt8]
    package let postings: BatchPostings

    /// Units in the batch.
    public var count: Int { rows.count }

    /// Where a row was seen (its origin and position) as a number: a duplicate raises its
    /// unit's occurrences once per sighting, so running the same article or file again counts
    /// nothing twice. nil when the row has no origin (each such duplicate counts).
    package func sighting(_ row: Row) -> Int64? {
        row.origin.map { Sighting.hash(origin: text[Int($0.lowerBound)..<Int($0.upperBound)], position: row.position) }
    }

    /// A text field of a row, as a string.
    package func string(_ r: Range<Int32>) -> String {
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
            put(optional: d.map(StorageDate.text))
        }
    }

    package init(_ drafts: [UnitDraft], _ prepared: PreparedUnits, clock: StageClock? = nil) {
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

/// Dates as stores keep them: "yyyy-MM-dd HH:mm:ss.SSS" in UTC (GRDB's format for `Date`,
/// which SQLite's date functions read), so a unit written through a prepared batch and one
/// written as a record read back alike.
package enum StorageDate {
    private static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(secondsFromGMT: 0)
        f.calendar = Calendar(identifier: .gregorian)
        f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return f
    }()

    package static func text(_ date: Date) -> String { formatter.string(from: date) }

    package static func date(_ text: String) -> Date? { formatter.date(from: text) }
}

/// A unit's sighting as a number: its origin's bytes and its position, hashed (FNV-1a, the
/// position mixed in). The first sighting is the unit's own origin and position; stores keep
/// the later ones a duplicate brought, so each is counted once.
package enum Sighting {
    package static func hash(origin: some Collection<UInt8>, position: Int64?) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in origin { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= UInt64(bitPattern: position ?? -1) &* 0x9e37_79b9_7f4a_7c15
        return Int64(bitPattern: h ^ (h >> 31))
    }

    /// Whether a duplicate seen at `sighting` is its unit's first sighting seen again.
    package static func isFirst(_ sighting: Int64, origin: String?, position: Int64?) -> Bool {
        guard let origin else { return false }
        return hash(origin: origin.utf8, position: position) == sighting
    }
}
