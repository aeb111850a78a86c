import Foundation
import TarjamaText

/// The score of one stored source against a query, with everything that went into it.
public struct ScoreBreakdown: Sendable, Codable, Equatable {
    /// The fuzzy score before penalties: the character similarity of the matching keys,
    /// corrected for chance (`Scorer.characterScore`), placeables counted as equal. 100 only
    /// when the keys are identical.
    public var characterScore: Int
    /// The word-level score, 100 × (1 − distance / max(query weight, stored weight)), floored;
    /// placeables count as equal. Shown with `--explain`; the ranking uses `characterScore`.
    public var wordScore: Int
    /// Weighted word edit distance after placeable substitution.
    public var distance: Double
    public var queryWeight: Double
    public var storedWeight: Double
    public var penalties: [Penalty]
    public var substitutions: [Substitution]

    public var penaltyPoints: Int { penalties.reduce(0) { $0 + $1.points } }

    /// The score from the two texts alone: character score less the penalties for hidden
    /// differences and placeables, without those that depend on the rest of the memory (several
    /// translations, alignment confidence). What an exhaustive scan can compare.
    public var intrinsicScore: Int {
        characterScore - penalties.filter { $0.reason != .multipleTranslations && $0.reason != .lowConfidence }.reduce(0) { $0 + $1.points }
    }
}

/// A token-level difference between the query and the stored source, for a word diff.
public struct DiffSpan: Sendable, Codable, Equatable {
    public let op: EditOp
    public let query: String?
    public let stored: String?
    /// How the span joins the text before it when shown: a proclitic's stem and punctuation
    /// follow without a space (`و` + `الصين` → `والصين`, `بكين` + `.` → `بكين.`).
    public let joinsPrevious: Bool

    init(op: EditOp, query: MatchToken?, stored: MatchToken?, after previous: MatchToken?) {
        self.op = op
        self.query = query?.original
        self.stored = stored?.original
        let token = stored ?? query
        joinsPrevious = previous?.isClitic == true || token?.kind == .punctuation && token?.original != "\"" && token?.original != "("
    }
}

/// Scores stored sources against one query.
///
/// The score is character-level: the Indel ratio of the two matching keys (2 × LCS / total
/// length, as rapidfuzz and character-based CAT tools compute it), corrected for chance. On the
/// shared gold near-duplicates a word-level score ranked the right unit first for at most 78.5%
/// of queries, the character score for 88.4% (both by exhaustive scan): Arabic attaches
/// clitics and inflects by affixes, so `لديه`/`لدي` or `الفرنسية`/`الفارسية` are small changes a
/// word-level distance counts as whole words. A word alignment (weighted edit distance on
/// `Int32` ids, with partial credit for inflected forms) still runs for the few best: it finds
/// placeables, hidden differences and the diff, and its score is reported beside.
///
/// The same scorer serves the indexed matcher and the exhaustive reference scan, so the two can
/// only disagree about which candidates were looked at, never about a score.
public final class Scorer {
    public let query: [MatchToken]
    let queryIDs: [Int32]
    let queryWeights: [Double]
    public let queryWeight: Double
    private var vocabulary: [String: Int32] = [:]
    /// Scalars of every interned key, by id, for the partial-credit substitution cost.
    private var scalars: [[Unicode.Scalar]] = []
    /// Ids whose tokens may earn partial credit (words of three letters or more).
    private var partialEligible: [Bool] = []
    /// Substitution factors, query word × stored word, in a flat table (−1: not computed yet):
    /// the edit-distance inner loop asks for one per cell, and a hashed memo was a third of a
    /// lookup's time.
    private var factors: [Double] = []
    private var queryVocabulary = 0
    private var distance = EditDistance()
    /// The query's key and written form as characters; the query's numbers in order.
    private var keyed: CharacterSimilarity
    private lazy var written = CharacterSimilarity(query: query, .written)
    private let queryNumbers: [String]

    /// Indel ratio of two unrelated sentences, which share letters by chance: mapped to 0, so a
    /// score reads on the scale translators know from word counts. On random pairs of similar
    /// length from the shared 33k corpus the ratio is 0.40 (median) and 0.53 (99th
    /// percentile), which score 14 and 33; one changed word in fifteen (ratio ≈ 0.955) scores
    /// 93, as 100 × (1 − 1/15) would.
    public static let chance = 0.3

    /// 0…100 from an Indel ratio; 100 only for identical texts.
    public static func characterScore(ratio: Double) -> Double {
        ratio >= 1 ? 100 : min(99.99, 100 * max(0, ratio - chance) / (1 - chance))
    }

    /// The smallest Indel ratio that can reach `minimum` (for length windows).
    public static func ratio(forScore minimum: Int) -> Double {
        chance + (1 - chance) * Double(minimum) / 100
    }

