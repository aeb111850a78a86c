import TarjamaMemory
import TarjamaText

/// The exhaustive baseline: scores every unit of a memory against a query with the same scorer
/// the matcher uses. Benchmarks and tests compare the indexed matcher's top hit with this one's,
/// and print its time beside the matcher's.
///
/// Loads every unit's tokens once (memory grows with the memory's size), then each query is a
/// linear scan, as translate-toolkit and OmegaT do per lookup.
public struct ReferenceScan {
    public struct Entry: Sendable {
        public let unitID: Int64
        public let tokens: [MatchToken]
        public let target: String
        public let source: String
    }

    public private(set) var entries: [Entry] = []

    public init(memory: Memory) throws {
        try memory.forEachUnit { u in entries.append(Entry(unitID: u.id!, tokens: MatchTokens.tokens(u.source), target: u.target, source: u.source)) }
    }

    /// The best word score (placeables substituted, hidden-difference penalties taken off) and the
    /// units reaching it. Translation-count and confidence penalties need the database and are
    /// left out on both sides of a comparison.
    public func best(_ query: String, minimum: Int = 50, excludingSource: String? = nil) -> (score: Int, units: [Int64])? {
        let scorer = Scorer(query: query)
        guard !scorer.query.isEmpty else { return nil }
        var bestScore = minimum - 1
        var bestUnits: [Int64] = []
        for e in entries where excludingSource == nil || e.source != excludingSource {
            guard let quick = scorer.quickScore(e.tokens, minimum: max(minimum, bestScore)), Int(quick.rounded(.up)) >= bestScore else { continue }
            let s = scorer.evaluate(stored: e.tokens, target: e.target).breakdown.intrinsicScore
            if s > bestScore { bestScore = s; bestUnits = [e.unitID] } else if s == bestScore { bestUnits.append(e.unitID) }
        }
        return bestUnits.isEmpty ? nil : (bestScore, bestUnits)
    }
}
