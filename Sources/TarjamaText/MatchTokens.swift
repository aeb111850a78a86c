/// A token as the fuzzy matcher sees it: the text as written, and its matching key.
///
/// The matcher compares keys (so a voweled copy of a sentence equals the plain one) and looks at
/// the originals only to charge small penalties for what the key hid, and to show a word diff.
public struct MatchToken: Sendable, Equatable {
    /// The token as written (after NFKC and removal of invisible characters).
    public let original: String
    /// `Normalizer.matchingKey` of `original`.
    public let key: String
    public let kind: Token.Kind
    /// A proclitic (و ف ب ك ل ال) split off an Arabic word: costs little when it differs.
    public let isClitic: Bool

    public init(original: String, key: String, kind: Token.Kind, isClitic: Bool) {
        self.original = original
        self.key = key
        self.kind = kind
        self.isClitic = isClitic
    }

    /// Edit cost of inserting or deleting this token: words and numbers 1, clitics and
    /// punctuation 0.3, so `والصين` ↔ `الصين` or a lost comma barely move the score.
    public var weight: Double { isClitic || kind == .punctuation ? 0.3 : 1 }
}

/// Turns a sentence into match tokens and into the index terms the memory stores for it.
///
/// One definition shared by the memory (which indexes terms on every import) and the matcher
/// (which queries them), so both always agree.
/// ```swift
/// MatchTokens.tokens("والصينُ ٢٥٪").map(\.key)   // ["و", "ال", "صين", "25%"]
/// MatchTokens.terms("والصينُ ٢٥٪")                 // (terms: "صين 25", length: 2)
/// ```
public enum MatchTokens {
    private static let clean = Normalizer(steps: [.nfkc, .removeInvisible])
    private static let tokenizer = Tokenizer(splitProclitics: true)
    /// The matching key's steps without NFKC and invisibles, which `clean` already ran once per text.
    private static let tokenKey = Normalizer(steps: Normalizer.matchingKey.steps.filter { $0 != .nfkc && $0 != .removeInvisible })

    public static func tokens(_ text: String) -> [MatchToken] {
        let cleaned = clean.key(utf8: Array(text.utf8))
        var result: [MatchToken] = []
        result.reserveCapacity(cleaned.count / 4)
        for t in tokenizer.tokenize(utf8: cleaned) {
            let key = tokenKey.normalize(t.text)
            if key.isEmpty { continue }
            result.append(MatchToken(original: t.text, key: key, kind: t.kind, isClitic: t.isClitic))
        }
        return result
    }

    /// Index terms (stems of words and numbers, letters and digits only, space-separated) and the
    /// number of such tokens, which the memory stores for its length window.
    public static func terms(_ text: String) -> (terms: String, length: Int) {
        terms(tokens(text))
    }

    public static func terms(_ tokens: [MatchToken]) -> (terms: String, length: Int) {
        var out: [UInt8] = []
        var length = 0
        for t in tokens where !t.isClitic && t.kind != .punctuation {
            let term = indexTerm(t.key)
            if term.isEmpty { continue }
            if !out.isEmpty { out.append(0x20) }
            out.append(contentsOf: term.utf8)
            length += 1
        }
        return (String(decoding: out, as: UTF8.self), length)
    }

    /// A key reduced to letters and digits: the form SQLite's unicode61 tokenizer keeps whole.
    public static func indexTerm(_ key: String) -> String {
        var s = String.UnicodeScalarView()
        for c in key.unicodeScalars where CharClass.isLetter(c) || CharClass.digitValue(c) != nil { s.append(c) }
        return String(s)
    }
}
