/// Words as concordance searches them: runs of letters and digits, with case and accents
/// folded (`the Café-Riche` → `the`, `cafe`, `riche`).
///
/// One definition for the memory's target-word index and for the phrase check on what it finds,
/// so the index never misses a unit the check would accept. English text is mostly ASCII and is
/// folded byte by byte; a word with other letters goes through NFKD, loses its combining marks
/// and is case-folded (ICU).
/// ```swift
/// SearchWords.words("A Video-Call with Xi’s team")   // ["a", "video", "call", "with", "xi", "s", "team"]
/// ```
public enum SearchWords {
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        forEachWord(text) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    /// The words joined by single spaces, as UTF-8 (the form an index takes them in).
    public static func joined(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        _ = joined(text, appendingTo: &out)
        return out
    }

    /// `joined`, appended to `bytes` and given as the range it took (an import prepares a
    /// batch's units into one array per thread).
    public static func joined(_ text: String, appendingTo bytes: inout [UInt8]) -> Range<Int> {
        let start = bytes.count
        var text = text
        // Plain ASCII (most English) in one pass: letters lowered, everything else a break.
        let ascii = text.withUTF8 { b -> Bool in
            // Written in scratch space, then appended at its size; a non-ASCII byte leaves for
            // the general path.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: b.count) { out -> Bool in
                asciiFold.withUnsafeBufferPointer { fold in
                    var w = 0
                    var gap = false
                    for c in b {
                        let m = fold[Int(c)]
                        if m > 0x20 {
                            if gap && w > 0 { out[w] = 0x20; w += 1 }
                            gap = false
                            out[w] = m
                            w += 1
                        } else if m == 0 {
                            gap = true
                        } else {
                            return false
                        }
                    }
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: out[..<w]))
                    return true
                }
            }
        }
        if !ascii {
            forEachWord(text) { w in
                if bytes.count > start { bytes.append(0x20) }
                bytes.append(contentsOf: w)
            }
        }
        return start..<bytes.count
    }

    /// Per byte: an ASCII letter lowered or a digit as it is, 0 for any other ASCII byte (a
    /// break between words), 1 for a byte of a non-ASCII character (the general path). One
    /// load a byte instead of the range tests: the fast path had cost 23 instructions a byte.
    private static let asciiFold: [UInt8] = (0...255).map { (c: Int) -> UInt8 in
        switch c {
        case 0x41...0x5A: return UInt8(c | 0x20)
        case 0x61...0x7A, 0x30...0x39: return UInt8(c)
        case 0x80...: return 1
        default: return 0
        }
    }

    /// Whether the words of `phrase` occur one after another among the words of `text`.
    public static func text(_ text: String, contains phrase: String) -> Bool {
        let want = words(phrase), have = words(text)
        guard !want.isEmpty, want.count <= have.count else { return false }
        return (0...(have.count - want.count)).contains { i in have[i..<(i + want.count)].elementsEqual(want) }
    }

    /// Calls `body` with each folded word's bytes, in order.
    public static func forEachWord(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        text.withUTF8 { b in
            var word: [UInt8] = []
            word.reserveCapacity(32)
            var ascii = true
            func flush() {
                guard !word.isEmpty else { return }
                if ascii {
                    word.withUnsafeBufferPointer(body)
                } else {
                    fold(word).withUnsafeBufferPointer { if !$0.isEmpty { body($0) } }
                }
                word.removeAll(keepingCapacity: true)
                ascii = true
            }
            var i = 0
            while i < b.count {
                let c = b[i]
                if c < 0x80 {
                    switch c {
                    case 0x41...0x5A: word.append(c | 0x20)
                    case 0x61...0x7A, 0x30...0x39: word.append(c)
                    default: flush()
                    }
                    i += 1
                    continue
                }
                let (s, n) = UTF8Scan.scalar(at: i, in: b)
                if isWordScalar(s) {
                    word.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<(i + n)]))
                    ascii = false
                } else {
                    flush()
                }
                i += n
            }
            flush()
        }
    }

    /// Letters, digits and the marks that belong to them; general punctuation and spaces
    /// (U+2000–U+206F: curly quotes, dashes) answer without a property lookup.
    private static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if (0x2000...0x206F).contains(s.value) { return false }
        if CharClass.isArabicLetter(s) || CharClass.digitValue(s) != nil { return true }
        let p = s.properties
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// NFKD, combining marks dropped, case folded.
    private static func fold(_ word: [UInt8]) -> [UInt8] {
        guard let decomposed = try? Unicode2.nfkd(word) else { return word }
        var bare: [UInt8] = []
        bare.reserveCapacity(decomposed.count)
        decomposed.withUnsafeBufferPointer { d in
            var i = 0
            while i < d.count {
                let (s, n) = UTF8Scan.scalar(at: i, in: d)
                if s.properties.generalCategory != .nonspacingMark { bare.append(contentsOf: UnsafeBufferPointer(rebasing: d[i..<(i + n)])) }
                i += n
            }
        }
        return (try? Unicode2.foldCase(bare)) ?? bare
    }
}
