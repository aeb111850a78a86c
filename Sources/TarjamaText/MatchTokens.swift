#if canImport(Glibc)
import Glibc
#endif

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
        keyAndTokens(text).tokens
    }

    /// The sentence's matching key (`Normalizer.matchingKey`) and its match tokens, from one
    /// NFKC pass and one normalisation of the sentence: each token's key is its slice of the
    /// sentence's key (normalising token by token was a third of preparing a unit for import).
    public static func keyAndTokens(_ text: String) -> (key: String, tokens: [MatchToken]) {
        let l = Layout(text)
        var result: [MatchToken] = []
        result.reserveCapacity(l.spans.count)
        l.forEach { span, original, key in
            if let c = span.clitic {
                let t = c.text
                result.append(MatchToken(original: t, key: t, kind: span.kind, isClitic: true))
                return
            }
            let o = String(decoding: original, as: UTF8.self)
            // Most words are their own key: share the original's storage.
            let k = original.elementsEqual(key) ? o : String(decoding: key, as: UTF8.self)
            result.append(MatchToken(original: o, key: k, kind: span.kind, isClitic: false))
        }
        return (String(decoding: l.key, as: UTF8.self), result)
    }

    /// What the memory stores for a source, straight from its bytes with no string per token:
    /// the matching key, the index terms and their count, and the tokens' stored form. Equal to
    /// `keyAndTokens`, `terms` and `encode` in turn (a million-unit import spent half its
    /// preparation making and freeing the strings in between).
    public static func storedForm(_ text: String) -> (key: [UInt8], terms: [UInt8], length: Int, tokens: [UInt8]) {
        var bytes: [UInt8] = []
        let form = storedForm(text, appendingTo: &bytes)
        return (form.key, Array(bytes[form.terms]), form.length, Array(bytes[form.tokens]))
    }

    /// `storedForm`, its terms and tokens appended to `bytes` and given as ranges of it: an
    /// import prepares a batch's units into one array per thread instead of two arrays a unit.
    public static func storedForm(_ text: String, appendingTo bytes: inout [UInt8]) -> (key: [UInt8], terms: Range<Int>, length: Int, tokens: Range<Int>) {
        let l = Layout(text)
        // Both outputs are written in place into buffers of their largest size (appending byte
        // by byte checked each array's uniqueness and capacity for every byte).
        var formBound = 0, termBound = 0
        for span in l.spans {
            let o = span.clitic.map { $0.utf8Count } ?? span.original.count
            let k = span.clitic.map { $0.utf8Count } ?? span.key.count
            formBound += Encoder.bound(original: o, key: k)
            termBound += k + 1
        }
        var length = 0
        var terms = 0..<0, tokens = 0..<0
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: formBound + termBound) { scratch in
            var encoder = Encoder(scratch.baseAddress!)
            var writer = TermWriter(scratch.baseAddress! + formBound)
            l.forEach { span, original, key in
                encoder.append(kind: span.kind, clitic: span.clitic != nil, original: original, key: key)
                if span.clitic == nil && span.kind != .punctuation { writer.append(key) }
            }
            let start = bytes.count
            bytes.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress! + formBound, count: writer.written))
            terms = start..<bytes.count
            bytes.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress!, count: encoder.count))
            tokens = terms.upperBound..<bytes.count
            length = writer.count
        }
        return (l.key, terms, length, tokens)
    }

    /// The one analysis behind match tokens and their stored form: the sentence cleaned (NFKC,
    /// no invisible characters), its matching key, and per token where its original lies in the
    /// one and its key in the other.
    struct Layout {
        struct Span {
            let original: Range<Int>
            let key: Range<Int>
            let kind: Token.Kind
            let clitic: Tokenizer.Clitic?
        }
        let cleaned: [UInt8]
        let key: [UInt8]
        private(set) var spans: [Span] = []

        init(_ text: String) {
            // Inline-code placeholders are not part of the sentence (`InlineCodes`).
            cleaned = MatchTokens.clean.key(utf8: InlineCodes.strippedUTF8(Array(text.utf8)))
            var offsets: [Int32] = []
            key = MatchTokens.tokenKey.key(utf8: cleaned, offsets: &offsets)
            var spans: [Span] = []
            spans.reserveCapacity(cleaned.count / 4)
            key.withUnsafeBufferPointer { k in
                cleaned.withUnsafeBufferPointer { b in
                    MatchTokens.tokenizer.scan(b) { range, kind, clitic in
                        if clitic != nil {
                            // A clitic's text (and key) is the plain letter(s), not its bytes.
                            spans.append(Span(original: range, key: range, kind: kind, clitic: clitic))
                            return
                        }
                        let key = UTF8Scan.trimmingWhitespace(Int(offsets[range.lowerBound])..<Int(offsets[range.upperBound]), in: k)
                        if !key.isEmpty { spans.append(Span(original: range, key: key, kind: kind, clitic: nil)) }
                    }
                }
            }
            self.spans = spans
        }

        /// Each span with its original and key bytes (a clitic's letters for both).
        func forEach(_ body: (Span, UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Void) {
            key.withUnsafeBufferPointer { k in
                cleaned.withUnsafeBufferPointer { b in
                    for span in spans {
                        if let c = span.clitic {
                            c.withUTF8 { body(span, $0, $0) }
                        } else {
                            body(span, UnsafeBufferPointer(rebasing: b[span.original]), UnsafeBufferPointer(rebasing: k[span.key]))
                        }
                    }
                }
            }
        }
    }

    /// Index terms (stems of words and numbers, letters and digits only, space-separated) and the
    /// number of such tokens, which the memory stores for its length window.
    public static func terms(_ text: String) -> (terms: String, length: Int) {
        terms(tokens(text))
    }

    public static func terms(_ tokens: [MatchToken]) -> (terms: String, length: Int) {
        var length = 0
        let bound = tokens.reduce(0) { $0 + $1.key.utf8.count + 1 }
        let out = [UInt8](unsafeUninitializedCapacity: bound) { buffer, n in
            var writer = TermWriter(buffer.baseAddress!)
            for t in tokens where !t.isClitic && t.kind != .punctuation {
                var key = t.key
                key.withUTF8 { writer.append($0) }
            }
            n = writer.written
            length = writer.count
        }
        return (String(decoding: out, as: UTF8.self), length)
    }

    /// Writes the space-separated term list into a buffer of at least each key's length plus one:
    /// each key reduced to its letters and digits, keys with neither left out.
    struct TermWriter {
        private let out: UnsafeMutablePointer<UInt8>
        private(set) var written = 0
        /// Terms written.
        private(set) var count = 0

        init(_ out: UnsafeMutablePointer<UInt8>) { self.out = out }

        mutating func append(_ key: UnsafeBufferPointer<UInt8>) {
            let mark = written
            if written > 0 { out[written] = 0x20; written += 1 }
            let before = written
            written = MatchTokens.writeIndexTerm(key, to: out, at: written)
            if written == before { written = mark; return }
            count += 1
        }
    }

    /// Writes a key reduced to its letters and digits (an index term; `أ.ف.ب` → `افب`) at
    /// `out[w...]`, which has room for the whole key; returns the new end. ASCII is settled
    /// without decoding, Arabic letters without Unicode properties.
    @inline(__always)
    static func writeIndexTerm(_ b: UnsafeBufferPointer<UInt8>, to out: UnsafeMutablePointer<UInt8>, at w: Int) -> Int {
        var w = w, i = 0
        while i < b.count {
            let b0 = b[i]
            if b0 < 0x80 {
                if CharClass.isASCIILetterOrDigit(b0) { out[w] = b0; w += 1 }
                i += 1
                continue
            }
            // A letter ء-ي (nearly every byte of an Arabic key) without the general decoding.
            if (b0 == 0xD8 || b0 == 0xD9) && i + 1 < b.count {
                let v = (UInt32(b0 & 0x1F) << 6) | UInt32(b[i + 1] & 0x3F)
                if v >= 0x0620 && v <= 0x064A && v != 0x0640 && b[i + 1] & 0xC0 == 0x80 {
                    out[w] = b0; out[w + 1] = b[i + 1]; w += 2; i += 2
                    continue
                }
            }
            let (c, n) = UTF8Scan.scalar(at: i, in: b)
            if CharClass.isArabicLetter(c) || CharClass.digitValue(c) != nil || CharClass.isLetter(c) {
                for j in i..<(i + n) { out[w] = b[j]; w += 1 }
            }
            i += n
        }
        return w
    }
}

