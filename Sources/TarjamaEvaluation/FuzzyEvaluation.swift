import Foundation
import TarjamaMatch
import TarjamaMemory
import TarjamaText

/// Measures the matcher on the shared gold pairs (`../shared/data/fuzzy`) against a memory that
/// holds `parallel/ar-en-33k.tsv`: how often the gold match line comes back on top, whether the
/// normalisation-equivalent pairs score 100, how often the indexed top hit equals an exhaustive
/// scan's, and the lookup times of both.
///
/// A query's own line is in the memory too; its hits with the query's exact text are ignored,
/// which is the gold set's protocol ("every line except the query").
public struct FuzzyEvaluation: Sendable, Codable {
    public var queries = 0
    public var topHit = 0
    /// Queries whose gold line is among the first five hits.
    public var topFive = 0
    public var topFiveMisses: [String] = []
    /// With a reference memory (the same units in another store): queries whose top hit (text
    /// and score) is the same in both.
    public var referenceChecked = 0
    public var sameTopHit = 0
    public var equivalents = 0
    public var equivalentsAt100 = 0
    public var equivalentsWithPenalty = 0
    public var exhaustiveChecked = 0
    public var exhaustiveAgree = 0
    public var medianLookupMilliseconds = 0.0
    public var medianExhaustiveMilliseconds = 0.0
    public var misses: [String] = []
    public var exhaustiveMisses: [String] = []
    /// Queries whose gold line is first by the gold set's own raw similarity (`goldCeiling`), when measured.
    public var ceilingOnTop: Int?
    /// Misses where nothing reached the threshold, and where another unit ranked above the gold.
    public var missesWithoutHit = 0
    public var missesOutranked = 0

    public var topHitRate: Double { queries == 0 ? 0 : Double(topHit) / Double(queries) }
    public var topFiveRate: Double { queries == 0 ? 0 : Double(topFive) / Double(queries) }
    public var sameTopHitRate: Double { referenceChecked == 0 ? 0 : Double(sameTopHit) / Double(referenceChecked) }
    public var exhaustiveAgreement: Double { exhaustiveChecked == 0 ? 0 : Double(exhaustiveAgree) / Double(exhaustiveChecked) }

