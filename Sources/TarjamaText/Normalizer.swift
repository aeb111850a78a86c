/// Turns text into a matching key: a list of small named steps, run in order.
///
/// The original text is always kept by callers; the normalised form is only a key for lookup,
/// alignment and scoring. Steps are independent so each can be tested and reported: the matcher
/// asks which steps changed something to charge a small penalty for differences normalisation hid.
/// ```swift
/// Normalizer.matchingKey.normalize("أَعلنَ الرئيسُ ٢٥٪")   // "اعلن الرئيس 25%"
/// ```
public struct Normalizer: Sendable {
    /// One step of the chain, in the order `Normalizer.matchingKey` runs them.
    public enum Step: String, CaseIterable, Sendable, Codable {
        /// Unicode compatibility composition: presentation forms (ﻻ) become letters (لا),
        /// full-width digits become ASCII, ligatures are split.
        case nfkc
        /// Bidi controls, zero-width (non-)joiners, the Arabic letter mark, soft hyphens, BOM.
        case removeInvisible
        /// Harakat, tanween, shadda, sukun, superscript alef (U+064B–U+065F, U+0670) and Quranic marks.
        case removeTashkeel
        /// Tatweel (ـ U+0640), the elongation stroke.
        case removeTatweel
        /// أ إ آ ٱ → ا: writers and keyboards disagree on hamza seats on alef.
        case foldAlef
        /// ى → ي, and the Persian forms ی → ي, ک → ك, ە → ه that scraped text contains.
        case foldYa
        /// ة → ه: often typed without dots at the end of words.
        case foldTaMarbuta
        /// ؤ → و and ئ → ي (optional: more recall, less precision).
        case foldHamzaCarriers
        /// Arabic-Indic and Extended Arabic-Indic digits → ASCII; ٪ → %, ٫ → ., ٬ → ,.
        case foldDigits
        /// Curly and angle quotes → " and ', Arabic comma/semicolon/question mark → , ; ?,
        /// dashes → -, … → ...
        case foldPunctuation
        /// Unicode case folding (English and other cased scripts).
        case foldCase
        /// Any run of whitespace → one space; no leading or trailing space.
        case collapseWhitespace
    }

    public let steps: [Step]
    /// The steps as bits: the per-scalar loop tests bits, not a hashed set (10× faster).
    private let mask: UInt16

    /// What the steps make of every scalar below U+0700 (ASCII, Latin, Arabic: nearly every
    /// character of a news sentence), looked up instead of worked out step by step: the mapped
    /// value (or `dropped`, or `several` for the rare scalar that becomes more than one) in the
    /// low 32 bits, the steps that changed it above.
    private let table: [UInt64]
    /// The same scalars as the fast path writes them: the mapped scalar's UTF-8 (one or two
    /// bytes) in the low 16 bits, its length above (0: dropped), the steps that changed it
    /// from bit 32, or `slow` for what the general path must settle (several scalars, a
    /// mapping of three bytes or more, whitespace that collapses).
    private let fast: [UInt64]
    private static let slow: UInt64 = 1 << 63
    private static let tableEnd: UInt32 = 0x700
    private static let dropped: UInt32 = 0xFFFF_FFFF
    private static let several: UInt32 = 0xFFFF_FFFE

    public init(steps: [Step]) {
        self.steps = steps
        let mask = steps.reduce(0) { $0 | Self.bit($1) }
        self.mask = mask
        let table: [UInt64] = (0..<Self.tableEnd).map { v in
            var changed: UInt16 = 0
            let value: UInt32
            switch Self.map(Unicode.Scalar(v)!, mask, &changed) {
            case .drop: value = Self.dropped
            case .one(let s): value = s.value
            case .many: value = Self.several
            }
            return UInt64(changed) << 32 | UInt64(value)
        }
        self.table = table
        let collapses = mask & Self.bit(.collapseWhitespace) != 0
        fast = table.enumerated().map { v, e in
            let value = UInt32(truncatingIfNeeded: e), changed = (e >> 32) << 32
            let space = v == 0x20 || (v >= 0x09 && v <= 0x0D) || v == 0xA0
            if value == Self.several || value >= 0x800 && value != Self.dropped || collapses && space { return Self.slow }
            if value == Self.dropped { return changed }
            if value < 0x80 { return changed | 1 << 16 | UInt64(value) }
            let utf8 = UInt64(0xC0 | (value >> 6)) | UInt64(0x80 | (value & 0x3F)) << 8
            return changed | 2 << 16 | utf8
        }
    }

