import CICUShim

/// A failure reported by ICU, with the operation that failed so the message can say what to do.
public struct ICUError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let code: Int32
    public var description: String {
        "ICU \(operation) failed (error code \(code)); check that libicu is installed (apt-get install libicu-dev)"
    }
}

/// Calls a shim function that follows the "returns needed length" convention, growing the
/// buffer once when the first guess is too small.
@inline(__always)
func icuTransform(_ bytes: [UInt8], operation: String, initialCapacity: Int? = nil,
                  _ call: (UnsafePointer<UInt8>?, Int32, UnsafeMutablePointer<UInt8>?, Int32, UnsafeMutablePointer<Int32>) -> Int32) throws -> [UInt8] {
    var capacity = initialCapacity ?? (bytes.count + bytes.count / 2 + 16)
    for _ in 0..<2 {
        var error: Int32 = 0
        var out = [UInt8](repeating: 0, count: capacity)
        let needed = bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                call(src.baseAddress, Int32(src.count), dst.baseAddress, Int32(capacity), &error)
            }
        }
        if needed < 0 || error > 0 { throw ICUError(operation: operation, code: error) }
        if Int(needed) <= capacity {
            out.removeSubrange(Int(needed)...)
            return out
        }
        capacity = Int(needed)
    }
    throw ICUError(operation: operation, code: -1)
}

/// ICU's rule-based break iterator over UTF-8, returning byte offsets.
///
/// Not thread-safe (ICU iterators hold state): give each thread or task its own.
/// ```swift
/// let breaker = try BreakIterator(.sentence, locale: "ar")
/// let ends = breaker.boundaries(Array("جملة. جملة أخرى.".utf8))
/// ```
public final class BreakIterator {
    public enum Kind: Sendable { case sentence, word }
    private let handle: OpaquePointer
    private var out: [Int32] = []
    private var status: [Int32] = []

    public init(_ kind: Kind, locale: String) throws {
        var error: Int32 = 0
        guard let handle = tj_breaker_open(kind == .sentence ? Int32(TJ_BREAK_SENTENCE) : Int32(TJ_BREAK_WORD),
                                           locale, &error) else {
            throw ICUError(operation: "break iterator for '\(locale)'", code: error)
        }
        self.handle = handle
    }

    deinit { tj_breaker_close(handle) }

    /// Boundary byte offsets after position 0, ending with `utf8.count`.
    public func boundaries(_ utf8: UnsafeBufferPointer<UInt8>) -> [Int] {
        let needed = fill(utf8)
        return (0..<needed).map { Int(out[$0]) }
    }

    public func boundaries(_ utf8: [UInt8]) -> [Int] {
        utf8.withUnsafeBufferPointer { boundaries($0) }
    }

    private func fill(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        if utf8.isEmpty { return 0 }
        var capacity = max(16, utf8.count / 16)
        while true {
            if out.count < capacity {
                out = [Int32](repeating: 0, count: capacity)
                status = [Int32](repeating: 0, count: capacity)
            }
            var error: Int32 = 0
            let n = out.withUnsafeMutableBufferPointer { o in
                status.withUnsafeMutableBufferPointer { s in
                    tj_breaker_boundaries(handle, utf8.baseAddress, Int32(utf8.count), o.baseAddress, s.baseAddress,
                                          Int32(capacity), &error)
                }
            }
            if n < 0 { return 0 }
            if Int(n) <= capacity { return Int(n) }
            capacity = Int(n)
        }
    }
}

/// An ICU transliterator such as `"Arabic-Latin; Latin-ASCII"`. Not thread-safe.
public final class Transliterator {
    private let handle: OpaquePointer
    public let id: String

    public init(_ id: String) throws {
        var error: Int32 = 0
        guard let handle = tj_translit_open(id, &error) else {
            throw ICUError(operation: "transliterator '\(id)'", code: error)
        }
        self.handle = handle
        self.id = id
    }

    deinit { tj_translit_close(handle) }

