import Foundation
import TarjamaText

/// A source sentence and its translation, with where it came from and how it has been used.
///
/// `source` and `target` are kept exactly as written; `sourceHash` is the 64-bit hash of the
/// matching key (`Normalizer.matchingKey`) for exact lookup. The key itself is not stored: it
/// is derived when needed (a copy of every source was a sixth of an import's writing).
public struct TranslationUnit: Codable, Sendable, Equatable {
    public var id: Int64?
    public var sourceLanguage: String
    public var targetLanguage: String
    public var source: String
    public var target: String
    public var sourceHash: Int64
    /// Hash of source and target as written: the same pair imported twice is one unit whose
    /// `occurrences` grows.
    public var pairHash: Int64
    public var occurrences: Int
    /// Article id or file path, and the segment's position in it.
    public var origin: String?
    public var position: Int?
    /// Hashes of the previous and next source segments' keys, for context (101%) matches.
    public var previousHash: Int64?
    public var nextHash: Int64?
    /// Alignment confidence in [0, 1] (nil for units imported from TMX/TSV).
    public var confidence: Double?
    public var createdAt: Date
    public var changedAt: Date
    public var createdBy: String?
    public var changedBy: String?
    public var usageCount: Int
    /// TMX `prop` elements (type → value) and `note` elements.
    public var properties: [String: String]
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case id, source, target, occurrences, origin, position, confidence, properties, notes
        case sourceLanguage = "source_lang", targetLanguage = "target_lang"
        case sourceHash = "source_hash", pairHash = "pair_hash", previousHash = "prev_hash", nextHash = "next_hash"
        case createdAt = "created_at", changedAt = "changed_at", createdBy = "created_by", changedBy = "changed_by"
        case usageCount = "usage_count"
    }

    public init(id: Int64?, sourceLanguage: String, targetLanguage: String, source: String, target: String,
                sourceHash: Int64, pairHash: Int64, occurrences: Int, origin: String?, position: Int?,
                previousHash: Int64?, nextHash: Int64?, confidence: Double?, createdAt: Date, changedAt: Date,
                createdBy: String?, changedBy: String?, usageCount: Int, properties: [String: String], notes: [String]) {
        self.id = id; self.sourceLanguage = sourceLanguage; self.targetLanguage = targetLanguage
        self.source = source; self.target = target; self.sourceHash = sourceHash; self.pairHash = pairHash
        self.occurrences = occurrences; self.origin = origin; self.position = position
        self.previousHash = previousHash; self.nextHash = nextHash; self.confidence = confidence
        self.createdAt = createdAt; self.changedAt = changedAt; self.createdBy = createdBy; self.changedBy = changedBy
        self.usageCount = usageCount; self.properties = properties; self.notes = notes
    }

    /// The source's matching key.
    public var sourceKey: String { SegmentKey.key(source) }

    /// A unit that is not (yet) stored, for writing proposals as TMX: keys and hashes derived.
    public init(draft d: UnitDraft, date: Date = Date()) {
        let key = SegmentKey.key(d.source)
        id = nil
        sourceLanguage = d.sourceLanguage
        targetLanguage = d.targetLanguage
        source = d.source
        target = d.target
        sourceHash = SegmentKey.hash(key)
        pairHash = SegmentKey.pairHash(source: d.source, target: d.target)
        occurrences = 1
        origin = d.origin
        position = d.position
        previousHash = d.previousSource.map(SegmentKey.keyHash) ?? d.previousHash
        nextHash = d.nextSource.map(SegmentKey.keyHash) ?? d.nextHash
        confidence = d.confidence
        createdAt = d.createdAt ?? date
        changedAt = d.changedAt ?? createdAt
        createdBy = d.createdBy
        changedBy = d.changedBy ?? d.createdBy
        usageCount = d.usageCount
        properties = d.properties
        notes = d.notes
    }
}