    /// One bit per step, by a switch: `Step.allCases.firstIndex(of:)` built an array on every
    /// call, and `has` runs for every character (it was 10% of an import's preparation).
    @inline(__always)
    private static func bit(_ step: Step) -> UInt16 {
        switch step {
        case .nfkc: return 1 << 0
        case .removeInvisible: return 1 << 1
        case .removeTashkeel: return 1 << 2
        case .removeTatweel: return 1 << 3
        case .foldAlef: return 1 << 4
        case .foldYa: return 1 << 5
        case .foldTaMarbuta: return 1 << 6
        case .foldHamzaCarriers: return 1 << 7
        case .foldDigits: return 1 << 8
        case .foldPunctuation: return 1 << 9
        case .foldCase: return 1 << 10
        case .collapseWhitespace: return 1 << 11
        }
    }

    /// The key used for exact lookup and fuzzy matching (hamza carriers kept: ؤ/ئ rarely vary).
    public static let matchingKey = Normalizer(steps: [
        .nfkc, .removeInvisible, .removeTashkeel, .removeTatweel, .foldAlef, .foldYa, .foldTaMarbuta,
        .foldDigits, .foldPunctuation, .foldCase, .collapseWhitespace,
    ])

    /// Light clean-up that keeps every letter: for text shown to people or written to files.
    public static let display = Normalizer(steps: [.removeInvisible, .collapseWhitespace])

    public func normalize(_ text: String) -> String {
        String(decoding: key(utf8: Array(text.utf8)), as: UTF8.self)
    }

    /// Normalises and reports which steps changed something (for match penalties).
    public func normalizeReporting(_ text: String) -> (key: String, changed: Set<Step>) {
        let r = normalize(utf8: Array(text.utf8))
        return (String(decoding: r.bytes, as: UTF8.self), r.changed)
    }

    /// The byte-level entry point used on hot paths.
    public func normalize(utf8 input: [UInt8]) -> (bytes: [UInt8], changed: Set<Step>) {
        var changedBits: UInt16 = 0
        let bytes = normalize(utf8: input, changed: &changedBits)
        return (bytes, Set(Step.allCases.filter { changedBits & Self.bit($0) != 0 }))
    }

    /// Normalises without building a set of changed steps (the hot path of key building).
    public func key(utf8 input: [UInt8]) -> [UInt8] {
        var changedBits: UInt16 = 0
        return normalize(utf8: input, changed: &changedBits)
    }

    /// Normalises text that needs no NFKC (the steps must not include it) and gives, for every
    /// input byte offset (and the end), the output offset it maps to: a token's key is then a
    /// slice of the sentence's key, with no normalisation per token.
    public func key(utf8 input: [UInt8], offsets: inout [Int32]) -> [UInt8] {
        precondition(!has(.nfkc), "offsets are for text already in NFKC")
        var changedBits: UInt16 = 0
        return normalize(utf8: input, changed: &changedBits, offsets: &offsets, record: true)
    }

    private func normalize(utf8 input: [UInt8], changed: inout UInt16) -> [UInt8] {
        var none: [Int32] = []
        return normalize(utf8: input, changed: &changed, offsets: &none, record: false)
    }