    public func apply(_ text: String) throws -> String {
        let bytes = try icuTransform(Array(text.utf8), operation: "transliteration '\(id)'",
                                     initialCapacity: text.utf8.count * 3 + 16) {
            tj_translit_apply(handle, $0, $1, $2, $3, $4)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Unicode services that are pure functions (thread-safe).
public enum Unicode2 {
    /// NFKC of UTF-8 bytes; returns the input unchanged (no copy) when it is already NFKC.
    public static func nfkc(_ bytes: [UInt8]) throws -> [UInt8] {
        if isStable(bytes) { return bytes }
        if let ordered = orderingMarks(bytes) { return ordered }
        var error: Int32 = 0
        let isNormal = bytes.withUnsafeBufferPointer { tj_is_nfkc($0.baseAddress, Int32($0.count), &error) }
        if isNormal == 1 { return bytes }
        return try icuTransform(bytes, operation: "NFKC normalisation") { tj_normalize_nfkc($0, $1, $2, $3, $4) }
    }

    /// True when the text is one NFKC leaves alone: ASCII, Arabic letters, digits and
    /// punctuation, and harakat (U+064B-U+0652, U+0670) in canonical order. Most Arabic wire text
    /// is such, and ICU's check converts to UTF-16 first (it was 5% of preparing a unit for
    /// import; voweled text, a third of the sentences, went to it until marks were allowed).
    ///
    /// The harakat never compose with a letter, and their combining classes (27-35) rise with
    /// their code points, so a run of them is in canonical order exactly when its code points
    /// do not fall (`ًّ` is; `ًّ` is not, and goes to ICU to be reordered).
    static func isStable(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            var lastMark: UInt32 = 0
            while i < b.count {
                let b0 = b[i]
                if b0 < 0x80 { i += 1; lastMark = 0; continue }
                // A letter ء-ي (most of any Arabic sentence) without decoding the general way.
                if (b0 == 0xD8 || b0 == 0xD9) && i + 1 < b.count && b[i + 1] & 0xC0 == 0x80 {
                    let v = (UInt32(b0 & 0x1F) << 6) | UInt32(b[i + 1] & 0x3F)
                    if v >= 0x0621 && v <= 0x064A { i += 2; lastMark = 0; continue }
                }
                let (s, n) = UTF8Scan.scalar(at: i, in: b)
                switch FastClass(s.value) {
                case .base:
                    lastMark = 0
                case .mark:
                    if s.value < lastMark { return false }
                    lastMark = s.value
                case .other:
                    return false
                }
                i += n
            }
            return true
        }
    }

    /// The NFKC of text that `isStable` turned down only for the order of its harakat: the
    /// same bytes with each run of harakat put in canonical order, by code point (see
    /// `isStable`); nil when the text holds anything else the fast path does not know.
    ///
    /// Voweled text is often typed with the shadda before the vowel (`بَّ` as ب U+0651 U+064E,
    /// where NFKC has U+064E U+0651): 4% of a news corpus's sources, and ICU's conversion to
    /// UTF-16 and back for the reordering alone had cost as much as the rest of preparing such
    /// a unit for import.
    static func orderingMarks(_ bytes: [UInt8]) -> [UInt8]? {
        var out = bytes
        let known = out.withUnsafeMutableBufferPointer { b -> Bool in
            var i = 0
            var run = -1   // where the run of marks the scan is in starts, or -1
            while i < b.count {
                if b[i] < 0x80 { i += 1; run = -1; continue }
                let (s, n) = UTF8Scan.scalar(at: i, in: UnsafeBufferPointer(b))
                switch FastClass(s.value) {
                case .base:
                    run = -1
                case .mark:
                    // Each mark is 0xD9 and one byte that orders them as their code points:
                    // insertion into the run so far swaps those second bytes.
                    guard n == 2 else { return false }
                    if run < 0 { run = i }
                    var j = i
                    while j > run && b[j - 1] > b[j + 1] {
                        b.swapAt(j - 1, j + 1)
                        j -= 2
                    }
                case .other:
                    return false
                }
                i += n
            }
            return true
        }
        return known ? out : nil
    }

    /// How the NFKC fast path sees a scalar: a base it leaves alone (Arabic letters, digits and
    /// punctuation NFKC keeps), a haraka (U+064B-U+0652, U+0670: combining classes 27-35,
    /// rising with the code points, composing with nothing), or anything else (ICU decides).
    enum FastClass {
        case base, mark, other

        @inline(__always)
        init(_ v: UInt32) {
            switch v {
            case 0x060C, 0x061B, 0x061F, 0x0621...0x064A, 0x0660...0x066D, 0x0671...0x0674, 0x0679...0x06D3, 0x06D5: self = .base
            case 0x064B...0x0652, 0x0670: self = .mark
            default: self = .other
            }
        }
    }

    /// NFKD of UTF-8 bytes (compatibility decomposition: `é` → `e` + U+0301, `ﬁ` → `fi`).
    public static func nfkd(_ bytes: [UInt8]) throws -> [UInt8] {
        try icuTransform(bytes, operation: "NFKD normalisation") { tj_normalize_nfkd($0, $1, $2, $3, $4) }
    }

    /// Full Unicode case folding.
    public static func foldCase(_ bytes: [UInt8]) throws -> [UInt8] {
        try icuTransform(bytes, operation: "case folding") { tj_fold_case($0, $1, $2, $3, $4) }
    }

    /// The linked ICU version, for `tarjama --version`.
    public static var icuVersion: String { String(cString: tj_icu_version()) }
}
