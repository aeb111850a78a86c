import Foundation
import TarjamaText

/// Numbers a stored target writes in a form a substitution cannot see: spelled out in English
/// ("nineteen", "twenty-five"), or as a time or a decimal ("12.00" for 12). Used to warn
/// instead of proposing a target whose number silently stayed the old one.
enum NumberCheck {
    /// How `target` writes the number `value` (ASCII digits) when not as that plain number:
    /// a phrase to put in a warning, or nil when it cannot be found.
    static func form(of value: String, in target: String) -> String? {
        guard let n = Int(value) else { return nil }
        for (words, v) in spelled(target) where v == n { return "spells it '\(words)'" }
        for t in Tokenizer().tokenize(target) where t.kind == .number {
            let key = Normalizer.matchingKey.normalize(t.text)
            let parts = key.split(whereSeparator: { $0 == "." || $0 == ":" })
            if parts.count == 2, Int(parts[0]) == n, key != value { return "writes it '\(t.text)'" }
        }
        return nil
    }

    /// English number words in `text` with their values ("twenty-five" → 25, "nineteen" → 19),
    /// up to 999.
    static func spelled(_ text: String) -> [(words: String, value: Int)] {
        var found: [(String, Int)] = []
        var words: [String] = [], value = 0, current = 0, active = false
        func close() {
            if active { found.append((words.joined(separator: " "), value + current)) }
            words = []; value = 0; current = 0; active = false
        }
        for piece in text.lowercased().split(whereSeparator: \.isWhitespace) {
            // Punctuation ends a number: "a hundred, three" is two.
            let raw = piece.trimmingCharacters(in: .punctuationCharacters)
            let ends = raw.count < piece.count
            let parts = raw.split(separator: "-").map(String.init)
            let values = parts.map { units[$0] ?? tens[$0] ?? ($0 == "hundred" ? 100 : nil) }
            guard !parts.isEmpty, values.allSatisfy({ $0 != nil }) else {
                if raw != "and" || !active || ends { close() }
                continue
            }
            for v in values.map({ $0! }) {
                if v == 100 { current = max(current, 1) * 100 } else { current += v }
            }
            words.append(raw)
            active = true
            if ends { close() }
        }
        close()
        return found
    }

    /// The value of an Arabic number word (its matching key: `ثلاثة` and `ثلاث` are 3), or of
    /// a number written in digits of either script.
    static func arabicValue(_ key: String) -> Int? {
        if let n = Int(Placeables.value(key)) { return n }
        return arabicWords[key]
    }

    static let arabicWords: [String: Int] = {
        let words: [(String, Int)] = [
            ("واحد", 1), ("واحدة", 1), ("اثنان", 2), ("اثنين", 2), ("اثنتان", 2), ("اثنتين", 2), ("ثلاث", 3), ("ثلاثة", 3),
            ("أربع", 4), ("أربعة", 4), ("خمس", 5), ("خمسة", 5), ("ست", 6), ("ستة", 6), ("سبع", 7), ("سبعة", 7),
            ("ثمان", 8), ("ثماني", 8), ("ثمانية", 8), ("تسع", 9), ("تسعة", 9), ("عشر", 10), ("عشرة", 10),
            ("عشرون", 20), ("عشرين", 20), ("ثلاثون", 30), ("ثلاثين", 30), ("أربعون", 40), ("أربعين", 40),
            ("خمسون", 50), ("خمسين", 50), ("ستون", 60), ("ستين", 60), ("سبعون", 70), ("سبعين", 70),
            ("ثمانون", 80), ("ثمانين", 80), ("تسعون", 90), ("تسعين", 90), ("مئة", 100), ("مائة", 100), ("ألف", 1000),
        ]
        return Dictionary(words.map { (Normalizer.matchingKey.normalize($0.0), $0.1) }, uniquingKeysWith: { a, _ in a })
    }()

    /// How `target` writes `value`: spelled ("three"), in digits, or nil.
    static func written(_ value: Int, in target: String) -> String? {
        if let (words, _) = spelled(target).first(where: { $0.value == value }) { return "'\(words)'" }
        for t in Tokenizer().tokenize(target) where t.kind == .number && Int(Placeables.value(Normalizer.matchingKey.normalize(t.text))) == value {
            return "'\(t.text)'"
        }
        return nil
    }

    static let units: [String: Int] = [
        "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
        "seventeen": 17, "eighteen": 18, "nineteen": 19,
    ]
    static let tens: [String: Int] = [
        "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    ]

    /// `digits` grouped in thousands with commas when the target's own number was (`3,000`
    /// replaced by 4500 is written `4,500`).
    static func formatted(_ digits: String, like original: String) -> String {
        guard original.contains(","), !digits.contains(",") else { return digits }
        let integer = digits.prefix { $0 != "." }
        let rest = digits.dropFirst(integer.count)
        guard integer.count > 3, integer.allSatisfy(\.isASCII) else { return digits }
        var out = ""
        for (k, c) in integer.enumerated() {
            if k > 0 && (integer.count - k) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out + rest
    }
}
