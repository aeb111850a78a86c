/// A word, number or punctuation mark, with where it came from.
public struct Token: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable { case word, number, punctuation }
    /// The token's text; for a split proclitic, the clitic itself (`و`, `ب`, `ال`).
    public let text: String
    /// UTF-8 byte range in the tokenised text (a split word's pieces share sub-ranges of it;
    /// `لل` → `ل` + `ال` both point at the `لل`).
    public let range: Range<Int>
    public let kind: Kind
    /// True for a proclitic split off an Arabic word, so a scorer can weigh it lightly.
    public let isClitic: Bool

    public init(text: String, range: Range<Int>, kind: Kind, isClitic: Bool = false) {
        self.text = text
        self.range = range
        self.kind = kind
        self.isClitic = isClitic
    }

    public var description: String { isClitic ? "\(text)+" : text }
}

/// Splits text into words, numbers and punctuation, optionally splitting Arabic proclitics.
///
/// Numbers stay whole in any digit script (`25٪`, `2.5`, `٣٫٥`, `10:30`, `٢٠٢٢`). With
/// `splitProclitics`, conjunctions و ف, prepositions ب ك ل before the article, and the article
/// ال come off as clitic tokens, so `والصين` ↔ `الصين` differ by one light token, not a word:
/// ```swift
/// Tokenizer(splitProclitics: true).tokenize("والصين").map(\.description)  // ["و+", "ال+", "صين"]
/// ```
public struct Tokenizer: Sendable {
    public var splitProclitics: Bool

    public init(splitProclitics: Bool = false) {
        self.splitProclitics = splitProclitics
    }

    public func tokenize(_ text: String) -> [Token] {
        tokenize(utf8: Array(text.utf8))
    }

