/// UTF-8 decoding and character classes used on hot paths.
///
/// Segmentation and normalisation walk `[UInt8]` directly: Swift `Character` iteration is
/// about 80× slower on this platform, and every class Tarjama needs is a property of a scalar.
public enum UTF8Scan {
    /// Decodes the scalar starting at byte `i`; returns it and its byte length. A stray
    /// continuation byte is U+FFFD of one byte (read as a lead, it swallowed the next byte and
    /// could step past the end of a field: a fuzzer's find).
    @inline(__always)
    public static func scalar(at i: Int, in b: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int) {
        let b0 = b[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        if b0 < 0xC0 { return ("\u{FFFD}", 1) }
        if b0 < 0xE0, i + 1 < b.count {
            return (Unicode.Scalar((UInt32(b0 & 0x1F) << 6) | UInt32(b[i + 1] & 0x3F)) ?? "\u{FFFD}", 2)
        }
        if b0 < 0xF0, i + 2 < b.count {
            let v = (UInt32(b0 & 0x0F) << 12) | (UInt32(b[i + 1] & 0x3F) << 6) | UInt32(b[i + 2] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 3)
        }
        if i + 3 < b.count {
            let v = (UInt32(b0 & 0x07) << 18) | (UInt32(b[i + 1] & 0x3F) << 12)
                | (UInt32(b[i + 2] & 0x3F) << 6) | UInt32(b[i + 3] & 0x3F)
            return (Unicode.Scalar(v) ?? "\u{FFFD}", 4)
        }
        return ("\u{FFFD}", 1)
    }

    /// The start of the scalar that ends just before byte `end`.
    @inline(__always)
    static func start(before end: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
        var i = end - 1
        while i > 0 && (b[i] & 0xC0) == 0x80 { i -= 1 }
        return i
    }

    /// The byte length of the UTF-8 sequence a lead byte starts.
    @inline(__always)
    static func length(lead b: UInt8) -> Int { b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4 }

    @inline(__always)
    static func scalar(before end: Int, in b: UnsafeBufferPointer<UInt8>) -> (Unicode.Scalar, Int) {
        let s = start(before: end, in: b)
        return (scalar(at: s, in: b).0, s)
    }

    /// The bytes of `b[range]` without leading and trailing whitespace (`CharClass.isWhitespace`).
    public static func trimmingWhitespace(_ range: Range<Int>, in b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        // Nearly every token starts with an ASCII character above space or a two-byte Arabic
        // scalar (lead byte D8-DB) and ends with one: no whitespace to decode for.
        if lo < hi {
            let first = b[lo], last = b[hi - 1]
            let plainStart = (first > 0x20 && first < 0x80) || (first >= 0xD8 && first <= 0xDB)
            let plainEnd = (last > 0x20 && last < 0x80) || (hi - lo >= 2 && b[hi - 2] >= 0xD8 && b[hi - 2] <= 0xDB && last & 0xC0 == 0x80)
            if plainStart && plainEnd { return range }
        }
        while lo < hi, case let (s, n) = scalar(at: lo, in: b), CharClass.isWhitespace(s) { lo = min(lo + n, hi) }
        while lo < hi, case let (s, start) = scalar(before: hi, in: b), CharClass.isWhitespace(s) { hi = max(start, lo) }
        return lo..<hi
    }

    @inline(__always)
    static func append(_ s: Unicode.Scalar, to out: inout [UInt8]) {
        let v = s.value
        switch v {
        case 0..<0x80: out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// Counts scalars in a byte range: how `--json` turns byte offsets into the character
    /// (code point) offsets that Python and most tools use.
    public static func scalarCount(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var n = 0
        for i in range where (b[i] & 0xC0) != 0x80 { n += 1 }
        return n
    }
}

/// Character classes from the field, in one place so every step agrees on them.
public enum CharClass {
    @inline(__always)
    public static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default: return false
        }
    }

    /// Invisible format characters that scraping leaves in text: bidi controls, zero-width
    /// characters, the Arabic letter mark, soft hyphens and the byte-order mark.
    @inline(__always)
    public static func isInvisibleFormat(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00AD, 0x061C, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF:
            return true
        default: return false
        }
    }

    @inline(__always)
    public static func isArabicLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0620...0x063F, 0x0641...0x064A, 0x066E...0x066F, 0x0671...0x06D3, 0x06D5, 0x06EE...0x06EF,
             0x06FA...0x06FF, 0x0750...0x077F, 0x08A0...0x08C9, 0xFB50...0xFDFF, 0xFE70...0xFEFC:
            return true
        default: return false
        }
    }

    /// Tashkeel (harakat, tanween, shadda, sukun, superscript alef) and Quranic marks.
    @inline(__always)
    public static func isArabicDiacritic(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x064B...0x065F, 0x0670, 0x0610...0x061A, 0x06D6...0x06DC, 0x06DF...0x06E4, 0x06E7, 0x06E8, 0x06EA...0x06ED:
            return true
        default: return false
        }
    }

    /// The decimal value of a digit in any script Tarjama meets (ASCII, Arabic-Indic,
    /// Extended Arabic-Indic/Persian), or nil.
    @inline(__always)
    public static func digitValue(_ s: Unicode.Scalar) -> UInt32? {
        switch s.value {
        case 0x30...0x39: return s.value - 0x30
        case 0x0660...0x0669: return s.value - 0x0660
        case 0x06F0...0x06F9: return s.value - 0x06F0
        default: return nil
        }
    }

    /// An ASCII letter or digit, from its byte (no decoding).
    @inline(__always)
    public static func isASCIILetterOrDigit(_ b: UInt8) -> Bool {
        (b | 0x20) &- 0x61 < 26 || b &- 0x30 < 10
    }

    @inline(__always)
    public static func isLetter(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return (s.value | 0x20) >= 0x61 && (s.value | 0x20) <= 0x7A }
        if isArabicLetter(s) { return true }
        return s.properties.isAlphabetic && !isArabicDiacritic(s) && s.value != 0x0640
    }

    @inline(__always)
    public static func isUppercase(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value >= 0x41 && s.value <= 0x5A }
        return s.properties.isUppercase
    }

    @inline(__always)
    public static func isLowercase(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value >= 0x61 && s.value <= 0x7A }
        return s.properties.isLowercase
    }

    /// Quotes and brackets that close a sentence and stay with it (`” » " ' ) ]`).
    @inline(__always)
    public static func isCloser(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x22, 0x27, 0x29, 0x5D, 0x7D, 0xBB, 0x2019, 0x201D, 0x203A, 0xFD3F, 0x300D, 0x300F:
            return true
        default: return false
        }
    }

    /// Quotes and brackets that open (`“ « " ' ( [`); `"` and `'` are both.
    @inline(__always)
    public static func isOpener(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x22, 0x27, 0x28, 0x5B, 0x7B, 0xAB, 0x2018, 0x201C, 0x201E, 0x2039, 0xFD3E, 0x300C, 0x300E:
            return true
        default: return false
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (`CharClass.isWhitespace`), in native
    /// Swift: Foundation's `trimmingCharacters(in:)` bridges through UTF-16 and was 15% of a
    /// TMX import.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let head = scalars.first, let tail = scalars.last else { return "" }
        // Most text starts and ends with a letter or a full stop: nothing to search or copy.
        if !CharClass.isWhitespace(head) && !CharClass.isWhitespace(tail) { return String(self) }
        guard let first = scalars.firstIndex(where: { !CharClass.isWhitespace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !CharClass.isWhitespace($0) })!
        return String(self[first..<scalars.index(after: last)])
    }
}
