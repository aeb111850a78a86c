import TarjamaText

/// A number, date or percentage that differs between the query and the stored source and was
/// written into the stored target in its place (`25٪` → `30%`), as Trados and memoQ do.
public struct Substitution: Sendable, Codable, Equatable {
    /// The number in the stored source (as written there).
    public let stored: String
    /// The number in the query (as written there).
    public let query: String
    /// What the target now holds in place of the old number.
    public let written: String
}

/// Substitutes placeables into a stored target.
enum Placeables {
    /// The value of a number token for comparison: ASCII digits, no thousands separators or %.
    static func value(_ key: String) -> String {
        String(key.unicodeScalars.filter { $0 != "," && $0 != "%" }.map(Character.init))
    }

    /// The query's number in ASCII digits, for an English target (keeps the target's own % sign).
    static func render(_ queryKey: String) -> String {
        String(queryKey.unicodeScalars.filter { $0 != "%" }.map(Character.init))
    }

    /// Replaces, in `target`, the first unused number whose value is the stored number's value
    /// with the query's number. Returns the new target and the substitution, or nil when the
    /// target does not hold that number (then the difference is an ordinary word difference).
    static func substitute(in target: inout String, used: inout Set<Int>, storedKey: String, storedOriginal: String,
                           queryKey: String, queryOriginal: String) -> Substitution? {
        let want = value(storedKey)
        guard !want.isEmpty else { return nil }
        var bytes = Array(target.utf8)
        let numbers = Tokenizer().tokenize(utf8: bytes).filter { $0.kind == .number || ordinal($0.text) != nil }
        for t in numbers where !used.contains(t.range.lowerBound) {
            let digits = render(queryKey)
            let replacement: String
            if let (stored, _) = ordinal(t.text) {
                // "the 7360th meeting" for 7360 → "the 7368th meeting", "21st" → "22nd".
                guard stored == want, digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { continue }
                replacement = digits + ordinalSuffix(digits)
            } else {
                let key = Normalizer.matchingKey.normalize(t.text)
                guard value(key) == want else { continue }
                // The target's own form stays: its percent sign, its thousands commas.
                let number = NumberCheck.formatted(digits, like: t.text)
                replacement = key.hasSuffix("%") ? number + "%" : number
            }
            bytes.replaceSubrange(t.range, with: Array(replacement.utf8))
            target = String(decoding: bytes, as: UTF8.self)
            // Later ranges shift; remember the replaced start, and numbers after it move by delta.
            let delta = replacement.utf8.count - t.range.count
            used = Set(used.map { $0 > t.range.lowerBound ? $0 + delta : $0 })
            used.insert(t.range.lowerBound)
            return Substitution(stored: storedOriginal, query: queryOriginal, written: replacement)
        }
        return nil
    }

    /// An English ordinal written with digits ("7360th", "21st"): its digits and suffix.
    static func ordinal(_ text: String) -> (digits: String, suffix: String)? {
        let lower = text.lowercased()
        guard lower.count > 2, let suffix = ["st", "nd", "rd", "th"].first(where: lower.hasSuffix) else { return nil }
        let digits = String(lower.dropLast(2))
        guard digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return (digits, suffix)
    }

    /// The suffix an English ordinal takes: 1st 2nd 3rd, but 11th 12th 13th, and th otherwise.
    static func ordinalSuffix(_ digits: String) -> String {
        let n = Int(digits.suffix(2)) ?? 0
        if (11...13).contains(n % 100) { return "th" }
        switch n % 10 {
        case 1: return "st"
        case 2: return "nd"
        case 3: return "rd"
        default: return "th"
        }
    }
}
