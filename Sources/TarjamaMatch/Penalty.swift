import TarjamaText

/// Points taken off a match for a difference the score does not see, as Trados and memoQ
/// do: the translator must know that a "100%" was voweled differently or had its number changed.
public struct Penalty: Sendable, Codable, Equatable {
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// Harakat, shadda, tanween or tatweel differ (normalisation made the words equal).
        case diacritics
        /// Alef with or without hamza, ى/ي, ة/ه differ.
        case letterForms
        /// The same number in other digits (٢٥ ↔ 25, ٫ ↔ .).
        case digitForms
        /// Punctuation differs in form or a mark is missing (، ↔ , or a lost full stop).
        case punctuation
        /// Upper/lower case differs (Latin words inside Arabic).
        case letterCase
        /// The same text in another Unicode encoding: presentation forms or ligatures (ﻻ for
        /// لا), combining marks in another order, or invisible characters (bidi marks, ZWNJ).
        case encoding
        /// A number, date or percentage differs and was substituted into the target.
        case placeable
        /// The memory holds several different translations of this source.
        case multipleTranslations
        /// The stored pair came from an alignment with low confidence.
        case lowConfidence
        /// The pair comes from an origin the desk ranks lower (`MatchOptions.originPenalties`).
        case origin
        /// The inline codes (tags) of the query and the stored source differ.
        case inlineCodes
    }

    public let reason: Reason
    public let points: Int
    public let detail: String

    public init(_ reason: Reason, points: Int, detail: String) {
        self.reason = reason
        self.points = points
        self.detail = detail
    }
}

/// Finds which normalisation steps made two differently written tokens equal.
enum HiddenDifference {
    private static let groups: [(Penalty.Reason, Set<Normalizer.Step>)] = [
        (.diacritics, [.removeTashkeel, .removeTatweel]),
        (.letterForms, [.foldAlef, .foldYa, .foldTaMarbuta]),
        (.digitForms, [.foldDigits]),
        (.punctuation, [.foldPunctuation]),
        (.letterCase, [.foldCase]),
    ]
    /// For each group, the matching key without that group's steps.
    private static let partial: [(Penalty.Reason, Normalizer)] = groups.map { reason, steps in
        (reason, Normalizer(steps: Normalizer.matchingKey.steps.filter { !steps.contains($0) && $0 != .nfkc }))
    }

    /// The reasons two tokens with equal keys but different spellings differ.
    static func reasons(_ a: String, _ b: String) -> [Penalty.Reason] {
        guard a != b else { return [] }
        return partial.compactMap { reason, n in n.normalize(a) != n.normalize(b) ? reason : nil }
    }
}