    /// The query as written, when the scorer was made from text: a stored source with the same
    /// tokens but other bytes differs only in encoding, which `evaluate` reports.
    private var queryText: String?

    public convenience init(query text: String) {
        self.init(tokens: MatchTokens.tokens(text))
        queryText = text
    }

    public init(tokens: [MatchToken]) {
        query = tokens
        var vocabulary: [String: Int32] = [:]
        var scalars: [[Unicode.Scalar]] = [], eligible: [Bool] = []
        queryIDs = tokens.map { t in
            if let id = vocabulary[t.key] { return id }
            let id = Int32(vocabulary.count); vocabulary[t.key] = id
            scalars.append(Array(t.key.unicodeScalars)); eligible.append(Self.eligible(t))
            return id
        }
        self.vocabulary = vocabulary
        queryVocabulary = vocabulary.count
        self.scalars = scalars
        self.partialEligible = eligible
        queryWeights = tokens.map(\.weight)
        queryWeight = queryWeights.reduce(0, +)
        keyed = CharacterSimilarity(query: tokens, .key)
        queryNumbers = tokens.filter { $0.kind == .number }.map(\.key)
    }

    /// Words long enough for a spelling variant to be the same word in another form.
    private static func eligible(_ t: MatchToken) -> Bool {
        t.kind == .word && !t.isClitic && t.key.unicodeScalars.count >= 3
    }

    /// A token's id, interning keys the query lacks (ids are per query: small, dense).
    @inline(__always)
    private func id(_ t: MatchToken) -> Int32 {
        if let id = vocabulary[t.key] { return id }
        let id = Int32(vocabulary.count)
        vocabulary[t.key] = id
        scalars.append(Array(t.key.unicodeScalars))
        partialEligible.append(Self.eligible(t))
        return id
    }

    /// The factor on a substitution of two different words: Arabic inflects by affixes, so
    /// `رواتبهم` for `راتب` or `يشعر` for `تشعر` is a smaller change than an unrelated word.
    /// 1.5 × the normalised character edit distance, capped at 1: one letter in four costs 0.375,
    /// unrelated words cost the full word. Numbers and clitics get no partial credit.
    func substitutionFactor(_ a: Int32, _ b: Int32) -> Double {
        guard partialEligible[Int(a)], partialEligible[Int(b)] else { return 1 }
        // One side is always a query word in the matcher's alignments.
        let (q, other) = Int(a) < queryVocabulary ? (Int(a), Int(b)) : (Int(b), Int(a))
        guard q < queryVocabulary else { return characterFactor(a, b) }
        let slot = other * queryVocabulary + q
        if slot >= factors.count { factors.append(contentsOf: repeatElement(-1, count: max(slot + 1 - factors.count, queryVocabulary * 64))) }
        if factors[slot] >= 0 { return factors[slot] }
        let v = characterFactor(a, b)
        factors[slot] = v
        return v
    }

