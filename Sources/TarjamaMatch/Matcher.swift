import Foundation
import Synchronization
import TarjamaMemory
import TarjamaText

/// One earlier translation offered for a query.
public struct Match: Sendable, Codable {
    public var unitID: Int64
    /// 101 context, 100 exact, below for fuzzy; penalties already taken off.
    public var score: Int
    public var kind: MatchKind
    public var band: MatchBand
    /// The stored source as written.
    public var source: String
    /// The stored target with placeables substituted: what the translator would insert.
    public var target: String
    /// The stored target as written.
    public var storedTarget: String
    public var breakdown: ScoreBreakdown
    public var diff: [DiffSpan]
    public var origin: String?
    public var position: Int?
    public var confidence: Double?
    /// How many different translations the memory holds for this source.
    public var translations: Int
    /// Who wrote or last corrected the pair, when it last changed, how often it was used.
    public var author: String?
    public var changedAt: Date?
    public var usageCount: Int = 0
    /// What the translator must check by hand (a changed number the target spells out).
    public var warnings: [String] = []
    /// Similarity of the written forms in [0, 1] (diacritics count): orders matches of equal score.
    public var writtenSimilarity: Double = 0
}

/// The segments around a query, for context (101%) matches.
public struct MatchContext: Sendable {
    public var previousSource: String?
    public var nextSource: String?
    public var origin: String?

    public init(previousSource: String? = nil, nextSource: String? = nil, origin: String? = nil) {
        self.previousSource = previousSource
        self.nextSource = nextSource
        self.origin = origin
    }
}

public struct MatchOptions: Sendable {
    /// Lowest score offered.
    public var minimum: Int
    /// How many matches to return.
    public var limit: Int
    /// How many index candidates to score exactly (more: slower, closer to an exhaustive scan).
    public var candidates: Int
    /// Which units may be offered (by origin, author, date).
    public var filter: UnitFilter
    /// Points taken off matches by origin pattern (`UnitFilter.origin(_:matches:)`; the first
    /// pattern that fits counts), so a desk's own reviewed memory ranks above bulk imports, as
    /// OmegaT's `tm/penalty-NN` folders do.
    public var originPenalties: [(pattern: String, points: Int)]

    public init(minimum: Int = 50, limit: Int = 5, candidates: Int = 300, filter: UnitFilter = .all,
                originPenalties: [(pattern: String, points: Int)] = []) {
        self.minimum = minimum
        self.limit = limit
        self.candidates = candidates
        self.filter = filter
        self.originPenalties = originPenalties
    }
}

/// Finds earlier translations for a sentence: exact and context matches by key hash, fuzzy
/// matches by the memory's term index (the query's rarest stems, within a length window),
/// then exact scoring of that bounded candidate set.
///
/// It caches term frequencies and the unit count while the store's generation stays the same,
/// so a long-lived matcher sees every write as soon as it commits. Safe to share between
/// threads and tasks (the cache is behind a lock held only to read or merge it); async callers
/// use `lookup(…) async`, which keeps the store's blocking reads off the cooperative pool.
/// ```swift
/// let matcher = Matcher(store: try SQLiteMemory(path: "Memories/default.tmdb", readOnly: true))
/// for m in try matcher.lookup("قال الرئيس الروسي إن العلاقات ممتازة.") { print(m.score, m.target) }
/// ```
public final class Matcher: Sendable {
    public let store: any MatchSource

    /// Statistics read from the store at one generation.
    private struct Cache {
        var generation: Int64?
        var frequencies: [String: Int] = [:]
        var unitCount: Int?
    }
    private let cache = Mutex(Cache())
    private let phases = Mutex([String: Double]())

    /// Milliseconds spent per phase over all lookups (for `tarjama-dev bench lookup`).
    public var phaseMilliseconds: [String: Double] { phases.withLock { $0 } }

    public init(store: any MatchSource) {
        self.store = store
    }

    /// The store's generation, the cache emptied when it was filled at another one.
    private func followStore() throws -> Int64 {
        let now = try store.generation()
        cache.withLock { if $0.generation != now { $0 = Cache(generation: now) } }
        return now
    }

