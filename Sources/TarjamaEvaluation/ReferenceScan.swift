import TarjamaMatch
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

    public init(memory: any MemoryStore) throws {
        try Self.forEachTokenized(memory) { id, tokens, source, target in
            entries.append(Entry(unitID: id, tokens: tokens, target: target, source: source))
        }
    }

    /// The best score (placeables substituted, hidden-difference penalties taken off) and the
    /// units reaching it. Translation-count and confidence penalties need the database and are
    /// left out on both sides of a comparison.
    public func best(_ query: String, minimum: Int = 50, excludingSource: String? = nil) -> (score: Int, units: [Int64])? {
        let scorer = Scorer(query: query)
        guard !scorer.query.isEmpty else { return nil }
        var bestScore = minimum - 1
        var bestUnits: [Int64] = []
        // Byte comparison: `!=` on Strings is canonical and would also skip a copy whose marks
        // are ordered differently.
        for e in entries where excludingSource.map({ !e.source.utf8.elementsEqual($0.utf8) }) ?? true {
            guard let quick = scorer.quickScore(e.tokens, minimum: max(minimum, bestScore)), Int(quick.rounded(.up)) >= bestScore else { continue }
            let s = scorer.evaluate(stored: e.tokens, target: e.target, storedSource: e.source).breakdown.intrinsicScore
            guard s >= minimum else { continue }
            if s > bestScore { bestScore = s; bestUnits = [e.unitID] } else if s == bestScore { bestUnits.append(e.unitID) }
        }
        return bestUnits.isEmpty ? nil : (bestScore, bestUnits)
    }
}

extension ReferenceScan {
    /// The exhaustive best for several queries in one pass over the memory, without holding it:
    /// for memories too large to load (a million units), each unit is tokenised once and scored
    /// against every query. `progress` gets units scanned.
    public static func best(_ queries: [String], in memory: any MemoryStore, minimum: Int = 50,
                            progress: ((Int) -> Void)? = nil) throws -> [(score: Int, units: [Int64])?] {
        let scorers = queries.map { Scorer(query: $0) }
        var best = [(score: Int, units: [Int64])?](repeating: nil, count: queries.count)
        var bestScore = [Int](repeating: minimum - 1, count: queries.count)
        var scanned = 0
        try forEachTokenized(memory) { id, tokens, source, target in
            for (q, scorer) in scorers.enumerated() where !scorer.query.isEmpty {
                guard let quick = scorer.quickScore(tokens, minimum: max(minimum, bestScore[q])),
                      Int(quick.rounded(.up)) >= bestScore[q] else { continue }
                let s = scorer.evaluate(stored: tokens, target: target, storedSource: source).breakdown.intrinsicScore
                guard s >= minimum else { continue }
                if s > bestScore[q] {
                    bestScore[q] = s
                    best[q] = (s, [id])
                } else if s == bestScore[q] {
                    best[q]?.units.append(id)
                }
            }
            scanned += 1
            if scanned % 10_000 == 0 { progress?(scanned) }
        }
        return best
    }
}

extension ReferenceScan {
    /// Every unit's id, match tokens (stored ones, read a batch at a time), source and target,
    /// in id order and in constant memory.
    static func forEachTokenized(_ memory: any MemoryStore, _ body: (Int64, [MatchToken], String, String) throws -> Void) throws {
        var batch: [TranslationUnit] = []
        func flush() throws {
            guard !batch.isEmpty else { return }
            let stored = try memory.storedTokens(ids: batch.map { $0.id! }, lengths: 0...Int.max)
            let tokens = Dictionary(stored.map { ($0.id, $0.tokens) }, uniquingKeysWith: { a, _ in a })
            for u in batch {
                try body(u.id!, tokens[u.id!]?.decode() ?? MatchTokens.tokens(u.source), u.source, u.target)
            }
            batch.removeAll(keepingCapacity: true)
        }
        try memory.forEachUnit(batchSize: 5_000) { u in
            batch.append(u)
            if batch.count == 5_000 { try flush() }
        }
        try flush()
    }
}