extension TranslationUnit {
    /// The columns every store keeps a unit in, in the order its writes bind them; reads select
    /// these and then `occurrences`.
    package static let storedColumns = [
        "id", "source_lang", "target_lang", "source", "target", "source_hash", "pair_hash", "origin", "position",
        "prev_hash", "next_hash", "confidence", "created_at", "changed_at", "created_by", "changed_by", "usage_count",
        "properties", "notes", "length",
    ]
}

/// What a caller hands to `MemoryStore.add`: the fields it knows; keys and hashes are derived.
public struct UnitDraft: Sendable, Equatable {
    /// Text bytes (source and target) that end an import batch early (8,000 news sentences
    /// are about 2 MB).
    public static let batchBytes = 16 << 20

    public var source: String
    public var target: String
    public var sourceLanguage: String
    public var targetLanguage: String
    public var origin: String?
    public var position: Int?
    public var previousSource: String?
    public var nextSource: String?
    /// Context hashes when the neighbours' text is not known (a TMX written by Tarjama).
    public var previousHash: Int64?
    public var nextHash: Int64?
    public var confidence: Double?
    public var createdAt: Date?
    public var changedAt: Date?
    public var createdBy: String?
    public var changedBy: String?
    public var usageCount: Int
    public var properties: [String: String]
    public var notes: [String]

    public init(source: String, target: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                origin: String? = nil, position: Int? = nil, previousSource: String? = nil, nextSource: String? = nil,
                confidence: Double? = nil, createdAt: Date? = nil, changedAt: Date? = nil, createdBy: String? = nil,
                changedBy: String? = nil, usageCount: Int = 0, properties: [String: String] = [:], notes: [String] = []) {
        self.source = source; self.target = target
        self.sourceLanguage = sourceLanguage; self.targetLanguage = targetLanguage
        self.origin = origin; self.position = position
        self.previousSource = previousSource; self.nextSource = nextSource
        self.confidence = confidence
        self.createdAt = createdAt; self.changedAt = changedAt
        self.createdBy = createdBy; self.changedBy = changedBy
        self.usageCount = usageCount
        self.properties = properties; self.notes = notes
    }
}

/// Keys and hashes shared by the memory and the matcher, so both agree on "the same sentence".
public enum SegmentKey {
    /// The matching key of a sentence (inline-code placeholders left out, as in its tokens).
    public static func key(_ text: String) -> String { Normalizer.matchingKey.normalize(InlineCodes.stripped(text)) }

    /// 64-bit FNV-1a of UTF-8 bytes, as a signed SQLite integer.
    public static func hash(_ text: String) -> Int64 {
        Int64(bitPattern: fnv(text, 0xcbf29ce484222325))
    }

    /// `hash` of text given as UTF-8 bytes.
    public static func hash(utf8 bytes: [UInt8]) -> Int64 {
        bytes.withUnsafeBufferPointer { Int64(bitPattern: fnv($0, 0xcbf29ce484222325)) }
    }

    /// FNV-1a over the UTF-8 bytes, continuing from `h` (on the contiguous bytes: iterating
    /// the UTF-8 view was 4% of preparing a unit).
    private static func fnv(_ text: String, _ start: UInt64) -> UInt64 {
        var text = text
        return text.withUTF8 { fnv($0, start) }
    }

    private static func fnv(_ b: UnsafeBufferPointer<UInt8>, _ start: UInt64) -> UInt64 {
        var h = start
        for x in b { h = (h ^ UInt64(x)) &* 0x100000001b3 }
        return h
    }

    public static func keyHash(_ text: String) -> Int64 { hash(key(text)) }

    /// `hash(source + "\u{0}" + target)`, without building the joined string.
    public static func pairHash(source: String, target: String) -> Int64 {
        let h = fnv(source, 0xcbf29ce484222325) &* 0x100000001b3   // the NUL between: h ^ 0 = h
        return Int64(bitPattern: fnv(target, h))
    }
}