    @inline(__always)
    private func timed<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            phases.withLock { $0[phase, default: 0] += ms }
        }
        return try body()
    }

    public func lookup(_ text: String, context: MatchContext = MatchContext(), options: MatchOptions = MatchOptions()) throws -> [Match] {
        let scorer = Scorer(query: text)
        guard !scorer.query.isEmpty else { return [] }
        let generation = try followStore()
        let exact = try timed("exact", { try store.exact(text) }).filter(options.filter.accepts)
        let seen = Set(exact.map { $0.id! })

        let (terms, length) = MatchTokens.terms(scorer.query)
        // An Indel ratio r needs the shorter text at least r / (2 − r) of the longer; index-term
        // counts follow character lengths loosely, hence the 10% slack.
        let r = Scorer.ratio(forScore: max(options.minimum, 1))
        let ratio = 0.9 * r / (2 - r)
        let lengths = max(0, Int((Double(length) * ratio).rounded(.down)) - 1)...(Int((Double(length) / ratio).rounded(.up)) + 1)
        // Candidates are scored on their stored tokens; whole units are read only for the best.
        var scored: [(score: Double, id: Int64, tokens: StoredTokens)] = []
        let found = try candidates(terms.split(separator: " ").map(String.init), lengths: lengths, limit: options.candidates,
                                   generation: generation)
        timed("quick score") {
            for (id, tokens) in found where !seen.contains(id) {
                if let s = scorer.quickScore(tokens, minimum: options.minimum) { scored.append((s, id, tokens)) }
            }
        }
        scored.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        // Candidates tied at the cut-off are ordered by written similarity before the cut, so a
        // block of equal scores (numbers masked: document symbols, dates) keeps its closest forms.
        // A filter drops some of the best after they are read: read more of them.
        let keep = max(options.limit * 4, 20) * (options.filter.isEmpty ? 1 : 5)
        if scored.count > keep {
            let cutoff = scored[keep - 1].score
            let tied = scored.filter { $0.score == cutoff }
            if tied.count > 1 {
                let similarity = Dictionary(uniqueKeysWithValues: tied.map { ($0.id, scorer.writtenSimilarity($0.tokens.decode())) })
                let above = scored.filter { $0.score > cutoff }
                scored = above + tied.sorted { similarity[$0.id]! != similarity[$1.id]! ? similarity[$0.id]! > similarity[$1.id]! : $0.id < $1.id }
            }
        }
        let kept = scored.prefix(keep)
        // Only the kept few are decoded into tokens.
        let tokensOf = Dictionary(uniqueKeysWithValues: kept.map { ($0.id, $0.tokens.decode()) })
        let fuzzy = try timed("read units", { try store.units(ids: kept.map(\.id)) }).filter(options.filter.accepts)
        // How many translations each source has, for every unit offered, in one read.
        let translations = try timed("translations") {
            try store.translationCounts(sourceHashes: Array(Set((exact + fuzzy).map(\.sourceHash))))
        }
        var matches = exact.map { match($0, scorer, context, translations: translations[$0.sourceHash] ?? 1, options: options) }
        for unit in fuzzy {
            var m = timed("evaluate") {
                match(unit, scorer, context, translations: translations[unit.sourceHash] ?? 1, tokens: tokensOf[unit.id!], options: options)
            }
            m.writtenSimilarity = scorer.writtenSimilarity(tokensOf[unit.id!] ?? MatchTokens.tokens(unit.source))
            matches.append(m)
        }
        matches = matches.filter { $0.score >= options.minimum }
        matches.sort(by: Self.better)
        return Array(matches.prefix(options.limit))
    }

    /// Ranking: score, then the score before penalties, the word score, the written form
    /// closest to the query's, the more trusted pair, then the one stored first (as exact
    /// matches are ordered: among units that differ from the query alike, such as agenda lines
    /// differing in a number, the one the desk has had longest, and the same on every store).
    static func better(_ a: Match, _ b: Match) -> Bool {
        if a.score != b.score { return a.score > b.score }
        if a.breakdown.characterScore != b.breakdown.characterScore { return a.breakdown.characterScore > b.breakdown.characterScore }
        if a.breakdown.wordScore != b.breakdown.wordScore { return a.breakdown.wordScore > b.breakdown.wordScore }
        if a.writtenSimilarity != b.writtenSimilarity { return a.writtenSimilarity > b.writtenSimilarity }
        if (a.confidence ?? 1) != (b.confidence ?? 1) { return (a.confidence ?? 1) > (b.confidence ?? 1) }
        return a.unitID < b.unitID
    }

    /// The units sharing the most (rarest-weighted) stems with the query: walks the posting
    /// lists of the query's terms, rarest first, adding each term's inverse document frequency
    /// to the units that hold it, and stops before the lists add up to more than a budget, so a
    /// query costs about the same whatever the memory's size. Words too common for the budget
    /// ("في", "من") are skipped: they cannot tell candidates apart.
    private func candidates(_ terms: [String], lengths: ClosedRange<Int>, limit: Int,
                            generation: Int64) throws -> [(id: Int64, tokens: StoredTokens)] {
        let unique = Array(Set(terms))
        var (frequencies, unitCount) = cache.withLock { c in
            (Dictionary(uniqueKeysWithValues: unique.compactMap { t in c.frequencies[t].map { (t, $0) } }), c.unitCount)
        }
        let missing = unique.filter { frequencies[$0] == nil }
        let fetched = missing.isEmpty ? [:] : try store.termFrequencies(missing, side: .source)
        frequencies.merge(fetched) { a, _ in a }
        if unitCount == nil { unitCount = try store.unitCount() }
        // What was read goes into the cache only if the store has not moved on meanwhile.
        cache.withLock { c in
            guard c.generation == generation else { return }
            c.frequencies.merge(fetched) { a, _ in a }
            c.unitCount = unitCount
        }
        let total = Double(max(unitCount ?? 1, 1))
        let present = unique.filter { (frequencies[$0] ?? 0) > 0 }.sorted { (frequencies[$0]!, $0) < (frequencies[$1]!, $1) }
        var budget = Self.postingBudget
        var weight: [Int64: Double] = [:]
        weight.reserveCapacity(min(budget, present.reduce(0) { $0 + frequencies[$1]! }))
        var chosen: [String] = []
        for (k, t) in present.enumerated() {
            let df = frequencies[t]!
            if df > budget && k >= 2 { continue }
            budget -= df
            chosen.append(t)
        }
        let lists = try timed("postings") { try store.postings(chosen, side: .source) }
        timed("weights") {
            for t in chosen {
                let idf = log(1 + total / Double(frequencies[t]!))
                for id in lists[t] ?? [] { weight[id, default: 0] += idf }
            }
        }
        let best = timed("top") { Self.top(weight, limit * 2) }
        // Read in rank order, a chunk at a time, until `limit` fit the length window: most do,
        // so usually one chunk of rows is read and decoded, not two.
        var found: [(id: Int64, tokens: StoredTokens)] = []
        var start = 0
        while found.count < limit && start < best.count {
            let chunk = Array(best[start..<min(best.count, start + limit - found.count + 16)])
            let rank = Dictionary(uniqueKeysWithValues: chunk.enumerated().map { ($1, $0) })
            found += try timed("candidate tokens") { try store.storedTokens(ids: chunk, lengths: lengths) }
                .sorted { rank[$0.id]! < rank[$1.id]! }
            start += chunk.count
        }
        return Array(found.prefix(limit))
    }

    /// Postings read per lookup at most (the two rarest terms are always read).
    static let postingBudget = 10_000

    /// The `count` ids with the highest weights (ties: lower id first), without sorting them all.
    static func top(_ weight: [Int64: Double], _ count: Int) -> [Int64] {
        guard weight.count > count else {
            return weight.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        }
        // The count-th largest weight by selection on a copy, then everything above it.
        var values = Array(weight.values)
        let k = count - 1
        var lo = 0, hi = values.count - 1
        while lo < hi {
            let pivot = values[(lo + hi) / 2]
            var i = lo, j = hi
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { break }
        }
        let threshold = values[k]
        return weight.filter { $0.value >= threshold }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(count).map(\.key)
    }

    private func match(_ unit: TranslationUnit, _ scorer: Scorer, _ context: MatchContext, translations: Int,
                       tokens: [MatchToken]? = nil, options: MatchOptions) -> Match {
        let stored = tokens ?? MatchTokens.tokens(unit.source)
        var (breakdown, target, diff, warnings) = scorer.evaluate(stored: stored, target: unit.target, storedSource: unit.source)
        if translations > 1 {
            breakdown.penalties.append(Penalty(.multipleTranslations, points: 1, detail: "\(translations) translations of this source"))
        }
        if let c = unit.confidence, c < 0.75 {
            breakdown.penalties.append(Penalty(.lowConfidence, points: c < 0.5 ? 3 : 1,
                                               detail: String(format: "aligned with confidence %.2f", c)))
        }
        if let rule = options.originPenalties.first(where: { UnitFilter.origin(unit.origin, matches: $0.pattern) }), rule.points > 0 {
            breakdown.penalties.append(Penalty(.origin, points: rule.points, detail: "from \(unit.origin ?? "")"))
        }
        var kind: MatchKind = .fuzzy
        var top = breakdown.characterScore
        if breakdown.characterScore == 100 && breakdown.substitutions.isEmpty {
            kind = .exact
            if isContext(unit, context) { kind = .context; top = 101 }
        }
        let score = max(0, top - breakdown.penaltyPoints)
        return Match(unitID: unit.id!, score: score, kind: kind, band: MatchBand(score: score, kind: kind),
                     source: unit.source, target: target, storedTarget: unit.target, breakdown: breakdown, diff: diff,
                     origin: unit.origin, position: unit.position, confidence: unit.confidence, translations: translations,
                     author: unit.changedBy ?? unit.createdBy, changedAt: unit.changedAt, usageCount: unit.usageCount,
                     warnings: warnings)
    }

    private func isContext(_ unit: TranslationUnit, _ context: MatchContext) -> Bool {
        if let p = context.previousSource, let h = unit.previousHash, SegmentKey.keyHash(p) == h { return true }
        if let n = context.nextSource, let h = unit.nextHash, SegmentKey.keyHash(n) == h { return true }
        if let o = context.origin, let u = unit.origin, o == u { return true }
        return false
    }
}

extension Matcher {
    /// `lookup` for async callers (a server's handlers): the store's reads block, so the lookup
    /// runs on a thread of Dispatch's pool and the caller's task waits without holding a thread
    /// of the cooperative pool.
    public func lookup(_ text: String, context: MatchContext = MatchContext(),
                       options: MatchOptions = MatchOptions()) async throws -> [Match] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.lookup(text, context: context, options: options) })
            }
        }
    }
}
