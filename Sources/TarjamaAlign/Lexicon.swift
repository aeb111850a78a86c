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

/// Scores beads with a lexicon, with words already interned by the aligner's anchor table.
final class LexiconScorer {
    private var probabilities: [Int32: [Int32: Float]] = [:]

    init(lexicon: Lexicon, table: AnchorTable) {
        for (s, targets) in lexicon.table {
            guard let sid = table.existing("w:" + s) else { continue }
            var row: [Int32: Float] = [:]
            for (t, p) in targets { if let tid = table.existing("w:" + t) { row[tid] = p } }
            if !row.isEmpty { probabilities[sid] = row }
        }
    }

    /// Share of target words (weighted by best translation probability) explained by some
    /// source word, in [0, 1].
    func score(source: ArraySlice<SentenceFeatures>, target: ArraySlice<SentenceFeatures>) -> Double {
        var total = 0.0, count = 0
        let sourceWords = source.flatMap(\.words)
        for f in target {
            for t in f.words {
                count += 1
                var best: Float = 0
                for s in sourceWords { if let p = probabilities[s]?[t], p > best { best = p } }
                total += Double(min(1, best * 2))
            }
        }
        return count == 0 ? 0.5 : total / Double(count)
    }
}
