import TarjamaText

/// Character similarity of two matching keys: 2 × LCS / (sum of lengths), the Indel ratio that
/// rapidfuzz and memoQ-style character scores use, computed bit-parallel (Allison–Dix /
/// Hyyrö: one 64-bit word per 64 query characters per stored character), so scoring a few
/// hundred candidates costs microseconds, not the milliseconds of a cell-by-cell table.
///
/// Arabic inflects and attaches by affixes: `لديه` / `لدي`, `الفرنسية` / `الفارسية` share most of
/// their letters but are different words to a word-level distance. The character ratio gives
/// them the credit a translator sees.
/// ```swift
/// var c = CharacterSimilarity(query: MatchTokens.tokens("أريد تعلم الفرنسية"))
/// c.ratio(MatchTokens.tokens("أريد تعلم الفارسية"))   // ≈ 0.95
/// ```
public struct CharacterSimilarity {
    /// The query's key characters (UTF-16 units: every Arabic and Latin letter is one).
    public let query: [UInt16]
    private let words: Int
    /// Match masks, `words` per slot; slot 0 is all zeros (characters the query lacks).
    private var masks: [UInt64]
    /// Slot of a character below 0x0700 (ASCII, Latin, Arabic): a dense table, no hashing.
    private var dense: [UInt16]
    private var sparse: [UInt16: UInt16] = [:]
    private var vector: [UInt64]
    private var text: [UInt16] = []

    public init(query tokens: [MatchToken], _ form: Form = .key) {
        self.init(characters: Self.characters(tokens, form))
    }

    public init(characters: [UInt16]) {
        query = characters
        words = max(1, (characters.count + 63) / 64)
        dense = [UInt16](repeating: 0, count: 0x700)
        masks = [UInt64](repeating: 0, count: words)
        vector = [UInt64](repeating: 0, count: words)
        var slots = 1
        for (i, c) in characters.enumerated() {
            var slot = c < 0x700 ? dense[Int(c)] : (sparse[c] ?? 0)
            if slot == 0 {
                slot = UInt16(slots); slots += 1
                masks.append(contentsOf: repeatElement(0, count: words))
                if c < 0x700 { dense[Int(c)] = slot } else { sparse[c] = slot }
            }
            masks[Int(slot) * words + i / 64] |= 1 << UInt64(i % 64)
        }
    }

    /// What a token contributes to the compared text.
    public enum Form: Sendable {
        /// The matching key: what the score compares.
        case key
        /// The key with its numbers replaced, in order, by the query's (`numbers`): numbers are
        /// placeables, substituted into the target when they differ, so the quick pass counts
        /// them as the full evaluation will after substitution (`الفقرة 4` for `الفقرة 44`).
        case queryNumbers
        /// The token as written (diacritics, alef forms): orders matches of equal score.
        case written
    }

    /// The tokens as one text: a space between tokens, none after a proclitic or before
    /// punctuation, so `و` + `الصين` reads `والصين` and a spacing difference costs nothing.
    /// `replacing` gives other keys for some token positions (substituted placeables).
    public static func characters(_ tokens: [MatchToken], _ form: Form = .key, replacing: [Int: String] = [:],
                                  numbers: [String] = []) -> [UInt16] {
        var out: [UInt16] = []
        append(tokens, form, replacing: replacing, numbers: numbers, to: &out)
        return out
    }

    static func append(_ tokens: [MatchToken], _ form: Form, replacing: [Int: String] = [:], numbers: [String] = [],
                       to out: inout [UInt16]) {
        var joiner = Joiner(out: out, numbers: form == .queryNumbers ? numbers : [])
        out = []
        for (k, t) in tokens.enumerated() {
            joiner.separate(t.kind, clitic: t.isClitic)
            if let r = replacing[k] { joiner.out.append(contentsOf: r.utf16); continue }
            if joiner.takeNumber(t.kind) { continue }
            joiner.out.append(contentsOf: (form == .written ? t.original : t.key).utf16)
        }
        out = joiner.out
    }

