/// The languages Tarjama segments. Arabic is the source, English the target.
public enum Language: String, Sendable, Codable, CaseIterable {
    case ar, en

    /// Reads a language code the way CAT tools write it (`ar`, `AR`, `ar-SA`, `ar_EG`, `en-US`).
    public init?(code: String) {
        let primary = code.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map(String.init) ?? ""
        self.init(rawValue: primary)
    }
}

/// What a piece of a scraped article is. Only `boilerplate` is kept out of alignment and
/// pre-translation by default; the other kinds are real content a translator translates.
public enum SegmentKind: String, Sendable, Codable, CaseIterable {
    case body, headline, byline, dateline, caption, boilerplate
}

/// A sentence (or a headline, byline…) with where it sits in the original text.
///
/// `text` is the original text, trimmed; offsets let a tool point back into the file.
public struct Segment: Sendable, Codable, Equatable {
    /// Position among all segments of the document, boilerplate included, from 0.
    public var index: Int
    /// The paragraph (non-empty line) it belongs to, from 0.
    public var paragraph: Int
    public var text: String
    public var kind: SegmentKind
    /// Why a segment got a kind other than body (for example `repeated line`, `reading time`).
    public var reason: String?
    /// Character (Unicode code point) offsets in the original text, end exclusive.
    public var start: Int
    public var end: Int

    public init(index: Int, paragraph: Int, text: String, kind: SegmentKind, reason: String? = nil, start: Int, end: Int) {
        self.index = index
        self.paragraph = paragraph
        self.text = text
        self.kind = kind
        self.reason = reason
        self.start = start
        self.end = end
    }
}