    private func normalize(utf8 input: [UInt8], changed: inout UInt16, offsets: inout [Int32], record: Bool) -> [UInt8] {
        // Text NFKC leaves alone (ASCII, plain Arabic letters, digits and punctuation) holds no
        // invisible character either: NFKC and invisibles alone leave it as it is, uncopied.
        if mask & ~(Self.bit(.nfkc) | Self.bit(.removeInvisible)) == 0 && !record && Unicode2.isStable(input) {
            return input
        }
        var source = input
        if has(.nfkc), let composed = try? Unicode2.nfkc(input), composed != input {
            source = composed
            changed |= Self.bit(.nfkc)
        }
        let collapse = has(.collapseWhitespace)
        let mask = self.mask
        var bits = changed
        // Every entry is written below (each input byte, then the end). Made by the specialised
        // initialiser: an array made uninitialised goes through an unspecialised allocation.
        if record { offsets = [Int32](repeating: 0, count: source.count + 1) }
        // Written through raw buffers in scratch space and copied out at its size: appending
        // byte by byte checked the array's uniqueness and capacity for every byte. No scalar's
        // mapping is more than three times its length.
        let out = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: source.count * 3 + 4) { o -> [UInt8] in
            var w = 0
            table.withUnsafeBufferPointer { t in
              fast.withUnsafeBufferPointer { f in
                source.withUnsafeBufferPointer { b in
                    offsets.withUnsafeMutableBufferPointer { off in
                        var pendingSpace = false
                        var i = 0
                        while i < b.count {
                            // Fast path for the characters of nearly every sentence: an ASCII or
                            // two-byte scalar that `fast` maps to at most two bytes or drops.
                            // Decoded as `UTF8Scan.scalar` decodes it; the general path below
                            // gives the same result for it, only slower. Two bytes are always
                            // stored (the output has room to spare) and `w` moves by the length.
                            let b0 = b[i]
                            if b0 < 0xE0 && (b0 < 0x80 || i + 1 < b.count) {
                                let two = b0 >= 0x80
                                let v = two ? (UInt32(b0 & 0x1F) << 6) | UInt32(b[i + 1] & 0x3F) : UInt32(b0)
                                if v < Self.tableEnd {
                                    let e = f[Int(v)]
                                    if e & Self.slow == 0 {
                                        bits |= UInt16(truncatingIfNeeded: e >> 32)
                                        let n = Int(truncatingIfNeeded: (e >> 16) & 3)
                                        if n > 0 && pendingSpace { o[w] = 0x20; w += 1; pendingSpace = false }
                                        if record { off[i] = Int32(w); if two { off[i + 1] = Int32(w) } }
                                        o[w] = UInt8(truncatingIfNeeded: e); o[w + 1] = UInt8(truncatingIfNeeded: e >> 8)
                                        w += n
                                        i += two ? 2 : 1
                                        continue
                                    }
                                }
                            }
                            let (s, n) = UTF8Scan.scalar(at: i, in: b)
                            let at = i
                            i += n
                            if collapse && CharClass.isWhitespace(s) {
                                if w > 0 { pendingSpace = true }
                                if s != " " || (i < b.count && b[i] == 0x20) { bits |= Self.bit(.collapseWhitespace) }
                                if record { for j in at..<i { off[j] = Int32(w) } }
                                continue
                            }
                            var value = Self.several
                            var many: String?
                            if s.value < Self.tableEnd {
                                let e = t[Int(s.value)]
                                bits |= UInt16(truncatingIfNeeded: e >> 32)
                                value = UInt32(truncatingIfNeeded: e)
                            }
                            if value == Self.several {
                                switch Self.map(s, mask, &bits) {
                                case .drop: value = Self.dropped
                                case .one(let m): value = m.value
                                case .many(let text): many = text
                                }
                            }
                            if value == Self.dropped {
                                if record { for j in at..<i { off[j] = Int32(w) } }
                                continue
                            }
                            if pendingSpace { o[w] = 0x20; w += 1; pendingSpace = false }
                            if record { for j in at..<i { off[j] = Int32(w) } }
                            if let many { for x in many.utf8 { o[w] = x; w += 1 } } else { Self.put(value, o, &w) }
                        }
                        if record { off[b.count] = Int32(w) }
                    }
                }
              }
            }
            return Array(UnsafeBufferPointer(rebasing: o[..<w]))
        }
        if collapse && (source.first.map { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A } ?? false) {
            bits |= Self.bit(.collapseWhitespace)
        }
        changed = bits
        return out
    }

    /// Writes a scalar's UTF-8 at `o[w...]` (a static function: a nested one capturing `w` paid
    /// for an exclusivity check on every character).
    @inline(__always)
    private static func put(_ v: UInt32, _ o: UnsafeMutableBufferPointer<UInt8>, _ w: inout Int) {
        switch v {
        case 0..<0x80: o[w] = UInt8(v); w += 1
        case 0x80..<0x800:
            o[w] = UInt8(0xC0 | (v >> 6)); o[w + 1] = UInt8(0x80 | (v & 0x3F)); w += 2
        case 0x800..<0x10000:
            o[w] = UInt8(0xE0 | (v >> 12)); o[w + 1] = UInt8(0x80 | ((v >> 6) & 0x3F))
            o[w + 2] = UInt8(0x80 | (v & 0x3F)); w += 3
        default:
            o[w] = UInt8(0xF0 | (v >> 18)); o[w + 1] = UInt8(0x80 | ((v >> 12) & 0x3F))
            o[w + 2] = UInt8(0x80 | ((v >> 6) & 0x3F)); o[w + 3] = UInt8(0x80 | (v & 0x3F)); w += 4
        }
    }

    @inline(__always)
    private func has(_ step: Step) -> Bool { mask & Self.bit(step) != 0 }

    @inline(__always)
    private static func has(_ step: Step, _ mask: UInt16) -> Bool { mask & bit(step) != 0 }

    /// What one scalar becomes: nothing, one scalar, or (rarely: ß, …) several.
    private enum Mapped { case drop, one(Unicode.Scalar), many(String) }

    /// Maps one scalar through the per-scalar steps.
    private static func map(_ input: Unicode.Scalar, _ mask: UInt16, _ changed: inout UInt16) -> Mapped {
        func has(_ step: Step) -> Bool { Self.has(step, mask) }
        var s = input
        let v = s.value
        if v < 0x80 {
            if has(.foldCase), v >= 0x41, v <= 0x5A {
                changed |= Self.bit(.foldCase)
                s = Unicode.Scalar(v + 32)!
            }
            return .one(s)
        }
        if has(.removeInvisible), CharClass.isInvisibleFormat(s) { changed |= Self.bit(.removeInvisible); return .drop }
        if has(.removeTashkeel), CharClass.isArabicDiacritic(s) { changed |= Self.bit(.removeTashkeel); return .drop }
        if has(.removeTatweel), v == 0x0640 { changed |= Self.bit(.removeTatweel); return .drop }
        if has(.foldAlef), v == 0x0623 || v == 0x0625 || v == 0x0622 || v == 0x0671 {
            changed |= Self.bit(.foldAlef); s = "\u{0627}"
        }
        if has(.foldYa) {
            switch v {
            case 0x0649, 0x06CC: changed |= Self.bit(.foldYa); s = "\u{064A}"
            case 0x06A9: changed |= Self.bit(.foldYa); s = "\u{0643}"
            case 0x06D5: changed |= Self.bit(.foldYa); s = "\u{0647}"
            default: break
            }
        }
        if has(.foldTaMarbuta), v == 0x0629 { changed |= Self.bit(.foldTaMarbuta); s = "\u{0647}" }
        if has(.foldHamzaCarriers) {
            if v == 0x0624 { changed |= Self.bit(.foldHamzaCarriers); s = "\u{0648}" }
            if v == 0x0626 { changed |= Self.bit(.foldHamzaCarriers); s = "\u{064A}" }
        }
        if has(.foldDigits) {
            if let d = CharClass.digitValue(s) { changed |= Self.bit(.foldDigits); s = Unicode.Scalar(0x30 + d)! }
            switch v {
            case 0x066A: changed |= Self.bit(.foldDigits); s = "%"
            case 0x066B: changed |= Self.bit(.foldDigits); s = "."
            case 0x066C: changed |= Self.bit(.foldDigits); s = ","
            default: break
            }
        }
        if has(.foldPunctuation) {
            switch v {
            case 0x201C, 0x201D, 0x201E, 0x201F, 0x00AB, 0x00BB, 0x2039, 0x203A, 0x2033, 0xFF02:
                changed |= Self.bit(.foldPunctuation); s = "\""
            case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x02BC:
                changed |= Self.bit(.foldPunctuation); s = "'"
            case 0x060C: changed |= Self.bit(.foldPunctuation); s = ","
            case 0x061B: changed |= Self.bit(.foldPunctuation); s = ";"
            case 0x061F: changed |= Self.bit(.foldPunctuation); s = "?"
            case 0x06D4: changed |= Self.bit(.foldPunctuation); s = "."
            case 0x2010...0x2015, 0x2212: changed |= Self.bit(.foldPunctuation); s = "-"
            case 0x2026: changed |= Self.bit(.foldPunctuation); return .many("...")
            default: break
            }
        }
        // Arabic-script and other uncased blocks skip the (slow) Unicode property lookup.
        if has(.foldCase), !(0x0590...0x08FF).contains(s.value), !(0xFB1D...0xFEFF).contains(s.value),
           s.properties.changesWhenCaseFolded {
            changed |= Self.bit(.foldCase)
            return .many(s.properties.lowercaseMapping)
        }
        return .one(s)
    }
}
