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
    private let stepSet: Set<Step>

    public init(steps: [Step]) {
        self.steps = steps
        self.stepSet = Set(steps)
    }

    /// The key used for exact lookup and fuzzy matching (hamza carriers kept: ؤ/ئ rarely vary).
    public static let matchingKey = Normalizer(steps: [
        .nfkc, .removeInvisible, .removeTashkeel, .removeTatweel, .foldAlef, .foldYa, .foldTaMarbuta,
        .foldDigits, .foldPunctuation, .foldCase, .collapseWhitespace,
    ])

    /// Every step, including the optional hamza-carrier folding.
    public static let aggressive = Normalizer(steps: Step.allCases)

    /// Light clean-up that keeps every letter: for text shown to people or written to files.
    public static let display = Normalizer(steps: [.removeInvisible, .collapseWhitespace])

    public func normalize(_ text: String) -> String {
        String(decoding: normalize(utf8: Array(text.utf8)).bytes, as: UTF8.self)
    }

    /// Normalises and reports which steps changed something (for match penalties).
    public func normalizeReporting(_ text: String) -> (key: String, changed: Set<Step>) {
        let r = normalize(utf8: Array(text.utf8))
        return (String(decoding: r.bytes, as: UTF8.self), r.changed)
    }

    /// The byte-level entry point used on hot paths.
    public func normalize(utf8 input: [UInt8]) -> (bytes: [UInt8], changed: Set<Step>) {
        var changed = Set<Step>()
        var source = input
        if stepSet.contains(.nfkc), let composed = try? Unicode2.nfkc(input), composed != input {
            source = composed
            changed.insert(.nfkc)
        }
        var out = [UInt8]()
        out.reserveCapacity(source.count)
        let collapse = stepSet.contains(.collapseWhitespace)
        var pendingSpace = false
        source.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let (s, n) = UTF8Scan.scalar(at: i, in: b)
                i += n
                if collapse && CharClass.isWhitespace(s) {
                    if !out.isEmpty { pendingSpace = true }
                    if s != " " || (i < b.count && b[i] == 0x20) { changed.insert(.collapseWhitespace) }
                    continue
                }
                let mapped = map(s, &changed)
                if case .drop = mapped { continue }
                if pendingSpace { out.append(0x20); pendingSpace = false }
                switch mapped {
                case .drop: break
                case .one(let m): UTF8Scan.append(m, to: &out)
                case .many(let text): out.append(contentsOf: text.utf8)
                }
            }
        }
        if collapse && (source.first.map { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A } ?? false) {
            changed.insert(.collapseWhitespace)
        }
        return (out, changed)
    }

    /// What one scalar becomes: nothing, one scalar, or (rarely: ß, …) several.
    private enum Mapped { case drop, one(Unicode.Scalar), many(String) }

    /// Maps one scalar through the per-scalar steps.
    @inline(__always)
    private func map(_ input: Unicode.Scalar, _ changed: inout Set<Step>) -> Mapped {
        var s = input
        let v = s.value
        if v < 0x80 {
            if stepSet.contains(.foldCase), v >= 0x41, v <= 0x5A {
                changed.insert(.foldCase)
                s = Unicode.Scalar(v + 32)!
            }
            return .one(s)
        }
        if stepSet.contains(.removeInvisible), CharClass.isInvisibleFormat(s) { changed.insert(.removeInvisible); return .drop }
        if stepSet.contains(.removeTashkeel), CharClass.isArabicDiacritic(s) { changed.insert(.removeTashkeel); return .drop }
        if stepSet.contains(.removeTatweel), v == 0x0640 { changed.insert(.removeTatweel); return .drop }
        if stepSet.contains(.foldAlef), v == 0x0623 || v == 0x0625 || v == 0x0622 || v == 0x0671 {
            changed.insert(.foldAlef); s = "\u{0627}"
        }
        if stepSet.contains(.foldYa) {
            switch v {
            case 0x0649, 0x06CC: changed.insert(.foldYa); s = "\u{064A}"
            case 0x06A9: changed.insert(.foldYa); s = "\u{0643}"
            case 0x06D5: changed.insert(.foldYa); s = "\u{0647}"
            default: break
            }
        }
        if stepSet.contains(.foldTaMarbuta), v == 0x0629 { changed.insert(.foldTaMarbuta); s = "\u{0647}" }
        if stepSet.contains(.foldHamzaCarriers) {
            if v == 0x0624 { changed.insert(.foldHamzaCarriers); s = "\u{0648}" }
            if v == 0x0626 { changed.insert(.foldHamzaCarriers); s = "\u{064A}" }
        }
        if stepSet.contains(.foldDigits) {
            if let d = CharClass.digitValue(s) { changed.insert(.foldDigits); s = Unicode.Scalar(0x30 + d)! }
            switch v {
            case 0x066A: changed.insert(.foldDigits); s = "%"
            case 0x066B: changed.insert(.foldDigits); s = "."
            case 0x066C: changed.insert(.foldDigits); s = ","
            default: break
            }
        }
        if stepSet.contains(.foldPunctuation) {
            switch v {
            case 0x201C, 0x201D, 0x201E, 0x201F, 0x00AB, 0x00BB, 0x2039, 0x203A, 0x2033, 0xFF02:
                changed.insert(.foldPunctuation); s = "\""
            case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x02BC:
                changed.insert(.foldPunctuation); s = "'"
            case 0x060C: changed.insert(.foldPunctuation); s = ","
            case 0x061B: changed.insert(.foldPunctuation); s = ";"
            case 0x061F: changed.insert(.foldPunctuation); s = "?"
            case 0x06D4: changed.insert(.foldPunctuation); s = "."
            case 0x2010...0x2015, 0x2212: changed.insert(.foldPunctuation); s = "-"
            case 0x2026: changed.insert(.foldPunctuation); return .many("...")
            default: break
            }
        }
        if stepSet.contains(.foldCase), s.properties.changesWhenCaseFolded {
            changed.insert(.foldCase)
            return .many(s.properties.lowercaseMapping)
        }
        return .one(s)
    }
}
