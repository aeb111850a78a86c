import TarjamaMatch
import TarjamaPretranslate

/// Checks a batch's bands against the exhaustive scan: for each segment, the band of the best
/// score the indexed matcher returned against the band of the best score over every unit.
///
/// Scores compared are intrinsic (text against text, placeables and hidden differences
/// included), because the exhaustive scan cannot see the memory-wide penalties (several
/// translations, alignment confidence).
public struct BandCheck: Sendable, Codable {
    public var checked = 0
    public var agree = 0
    /// Segments whose bands differ: source, indexed band, exhaustive band.
    public var disagreements: [Disagreement] = []
    public var agreement: Double { checked == 0 ? 1 : Double(agree) / Double(checked) }

    public struct Disagreement: Sendable, Codable {
        public var source: String
        public var indexed: MatchBand
        public var exhaustive: MatchBand
    }

    /// Checks up to `sample` segments: those the matcher did not find exactly first (where the
    /// index can go wrong), then exact ones.
    public static func run(_ batch: Batch, scan: ReferenceScan, minimum: Int, sample: Int = .max) -> BandCheck {
        var check = BandCheck()
        let segments = batch.articles.flatMap(\.segments)
        func isExact(_ s: PretranslatedSegment) -> Bool { s.matches.contains { $0.kind != .fuzzy } }
        for segment in (segments.filter { !isExact($0) } + segments.filter(isExact)).prefix(sample) {
            let indexedScore = segment.matches.map(\.breakdown.intrinsicScore).max()
            let exhaustiveScore = scan.best(segment.source, minimum: minimum)?.score
            let indexed = indexedScore.map { MatchBand(score: min($0, 100), kind: .fuzzy) } ?? .noMatch
            let exhaustive = exhaustiveScore.map { MatchBand(score: min($0, 100), kind: .fuzzy) } ?? .noMatch
            check.checked += 1
            if indexed == exhaustive {
                check.agree += 1
            } else {
                check.disagreements.append(Disagreement(source: segment.source, indexed: indexed, exhaustive: exhaustive))
            }
        }
        return check
    }
}
