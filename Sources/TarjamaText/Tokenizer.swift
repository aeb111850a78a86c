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
            scan(b) { range, kind, clitic in
                let text = clitic?.text ?? String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
                tokens.append(Token(text: text, range: range, kind: kind, isClitic: clitic != nil))
            }
        }
        return tokens
    }

    /// A proclitic split off an Arabic word. Its text is always the plain letter(s), whatever
    /// diacritics or spelling the word had (`لل` gives `ل` and `ال`).
    public enum Clitic: UInt8, Sendable, CaseIterable {
        case waw, fa, ba, kaf, lam, article

        public var text: String { String(decoding: utf8, as: UTF8.self) }

        public var utf8: [UInt8] { withUTF8 { Array($0) } }

        /// The clitic's UTF-8 (two or four bytes), as one little-endian word and its length.
        @inline(__always)
        var packed: (word: UInt32, count: Int) {
            switch self {
            case .waw: return (0x88D9, 2)
            case .fa: return (0x81D9, 2)
            case .ba: return (0xA8D8, 2)
            case .kaf: return (0x83D9, 2)
            case .lam: return (0x84D9, 2)
            case .article: return (0x84D9_A7D8, 4)
            }
        }

        /// Bytes in `utf8`.
        @inline(__always)
        public var utf8Count: Int { packed.count }

        /// Lends the clitic's UTF-8 from a word on the stack: `utf8` makes an array, and an
        /// import reads the bytes of every clitic of every sentence.
        @inline(__always)
        public func withUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            var word = packed.word.littleEndian
            let n = packed.count
            return try withUnsafeBytes(of: &word) { try body(UnsafeBufferPointer(start: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)) }
        }
    }

    /// The tokeniser itself: calls `emit` with each token's byte range, kind and (for a split
    /// proclitic) which clitic it is, in order, without making a string per token (a million-unit
    /// import reads its tokens this way; `tokenize` builds `Token`s on top).
    public func scan(_ b: UnsafeBufferPointer<UInt8>, _ emit: (Range<Int>, Token.Kind, Clitic?) -> Void) {
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
                    emit(start..<i, .word, nil)
                } else {
                    emit(start..<i, .number, nil)
                }
            } else if isWordScalar(s) {
                i = scanWord(from: i, in: b)
                emitWord(start..<i, b, emit)
            } else {
                // Punctuation: a run of the same mark is one token ("...", "؟!" stays two).
                i += n
                while i < b.count, UTF8Scan.scalar(at: i, in: b).0 == s { i += n }
                emit(start..<i, .punctuation, nil)
            }
        }
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
            // ASCII letters and digits without decoding.
            let b0 = b[i]
            if b0 < 0x80 && CharClass.isASCIILetterOrDigit(b0) { i += 1; continue }
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

    /// Emits a word, split into proclitics and stem when `splitProclitics` is on. Reads only the
    /// word's first letters (diacritics and tatweel skipped) and counts the rest: no array per word.
    private func emitWord(_ r: Range<Int>, _ b: UnsafeBufferPointer<UInt8>, _ emit: (Range<Int>, Token.Kind, Clitic?) -> Void) {
        guard splitProclitics else { return emit(r, .word, nil) }
        // Most words start with a letter no proclitic starts with: settled on that letter.
        let first = UTF8Scan.scalar(at: r.lowerBound, in: b).0.value
        if first != Self.waw && first != Self.fa && first != Self.ba && first != Self.kaf && first != Self.lam
            && first != Self.alef && !CharClass.isArabicDiacritic(Unicode.Scalar(first)!) && first != 0x0640 {
            return emit(r, .word, nil)
        }
        // The first five letters and where each starts; `count` counts them up to eight (the
        // rules below ask for seven at most).
        var letters: (UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0)
        var starts: (Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0)
        var count = 0
        var i = r.lowerBound
        while i < r.upperBound {
            let (s, n) = UTF8Scan.scalar(at: i, in: b)
            if !CharClass.isArabicDiacritic(s) && s.value != 0x0640 {
                switch count {
                case 0: letters.0 = s.value; starts.0 = i
                case 1: letters.1 = s.value; starts.1 = i
                case 2: letters.2 = s.value; starts.2 = i
                case 3: letters.3 = s.value; starts.3 = i
                case 4: letters.4 = s.value; starts.4 = i
                default: break
                }
                count += 1
                if count == 8 { break }
            }
            i += n
        }
        guard count >= 3, CharClass.isArabicLetter(Unicode.Scalar(letters.0)!) else { return emit(r, .word, nil) }
        // Constant copies: closures over the mutable tuples paid for exclusivity checks.
        let l = letters, o = starts, n = count
        @inline(__always) func letter(_ k: Int) -> UInt32 {
            guard k < n else { return 0 }
            switch k { case 0: return l.0; case 1: return l.1; case 2: return l.2; case 3: return l.3; case 4: return l.4; default: return 0 }
        }
        @inline(__always) func offset(_ k: Int) -> Int {
            guard k < n else { return r.upperBound }
            switch k { case 0: return o.0; case 1: return o.1; case 2: return o.2; case 3: return o.3; case 4: return o.4; default: return r.upperBound }
        }
        var k = 0
        // Conjunction و/ف: split when a real word of three or more letters stays behind.
        if (letter(0) == Self.waw || letter(0) == Self.fa) && count - 1 >= 3 {
            emit(r.lowerBound..<offset(1), .word, letter(0) == Self.waw ? .waw : .fa)
            k = 1
        }
        // Prepositions ب ك ل only before the article, where they are unambiguous (بال، كال، لل),
        // and only before a stem of three letters or more (وكالات is not و+ك+ال+ات).
        if (letter(k) == Self.ba || letter(k) == Self.kaf) && letter(k + 1) == Self.alef && letter(k + 2) == Self.lam
            && count - k - 3 >= 3 {
            emit(offset(k)..<offset(k + 1), .word, letter(k) == Self.ba ? .ba : .kaf)
            k += 1
        } else if letter(k) == Self.lam && letter(k + 1) == Self.lam && count - k - 2 >= 2 {
            // لل = ل + ال with the alef dropped in writing.
            emit(offset(k)..<offset(k + 1), .word, .lam)
            emit(offset(k + 1)..<offset(k + 2), .word, .article)
            k += 2
            return emit(offset(k)..<r.upperBound, .word, nil)
        }
        if letter(k) == Self.alef && letter(k + 1) == Self.lam && count - k - 2 >= 2 {
            emit(offset(k)..<offset(k + 2), .word, .article)
            k += 2
        }
        emit(offset(k)..<r.upperBound, .word, nil)
    }
}
