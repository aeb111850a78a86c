/// How a stored unit matches a query, as CAT tools name it.
public enum MatchKind: String, Sendable, Codable {
    /// Same source and the same neighbouring sentence (or the same article): 101%.
    case context
    /// Same source after normalisation: 100% (less any penalty for what normalisation hid).
    case exact
    /// Similar source: edit distance over words.
    case fuzzy
}

/// The bands of an analysis report (Trados/memoQ convention), best first.
///
/// ```swift
/// MatchBand(score: 97, kind: .fuzzy)   // .fuzzy95
/// ```
public enum MatchBand: String, Sendable, Codable, CaseIterable, Comparable {
    case context = "101"
    case exact = "100"
    case fuzzy95 = "95-99"
    case fuzzy85 = "85-94"
    case fuzzy75 = "75-84"
    case fuzzy50 = "50-74"
    case noMatch = "no match"

    public init(score: Int, kind: MatchKind?) {
        switch (kind, score) {
        case (nil, _): self = .noMatch
        case (.context?, 101...): self = .context
        case (_, 100...): self = .exact
        case (_, 95...): self = .fuzzy95
        case (_, 85...): self = .fuzzy85
        case (_, 75...): self = .fuzzy75
        case (_, 50...): self = .fuzzy50
        default: self = .noMatch
        }
    }

    /// The band as a report prints it: "101%", "95-99%", "No match".
    public var label: String { self == .noMatch ? "No match" : rawValue + "%" }

    public static func < (a: MatchBand, b: MatchBand) -> Bool {
        allCases.firstIndex(of: a)! > allCases.firstIndex(of: b)!
    }
}