extension MatchTokens {
    /// A compact byte form of a unit's match tokens, stored beside the unit so a lookup decodes
    /// its candidates instead of normalising them again (normalising was 80% of lookup time).
    ///
    /// Per token: a head byte (kind in bits 0-1, clitic in bit 2, bit 3 when the original is the
    /// key, the key's length in bits 4-7, 15 meaning "a length follows"), then the original's
    /// length and text (unless bit 3), then the key's text. Lengths that follow are one byte, or
    /// 255 and two more. Text is packed (`Packing`): an Arabic letter or mark takes one byte
    /// instead of UTF-8's two, which halved the stored form (most of a million-unit import's
    /// bytes after the units themselves).
    public static func encode(_ tokens: [MatchToken]) -> [UInt8] {
        let bound = tokens.reduce(0) { $0 + Encoder.bound(original: $1.original.utf8.count, key: $1.key.utf8.count) }
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, n in
            var encoder = Encoder(buffer.baseAddress!)
            for t in tokens {
                var original = t.original, key = t.key
                original.withUTF8 { o in key.withUTF8 { k in encoder.append(kind: t.kind, clitic: t.isClitic, original: o, key: k) } }
            }
            n = encoder.count
        }
    }

    /// Writes the stored form token by token (the one writer of the format `walk` reads) into a
    /// buffer with room for `bound` bytes per token.
    struct Encoder {
        private let out: UnsafeMutablePointer<UInt8>
        private(set) var count = 0

        init(_ out: UnsafeMutablePointer<UInt8>) { self.out = out }

        /// The most a token can take: a head byte, two lengths of up to three bytes, and its
        /// texts packed (at most twice their UTF-8: a stray byte is escaped).
        static func bound(original: Int, key: Int) -> Int { 7 + 2 * (original + key) }

        mutating func append(kind: Token.Kind, clitic: Bool, original: UnsafeBufferPointer<UInt8>, key: UnsafeBufferPointer<UInt8>) {
            let code: UInt8 = kind == .word ? 0 : kind == .number ? 1 : 2
            let same = original.count == key.count
                && (key.isEmpty || memcmp(original.baseAddress!, key.baseAddress!, key.count) == 0)
            let head = count
            out[head] = code | (clitic ? 4 : 0) | (same ? 8 : 0)
            count += 1
            if !same {
                // Packed after room for a one-byte length.
                lengthBefore(pack(original, at: count + 1), packedAt: 1)
            }
            // The key's length goes in the head when under 15, else before the key.
            let n = pack(key, at: count)
            if n < 15 {
                out[head] |= UInt8(n) << 4
                count += n
            } else {
                out[head] |= 0xF0
                lengthBefore(n, packedAt: 0)
            }
        }

        /// Writes the length of the `n` packed bytes that start `reserved` bytes after `count`
        /// at `count` (one byte under 255, else 255 and two more), moving the text to follow
        /// it where the length takes more or less room, and moves `count` past both.
        private mutating func lengthBefore(_ n: Int, packedAt reserved: Int) {
            let width = n < 255 ? 1 : 3
            if width != reserved { memmove(out + count + width, out + count + reserved, n) }
            if n < 255 {
                out[count] = UInt8(n)
            } else {
                out[count] = 255; out[count + 1] = UInt8(n >> 8); out[count + 2] = UInt8(n & 0xFF)
            }
            count += width + n
        }

        /// Packs text at `out[at...]`; its packed length, cut at 65,535 bytes (no token is that
        /// long) without splitting an escape.
        private func pack(_ u: UnsafeBufferPointer<UInt8>, at: Int) -> Int {
            let n = Packing.pack(u, into: out + at)
            return n <= 65_535 ? n : Packing.cut(UnsafeBufferPointer(start: out + at, count: n), at: 65_535)
        }
    }

    /// The stored form's text packing: ASCII as it is, U+0600-U+067E (Arabic letters,
    /// harakat, Arabic-Indic digits) as one byte 0x80-0xFE, anything else as 0xFF and its UTF-8.
    enum Packing {
        /// Packs UTF-8 text at `out` (room for twice its bytes); returns the bytes written.
        /// Decoded as `UTF8Scan.scalar` decodes, with a fast path for two-byte Arabic.
        @inline(__always)
        static func pack(_ u: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) -> Int {
            var i = 0, w = 0
            while i < u.count {
                let b = u[i]
                if b < 0x80 { out[w] = b; w += 1; i += 1; continue }
                if (b == 0xD8 || b == 0xD9) && i + 1 < u.count {
                    let v = (UInt32(b & 0x1F) << 6) | UInt32(u[i + 1] & 0x3F)
                    if v <= 0x067E { out[w] = UInt8(0x80 + (v - 0x0600)); w += 1; i += 2; continue }
                }
                let (s, n) = UTF8Scan.scalar(at: i, in: u)
                if s.value >= 0x0600 && s.value <= 0x067E {
                    out[w] = UInt8(0x80 + (s.value - 0x0600)); w += 1
                } else {
                    out[w] = 0xFF; w += 1
                    for j in i..<(i + n) { out[w] = u[j]; w += 1 }
                }
                i += n
            }
            return w
        }

        /// Where to cut packed text at or before `limit` bytes without splitting an escape.
        static func cut(_ p: UnsafeBufferPointer<UInt8>, at limit: Int) -> Int {
            var i = 0
            while i < p.count {
                let n = p[i] == 0xFF && i + 1 < p.count ? 1 + UTF8Scan.length(lead: p[i + 1]) : 1
                if i + n > limit { return i }
                i += n
            }
            return i
        }

        /// Unpacks `p` to UTF-8 at `out[w...]`; returns the new end, or nil when an escape runs
        /// past the end. `out` needs room for twice `p.count` bytes.
        @inline(__always)
        static func unpack(_ p: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, at w: Int) -> Int? {
            var w = w, i = 0
            while i < p.count {
                let b = p[i]
                if b < 0x80 {
                    out[w] = b; w += 1; i += 1
                } else if b < 0xFF {
                    let v = 0x0600 + UInt32(b - 0x80)
                    out[w] = UInt8(0xC0 | (v >> 6)); out[w + 1] = UInt8(0x80 | (v & 0x3F)); w += 2; i += 1
                } else {
                    guard i + 1 < p.count else { return nil }
                    let n = UTF8Scan.length(lead: p[i + 1])
                    guard i + 1 + n <= p.count else { return nil }
                    for j in 0..<n { out[w + j] = p[i + 1 + j] }
                    w += n; i += 1 + n
                }
            }
            return w
        }
    }

    /// The tokens `encode` stored; nil when the bytes are not such a form.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> [MatchToken]? {
        let b = UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        var tokens: [MatchToken] = []
        func text(_ u: UnsafeBufferPointer<UInt8>) -> String { String(decoding: u, as: UTF8.self) }
        let whole = walk(b) { kind, clitic, original, key in
            let k = text(key)
            tokens.append(MatchToken(original: original.map(text) ?? k, key: k, kind: kind, isClitic: clitic))
        }
        return whole ? tokens : nil
    }

    /// Walks the stored form: each token's kind, clitic flag, original's UTF-8 (nil when it is
    /// the key) and key's UTF-8, in order; false when the bytes end inside a token. The one
    /// reader of the format, for decoding and for the lookup's quick pass.
    static func walk(_ b: UnsafeBufferPointer<UInt8>,
                     _ body: (Token.Kind, Bool, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        // Unpacked text is at most twice the packed bytes (an escape is never longer unpacked).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * b.count + 8) { scratch in
            let base = scratch.baseAddress!
            var k = 0
            func length() -> Int? {
                guard k < b.count else { return nil }
                var n = Int(b[k]); k += 1
                if n == 255 {
                    guard k + 1 < b.count else { return nil }
                    n = Int(b[k]) << 8 | Int(b[k + 1]); k += 2
                }
                return n
            }
            /// The next `n` packed bytes, unpacked into the scratch space at `w`.
            func text(_ n: Int, at w: Int) -> UnsafeBufferPointer<UInt8>? {
                guard k + n <= b.count, let end = Packing.unpack(UnsafeBufferPointer(rebasing: b[k..<(k + n)]), into: base, at: w) else { return nil }
                k += n
                return UnsafeBufferPointer(start: base + w, count: end - w)
            }
            while k < b.count {
                let head = b[k]; k += 1
                var original: UnsafeBufferPointer<UInt8>?
                var keyLength = Int(head >> 4)
                if head & 8 == 0 {
                    guard let n = length(), let o = text(n, at: 0) else { return false }
                    original = o
                }
                if keyLength == 15 {
                    guard let n = length() else { return false }
                    keyLength = n
                }
                guard let key = text(keyLength, at: original.map(\.count) ?? 0) else { return false }
                let kind: Token.Kind = head & 3 == 0 ? .word : head & 3 == 1 ? .number : .punctuation
                body(kind, head & 4 != 0, original, key)
            }
            return true
        }
    }
}

/// A unit's match tokens in their stored byte form (`MatchTokens.encode`), read without being
/// decoded: a lookup's quick pass only needs each token's key, and making `String`s of every
/// candidate's tokens was a third of the time spent on candidates.
public struct StoredTokens: Sendable {
    public let bytes: [UInt8]

    /// Nil when the bytes are not a stored token form.
    public init?(bytes: [UInt8]) {
        self.bytes = bytes
        guard forEachKey({ _, _, _ in }) else { return nil }
    }

    public init(_ tokens: [MatchToken]) {
        bytes = MatchTokens.encode(tokens)
    }

    public func decode() -> [MatchToken] {
        bytes.withUnsafeBytes { MatchTokens.decode($0) } ?? []
    }

    /// Calls `body` with each token's kind, clitic flag and key bytes, in order; false when the
    /// bytes end inside a token.
    @discardableResult
    public func forEachKey(_ body: (Token.Kind, Bool, UnsafeBufferPointer<UInt8>) -> Void) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            MatchTokens.walk(b) { kind, clitic, _, key in body(kind, clitic, key) }
        }
    }
}
