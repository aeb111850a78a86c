/// Inline codes (a CAT tool's tags: bold, a link, a line break) as the memory writes them in
/// text: `{1}` opens a pair, `{/1}` closes it, `{2/}` stands alone. The codes' own markup is
/// kept beside the text (a unit's `x-codes-*` properties) and written back on export.
///
/// Matching ignores them: a tagged and an untagged sentence have the same key and tokens, and
/// the matcher shows the difference as a small penalty instead of losing a fifth of the score
/// to the brace characters.
public enum InlineCodes {
    /// A placeholder found in text: where it is, its id, and its kind.
    public struct Placeholder: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case open, close, standalone }
        public let range: Range<Int>   // UTF-8 offsets
        public let id: String
        public let kind: Kind

        public init(range: Range<Int>, id: String, kind: Kind) {
            self.range = range
            self.id = id
            self.kind = kind
        }

        public var text: String {
            switch kind {
            case .open: return "{\(id)}"
            case .close: return "{/\(id)}"
            case .standalone: return "{\(id)/}"
            }
        }
    }

    /// The placeholders of `text` in order.
    public static func placeholders(in text: String) -> [Placeholder] {
        placeholders(utf8: Array(text.utf8))
    }

    static func placeholders(utf8 b: [UInt8]) -> [Placeholder] {
        guard b.contains(0x7B) else { return [] }
        var found: [Placeholder] = []
        var i = 0
        while i < b.count {
            if b[i] == 0x7B, let p = placeholder(b, at: i) { found.append(p); i = p.range.upperBound } else { i += 1 }
        }
        return found
    }

    /// The placeholder starting at `i` (`{` id `}`, `{/` id `}`, `{` id `/}`; an id is 1-16
    /// letters, digits, `_` or `-`), if any.
    private static func placeholder(_ b: [UInt8], at i: Int) -> Placeholder? {
        var j = i + 1
        let closing = j < b.count && b[j] == 0x2F
        if closing { j += 1 }
        let start = j
        while j < b.count, j - start < 16, isIDByte(b[j]) { j += 1 }
        guard j > start, j < b.count else { return nil }
        let id = String(decoding: b[start..<j], as: UTF8.self)
        if b[j] == 0x7D { return Placeholder(range: i..<(j + 1), id: id, kind: closing ? .close : .open) }
        if !closing, b[j] == 0x2F, j + 1 < b.count, b[j + 1] == 0x7D { return Placeholder(range: i..<(j + 2), id: id, kind: .standalone) }
        return nil
    }

    private static func isIDByte(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || c == 0x5F || c == 0x2D
    }

    /// `text` without its placeholders; one between two letters or digits leaves a space, so
    /// no two words are joined.
    public static func stripped(_ text: String) -> String {
        let b = Array(text.utf8)
        guard b.contains(0x7B) else { return text }
        return String(decoding: strippedUTF8(b), as: UTF8.self)
    }

    static func strippedUTF8(_ b: [UInt8]) -> [UInt8] {
        let found = placeholders(utf8: b)
        guard !found.isEmpty else { return b }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var at = 0
        let starts = Set(found.map(\.range.lowerBound))
        for p in found {
            out.append(contentsOf: b[at..<p.range.lowerBound])
            at = p.range.upperBound
            // At the end of a run of placeholders, words on both sides stay apart.
            if !starts.contains(at), let last = out.last, isWordByte(last), at < b.count, isWordByte(b[at]) { out.append(0x20) }
        }
        out.append(contentsOf: b[at...])
        return out
    }

    /// A byte of a word: an ASCII letter or digit, or any byte of a non-ASCII scalar (Arabic).
    private static func isWordByte(_ c: UInt8) -> Bool {
        c >= 0x80 || (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
    }
}