    /// Joins tokens into the compared text, for both token forms: the spacing rule, and the
    /// query's numbers written in place of the stored ones, in order.
    private struct Joiner {
        var out: [UInt16]
        let numbers: [String]
        var previousClitic = true
        var number = 0

        init(out: [UInt16], numbers: [String]) {
            self.out = out
            self.numbers = numbers
        }

        mutating func separate(_ kind: Token.Kind, clitic: Bool) {
            if !previousClitic && kind != .punctuation { out.append(0x20) }
            previousClitic = clitic
        }

        /// True when the token was a number and the query's next number was written for it.
        mutating func takeNumber(_ kind: Token.Kind) -> Bool {
            guard kind == .number && number < numbers.count else { return false }
            out.append(contentsOf: numbers[number].utf16)
            number += 1
            return true
        }
    }

    /// The ratio in [0, 1] against a stored token list (read in the form the query was built in).
    public mutating func ratio(_ stored: [MatchToken], _ form: Form = .key, replacing: [Int: String] = [:],
                               numbers: [String] = []) -> Double {
        text.removeAll(keepingCapacity: true)
        Self.append(stored, form, replacing: replacing, numbers: numbers, to: &text)
        return ratioOfText()
    }

    /// 2 × LCS / total length for the text just built.
    private mutating func ratioOfText() -> Double {
        let total = query.count + text.count
        guard total > 0 else { return 1 }
        return 2 * Double(lcs(text)) / Double(total)
    }

    /// The ratio against stored tokens read in their byte form, the stored numbers replaced in
    /// order by `numbers` (the quick pass's `.queryNumbers` text, built without decoding).
    public mutating func ratio(_ stored: StoredTokens, numbers: [String]) -> Double {
        text.removeAll(keepingCapacity: true)
        var joiner = Joiner(out: text, numbers: numbers)
        text = []
        stored.forEachKey { kind, clitic, key in
            joiner.separate(kind, clitic: clitic)
            if joiner.takeNumber(kind) { return }
            // UTF-8 to UTF-16: Arabic and Latin letters are one unit each.
            var i = 0
            while i < key.count {
                if key[i] < 0x80 { joiner.out.append(UInt16(key[i])); i += 1; continue }
                let (s, n) = UTF8Scan.scalar(at: i, in: key)
                i += n
                joiner.out.append(contentsOf: UTF16.encode(s)!)
            }
        }
        text = joiner.out
        return ratioOfText()
    }

    /// Length of the longest common subsequence of the query and `b`.
    public mutating func lcs(_ b: [UInt16]) -> Int {
        guard !query.isEmpty, !b.isEmpty else { return 0 }
        let w = words
        return masks.withUnsafeBufferPointer { m in
            dense.withUnsafeBufferPointer { d in
                vector.withUnsafeMutableBufferPointer { v in
                    for k in 0..<w { v[k] = ~0 }
                    for c in b {
                        let slot = Int(c < 0x700 ? d[Int(c)] : (sparse[c] ?? 0))
                        if slot == 0 { continue }   // no match bits: V + 0 | V − 0 = V
                        let base = slot * w
                        var carry: UInt64 = 0
                        for k in 0..<w {
                            let x = v[k], u = x & m[base + k]
                            let (s1, o1) = x.addingReportingOverflow(u)
                            let (s2, o2) = s1.addingReportingOverflow(carry)
                            carry = (o1 || o2) ? 1 : 0
                            v[k] = s2 | (x & ~u)
                        }
                    }
                    var zeros = 0
                    for k in 0..<w {
                        let bits = min(64, query.count - k * 64)
                        let valid: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
                        zeros += (~v[k] & valid).nonzeroBitCount
                    }
                    return zeros
                }
            }
        }
    }
}
