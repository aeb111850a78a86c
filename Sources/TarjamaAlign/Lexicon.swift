import Foundation

/// Word translation probabilities p(target word | source word), learned from aligned pairs with
/// IBM Model 1 (a few EM passes), as hunalign's realign and Moore's aligner do: the more a
/// newsroom aligns, the better it aligns.
///
/// Words are matching keys (`Normalizer.matchingKey`), lower-cased English.
public struct Lexicon: Sendable, Codable {
    /// source word → (target word → probability), pruned to the strongest entries.
    public var table: [String: [String: Float]]
    public var pairsSeen: Int

    public init(table: [String: [String: Float]] = [:], pairsSeen: Int = 0) {
        self.table = table
        self.pairsSeen = pairsSeen
    }
}

/// Where the aligner gets word translations: a `Lexicon` in memory, or a translation memory that
/// reads only the words of the document being aligned.
public protocol LexiconProvider {
    /// The entries for these source words (matching keys); words without entries are left out.
    func lexicon(for words: Set<String>) -> Lexicon
}

extension Lexicon: LexiconProvider {
    public func lexicon(for words: Set<String>) -> Lexicon {
        var part: [String: [String: Float]] = [:]
        for w in words { if let t = table[w] { part[w] = t } }
        return Lexicon(table: part, pairsSeen: pairsSeen)
    }
}

/// The lexicon turned into word ids of one alignment run: for each source word, the target words
/// it translates to with probability at least `threshold`.
final class LexiconScorer {
    private var options: [Int32: [Int32]] = [:]
    /// The entries read backwards: for each target word id, the source word ids that offer it.
    private var reverse: [Int32: [Int32]] = [:]
    /// Translation probability an entry needs to count as evidence.
    static let threshold: Float = 0.05

    /// For each source word id, the sorted target word ids it translates to.
    init(options: [Int32: [Int32]]) {
        self.options = options
        buildReverse()
    }

    init(lexicon: Lexicon, table: AnchorTable) {
        for (s, targets) in lexicon.table {
            guard let sid = table.existing("w:" + s) else { continue }
            var row: [Int32] = []
            for (t, p) in targets where p >= Self.threshold { if let tid = table.existing("w:" + t) { row.append(tid) } }
            if !row.isEmpty { options[sid] = row.sortedUnique() }
        }
        buildReverse()
    }

    private func buildReverse() {
        for (s, targets) in options { for t in targets { reverse[t, default: []].append(s) } }
        for (t, sources) in reverse { reverse[t] = sources.sortedUnique() }
    }

    /// Sorted distinct source words that have entries: the words a translation should explain.
    func known(_ words: [Int32]) -> [Int32] { words.filter { options[$0] != nil }.sortedUnique() }

    /// Sorted distinct source words that offer one of these target words.
    func origins(of words: [Int32]) -> [Int32] {
        var all: [Int32] = []
        for w in words { if let o = reverse[w] { all.append(contentsOf: o) } }
        return all.sortedUnique()
    }

    /// Sorted distinct target words offered by these source words.
    func translations(of words: [Int32]) -> [Int32] {
        var all: [Int32] = []
        for w in words { if let o = options[w] { all.append(contentsOf: o) } }
        return all.sortedUnique()
    }

    /// Share of the target's content words that the source's translations explain, in [0, 1].
    @inline(__always)
    static func score(source: SpanFeatures, target: SpanFeatures) -> Double {
        target.words.isEmpty ? 0.5 : Double(commonCount(source.translations, target.words)) / Double(target.words.count)
    }
}