    public func tokenize(utf8 bytes: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let (s, n) = UTF8Scan.scalar(at: i, in: b)
                if CharClass.isWhitespace(s) || CharClass.isInvisibleFormat(s) { i += n; continue }
                let start = i
                if CharClass.digitValue(s) != nil {
                    i = scanNumber(from: i, in: b)
                    // A number glued to letters (G20, 3D, COVID-19 is two) is one word.
                    if i < b.count, CharClass.isLetter(UTF8Scan.scalar(at: i, in: b).0) {
                        i = scanWord(from: i, in: b)
                        tokens.append(Token(text: text(b, start..<i), range: start..<i, kind: .word))
                    } else {
                        tokens.append(Token(text: text(b, start..<i), range: start..<i, kind: .number))
                    }
                } else if isWordScalar(s) {
                    i = scanWord(from: i, in: b)
                    appendWord(start..<i, b, &tokens)
                } else {
                    // Punctuation: a run of the same mark is one token ("...", "؟!" stays two).
                    i += n
                    while i < b.count, UTF8Scan.scalar(at: i, in: b).0 == s { i += n }
                    tokens.append(Token(text: text(b, start..<i), range: start..<i, kind: .punctuation))
                }
            }
        }
        return tokens
    }

    @inline(__always)
    private func text(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
    }

    @inline(__always)
    private func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        // ASCII and Arabic answer without Unicode property tables (asked for every space and
        // punctuation mark, they were 5% of preparing a unit).
        if s.value < 0x80 { return CharClass.isLetter(s) }
        if CharClass.isArabicLetter(s) || CharClass.isArabicDiacritic(s) || s.value == 0x0640 || s.value == 0x200C
            || s.value == 0x200D { return true }
        if (0x0600...0x06FF).contains(s.value) { return false }
        return CharClass.isLetter(s) || s.properties.generalCategory == .nonspacingMark
    }

    private func scanWord(from start: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
        var i = start
        while i < b.count {
            let (s, n) = UTF8Scan.scalar(at: i, in: b)
            if isWordScalar(s) || CharClass.digitValue(s) != nil { i += n; continue }
            // Keep an apostrophe inside a Latin word (don't, Xi's) but not around it.
            if s == "'" || s == "\u{2019}", i + n < b.count, i > start {
                let next = UTF8Scan.scalar(at: i + n, in: b).0
                let prev = UTF8Scan.scalar(before: i, in: b).0
                if next.value < 0x250 && CharClass.isLetter(next) && prev.value < 0x250 && CharClass.isLetter(prev) {
                    i += n; continue
                }
            }
            break
        }
        return i
    }

    private func scanNumber(from start: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
        var i = start
        while i < b.count {
            let (s, n) = UTF8Scan.scalar(at: i, in: b)
            if CharClass.digitValue(s) != nil { i += n; continue }
            // A separator stays inside a number only when a digit follows: 2.5, 10:30, 1,000, ٣٫٥, 30/12.
            switch s.value {
            case 0x2E, 0x2C, 0x3A, 0x2F, 0x066B, 0x066C:
                if i + n < b.count, CharClass.digitValue(UTF8Scan.scalar(at: i + n, in: b).0) != nil {
                    i += n; continue
                }
            case 0x25, 0x066A: // a percent sign belongs to its number
                i += n
                return i
            default: break
            }
            break
        }
        return i
    }

    private static let alef: UInt32 = 0x0627, lam: UInt32 = 0x0644, waw: UInt32 = 0x0648, fa: UInt32 = 0x0641
    private static let ba: UInt32 = 0x0628, kaf: UInt32 = 0x0643

    private func appendWord(_ r: Range<Int>, _ b: UnsafeBufferPointer<UInt8>, _ tokens: inout [Token]) {
        guard splitProclitics else {
            tokens.append(Token(text: text(b, r), range: r, kind: .word)); return
        }
        var scalars: [Unicode.Scalar] = []
        var offsets: [Int] = []
        var i = r.lowerBound
        while i < r.upperBound {
            let (s, n) = UTF8Scan.scalar(at: i, in: b)
            if !CharClass.isArabicDiacritic(s) && s.value != 0x0640 { scalars.append(s); offsets.append(i) }
            i += n
        }
        guard scalars.count >= 3, CharClass.isArabicLetter(scalars[0]) else {
            tokens.append(Token(text: text(b, r), range: r, kind: .word)); return
        }
        func letter(_ k: Int) -> UInt32 { k < scalars.count ? scalars[k].value : 0 }
        var k = 0
        // Conjunction و/ف: split when a real word of three or more letters stays behind.
        if (letter(0) == Self.waw || letter(0) == Self.fa) && scalars.count - 1 >= 3 {
            tokens.append(Token(text: String(scalars[0]), range: r.lowerBound..<offsets[1], kind: .word, isClitic: true))
            k = 1
        }
        // Prepositions ب ك ل only before the article, where they are unambiguous (بال، كال، لل),
        // and only before a stem of three letters or more (وكالات is not و+ك+ال+ات).
        if (letter(k) == Self.ba || letter(k) == Self.kaf) && letter(k + 1) == Self.alef && letter(k + 2) == Self.lam
            && scalars.count - k - 3 >= 3 {
            tokens.append(Token(text: String(scalars[k]), range: offsets[k]..<offsets[k + 1], kind: .word, isClitic: true))
            k += 1
        } else if letter(k) == Self.lam && letter(k + 1) == Self.lam && scalars.count - k - 2 >= 2 {
            // لل = ل + ال with the alef dropped in writing.
            tokens.append(Token(text: "\u{0644}", range: offsets[k]..<offsets[k + 1], kind: .word, isClitic: true))
            tokens.append(Token(text: "\u{0627}\u{0644}", range: offsets[k + 1]..<offsets[k + 2], kind: .word, isClitic: true))
            k += 2
            let rest = offsets[k]..<r.upperBound
            tokens.append(Token(text: text(b, rest), range: rest, kind: .word))
            return
        }
        if letter(k) == Self.alef && letter(k + 1) == Self.lam && scalars.count - k - 2 >= 2 {
            tokens.append(Token(text: "\u{0627}\u{0644}", range: offsets[k]..<offsets[k + 2], kind: .word, isClitic: true))
            k += 2
        }
        let rest = (k < offsets.count ? offsets[k] : r.upperBound)..<r.upperBound
        tokens.append(Token(text: text(b, rest), range: rest, kind: .word))
    }
}