    private func characterFactor(_ a: Int32, _ b: Int32) -> Double {
        let x = scalars[Int(a)], y = scalars[Int(b)]
        var prev = Array(0...y.count), cur = prev
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                cur[j] = min(prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1), prev[j] + 1, cur[j - 1] + 1)
            }
            swap(&prev, &cur)
        }
        return min(1, 1.5 * Double(prev[y.count]) / Double(max(x.count, y.count)))
    }

    /// Similarity of the written forms in [0, 1] (diacritics and letter forms count): orders
    /// matches of equal score, so the copy written like the query comes first.
    public func writtenSimilarity(_ stored: [MatchToken]) -> Double {
        written.ratio(stored, .written)
    }

    /// `quickScore` on stored tokens in their byte form (no decoding).
    public func quickScore(_ stored: StoredTokens, minimum: Int = 0) -> Double? {
        let s = Self.characterScore(ratio: keyed.ratio(stored, numbers: queryNumbers))
        return s >= Double(minimum) ? s : nil
    }

    /// The character score with the stored numbers replaced by the query's (as placeable
    /// substitution will do), the fast first pass over candidates (a few microseconds each).
    /// Returns nil when it cannot reach `minimum`.
    public func quickScore(_ stored: [MatchToken], minimum: Int = 0) -> Double? {
        let s = Self.characterScore(ratio: keyed.ratio(stored, .queryNumbers, numbers: queryNumbers))
        return s >= Double(minimum) ? s : nil
    }

    /// Full evaluation of one stored pair: alignment, placeables substituted into the target,
    /// penalties for hidden differences, and the diff.
    /// `storedSource` (the stored source as written) lets it report an encoding difference.
    /// A changed number the target does not write in digits (spelled out, a time) is not
    /// substituted: it comes back in `warnings`, so the translator is told to correct it.
    public func evaluate(stored: [MatchToken], target: String, storedSource: String? = nil)
        -> (breakdown: ScoreBreakdown, target: String, diff: [DiffSpan], warnings: [String]) {
        let ids = stored.map { id($0) }
        let weights = stored.map(\.weight)
        let storedWeight = weights.reduce(0, +)
        var (d, ops) = EditDistance.align(queryIDs, ids, weightsA: queryWeights, weightsB: weights,
                                          substitution: { self.substitutionFactor($0, $1) })
        var newTarget = target
        var used = Set<Int>()
        var substitutions: [Substitution] = []
        var replaced: [Int: String] = [:]
        var hidden: [Penalty.Reason: [String]] = [:]
        var warnings: [String] = []
        var diff: [DiffSpan] = []
        var previous: MatchToken?
        for k in ops.indices {
            let op = ops[k]
            let q = op.query.map { query[$0] }, s = op.stored.map { stored[$0] }
            defer { previous = s ?? q }
            switch op.op {
            case .equal:
                for r in HiddenDifference.reasons(q!.original, s!.original) { hidden[r, default: []].append("\(s!.original) → \(q!.original)") }
            case .substitute where q!.kind == .number && s!.kind == .number:
                if let sub = Placeables.substitute(in: &newTarget, used: &used, storedKey: s!.key, storedOriginal: s!.original,
                                                   queryKey: q!.key, queryOriginal: q!.original) {
                    substitutions.append(sub)
                    replaced[op.stored!] = q!.key
                    d -= max(q!.weight, s!.weight) * substitutionFactor(op.query.map { queryIDs[$0] }!, ids[op.stored!])
                    ops[k] = AlignedToken(op: .equal, query: op.query, stored: op.stored)
                    diff.append(DiffSpan(op: .substitute, query: q, stored: s, after: previous))
                    continue
                }
                let how = NumberCheck.form(of: Placeables.value(s!.key), in: target).map { ": the target \($0)" } ?? ""
                warnings.append("number \(s!.original) → \(q!.original) not changed in the target\(how); correct it by hand")
            case .substitute:
                // A number written in words on either side (ثلاثة → أربعة, ثلاثة → 4): no
                // substitution can follow it, so the translator is told where the target has it.
                if let old = NumberCheck.arabicValue(s!.key), let new = NumberCheck.arabicValue(q!.key), old != new,
                   let form = NumberCheck.written(old, in: target) {
                    warnings.append("number \(s!.original) → \(q!.original) not changed in the target: it writes \(form); correct it by hand")
                }
            default: break
            }
            diff.append(DiffSpan(op: op.op, query: q, stored: s, after: previous))
        }
        let denominator = max(queryWeight, storedWeight, 1e-9)
        let distanceLeft = max(0, d)
        // 100 only when nothing differs; a tiny distance (a comma) still drops below 100.
        let raw = 100 * (1 - distanceLeft / denominator)
        let wordScore = distanceLeft < 1e-9 ? 100 : min(99, Int(raw.rounded(.down)))
        // Punctuation missing on one side only matters when the words are otherwise equal.
        var penalties: [Penalty] = []
        for reason in Penalty.Reason.allCases {
            guard let examples = hidden[reason] else { continue }
            penalties.append(Penalty(reason, points: 1, detail: examples.prefix(3).joined(separator: ", ")))
        }
        // Equal tokens (NFKC, invisible characters removed; canonically equal) but other bytes:
        // presentation forms, mark order or bidi marks the tokens no longer show.
        if let queryText, let storedSource,
           !InlineCodes.stripped(queryText).utf8.elementsEqual(InlineCodes.stripped(storedSource).utf8),
           query.count == stored.count, zip(query, stored).allSatisfy({ $0.original == $1.original }) {
            penalties.append(Penalty(.encoding, points: 1, detail: "same text, other Unicode encoding"))
        }
        if let queryText, let storedSource {
            let (codes, warning) = InlineCodeTransfer.apply(query: queryText, storedSource: storedSource, target: &newTarget)
            if let codes { penalties.append(Penalty(.inlineCodes, points: 1, detail: codes)) }
            if let warning { warnings.append(warning) }
        }
        if !substitutions.isEmpty {
            penalties.append(Penalty(.placeable, points: substitutions.count,
                                     detail: substitutions.map { "\($0.stored) → \($0.written)" }.joined(separator: ", ")))
        }
        let ratio = keyed.ratio(stored, .key, replacing: replaced)
        let characterScore = Int(Self.characterScore(ratio: ratio).rounded(.down))
        let breakdown = ScoreBreakdown(characterScore: characterScore, wordScore: wordScore, distance: (distanceLeft * 1000).rounded() / 1000, queryWeight: queryWeight,
                                       storedWeight: storedWeight, penalties: penalties, substitutions: substitutions)
        return (breakdown, newTarget, diff, warnings)
    }
}

