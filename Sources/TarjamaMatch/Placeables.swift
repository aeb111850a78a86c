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
        let numbers = Tokenizer().tokenize(utf8: bytes).filter { $0.kind == .number }
        for t in numbers where !used.contains(t.range.lowerBound) {
            let key = Normalizer.matchingKey.normalize(t.text)
            guard value(key) == want else { continue }
            // Keep the target's percent sign if it has one; otherwise only the digits change.
            let digits = render(queryKey)
            let replacement = key.hasSuffix("%") ? digits + "%" : digits
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
}