    /// Reads `line`-numbered pairs (1-based) of the parallel file.
    static func lines(_ path: String) throws -> [(ar: String, en: String)] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let p = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(p[0]), p.count > 1 ? String(p[1]) : "")
        }
    }

    static func table(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// - Parameters:
    ///   - data: the shared data folder; `memory` must already hold `parallel/ar-en-33k.tsv`.
    ///   - exhaustiveSample: how many queries also run the exhaustive scan (it is slow by design).
    ///   - reference: the same units in another store, whose top hits this memory's should equal.
    public static func run(data: String, memory: any MemoryStore, exhaustiveSample: Int = 200,
                           reference: (any MemoryStore)? = nil,
                           progress: ((Int, Int) -> Void)? = nil) throws -> FuzzyEvaluation {
        var e = FuzzyEvaluation()
        let corpus = try lines(data + "/parallel/ar-en-33k.tsv")
        let natural = try table(data + "/fuzzy/fuzzy-natural-dev.tsv")
        let equivalents = try table(data + "/fuzzy/fuzzy-normalisation-equivalents-dev.tsv")
        let matcher = Matcher(store: memory)
        let referenceMatcher = reference.map { Matcher(store: $0) }
        let scan = exhaustiveSample > 0 ? try ReferenceScan(memory: memory) : nil
        var times: [Double] = [], scanTimes: [Double] = []
        for (k, row) in natural.enumerated() {
            guard row.count >= 2, let q = Int(row[0]), let m = Int(row[1]), q >= 1, m >= 1, q <= corpus.count, m <= corpus.count else { continue }
            let query = corpus[q - 1].ar, wanted = corpus[m - 1].ar
            let start = Date()
            // The query's own line is the unit with its exact bytes: Swift's `!=` compares
            // canonically, and ten gold lines differ from their query only in the order of
            // combining marks (shadda and tanween), which it would count as the query.
            let hits = try matcher.lookup(query, options: MatchOptions(minimum: 50, limit: 6))
                .filter { !$0.source.utf8.elementsEqual(query.utf8) }
            times.append(Date().timeIntervalSince(start))
            e.queries += 1
            if let referenceMatcher {
                let theirs = try referenceMatcher.lookup(query, options: MatchOptions(minimum: 50, limit: 6))
                    .filter { !$0.source.utf8.elementsEqual(query.utf8) }
                e.referenceChecked += 1
                if theirs.first?.source == hits.first?.source && theirs.first?.storedTarget == hits.first?.storedTarget
                    && theirs.first?.score == hits.first?.score { e.sameTopHit += 1 }
            }
            if hits.prefix(5).contains(where: { SegmentKey.key($0.source) == SegmentKey.key(wanted) }) {
                e.topFive += 1
            } else if e.topFiveMisses.count < 40 {
                e.topFiveMisses.append("line \(q) “\(query)”: wanted line \(m) “\(wanted)”; got " + hits.prefix(5).map { "\($0.score) “\($0.source)”" }.joined(separator: " · "))
            }
            if let top = hits.first {
                let wantedKey = SegmentKey.key(wanted)
                let wantedScore = hits.first { SegmentKey.key($0.source) == wantedKey }?.score
                if SegmentKey.key(top.source) == wantedKey || wantedScore == top.score {
                    e.topHit += 1
                } else {
                    e.missesOutranked += 1
                    if e.misses.count < 30 { e.misses.append("line \(q): top is \(top.score)% “\(top.source)”, wanted line \(m) “\(wanted)” at \(wantedScore.map(String.init) ?? "none")") }
                }
            } else {
                e.missesWithoutHit += 1
                if e.misses.count < 30 { e.misses.append("line \(q): no hit, wanted line \(m)") }
            }
            if let scan, k % max(1, natural.count / exhaustiveSample) == 0, e.exhaustiveChecked < exhaustiveSample {
                let s0 = Date()
                let best = scan.best(query, minimum: 50, excludingSource: query)
                scanTimes.append(Date().timeIntervalSince(s0))
                // The best text-against-text score the matcher returned: its ranking also weighs
                // memory-wide penalties the scan cannot see (several translations, confidence).
                let mine = hits.map(\.breakdown.intrinsicScore).max()
                e.exhaustiveChecked += 1
                if mine == best?.score { e.exhaustiveAgree += 1 }
                else if e.exhaustiveMisses.count < 20 { e.exhaustiveMisses.append("line \(q): index \(mine.map(String.init) ?? "none") vs scan \(best.map { String($0.score) } ?? "none")") }
            }
            progress?(k + 1, natural.count)
        }
        for row in equivalents {
            guard row.count >= 2, let a = Int(row[0]), let b = Int(row[1]), a >= 1, b >= 1, a <= corpus.count, b <= corpus.count else { continue }
            e.equivalents += 1
            let hits = try matcher.lookup(corpus[a - 1].ar, options: MatchOptions(minimum: 50, limit: 20))
            if let hit = hits.first(where: { $0.source.utf8.elementsEqual(corpus[b - 1].ar.utf8) }), hit.breakdown.characterScore == 100 {
                e.equivalentsAt100 += 1
                if hit.breakdown.penalties.contains(where: { $0.reason != .multipleTranslations && $0.reason != .lowConfidence }) {
                    e.equivalentsWithPenalty += 1
                }
            } else if e.misses.count < 50 {
                e.misses.append("equivalent: line \(a) did not find line \(b) at 100")
            }
        }
        e.medianLookupMilliseconds = median(times) * 1000
        e.medianExhaustiveMilliseconds = median(scanTimes) * 1000
        return e
    }

    /// How often the gold match is the best unit by the gold set's own similarity: the Indel
    /// ratio of the raw texts (its `score_raw` column), over every other line of the corpus,
    /// equal integer scores counting as on top. The gold pairs are near-duplicates above 70, not
    /// each query's best line, so this is the ceiling of any ranking on this set; a score
    /// that folds diacritics and letter forms (as the matcher's must) stays below it.
    public static func goldCeiling(data: String, progress: ((Int, Int) -> Void)? = nil) throws -> (onTop: Int, queries: Int) {
        let corpus = try lines(data + "/parallel/ar-en-33k.tsv").map { Array($0.ar.utf16) }
        let natural = try table(data + "/fuzzy/fuzzy-natural-dev.tsv")
        var onTop = 0, queries = 0
        for (k, row) in natural.enumerated() {
            guard row.count >= 2, let q = Int(row[0]), let m = Int(row[1]), q >= 1, m >= 1, q <= corpus.count, m <= corpus.count else { continue }
            let query = corpus[q - 1]
            var c = CharacterSimilarity(characters: query)
            func score(_ b: [UInt16]) -> Int { Int((200 * Double(c.lcs(b)) / Double(max(1, query.count + b.count))).rounded()) }
            let gold = score(corpus[m - 1])
            var beaten = false
            for (i, line) in corpus.enumerated() where i != q - 1 && line != query {
                // 2 × LCS ≤ 2 × the shorter length: most lines cannot beat the gold at all.
                if 200 * Double(min(line.count, query.count)) / Double(line.count + query.count) < Double(gold) + 0.5 { continue }
                if score(line) > gold { beaten = true; break }
            }
            queries += 1
            if !beaten { onTop += 1 }
            progress?(k + 1, natural.count)
        }
        return (onTop, queries)
    }

    static func median(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return 0 }
        let s = xs.sorted()
        return s[s.count / 2]
    }
}
