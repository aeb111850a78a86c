import Foundation

/// A word lexicon learned from one document's own first alignment, for a second pass when no
/// memory lexicon exists: IBM Model 1 (with an empty source word) over the confident 1-1 beads,
/// as hunalign's realign does, with two guards it lacks: only words seen in two or more of
/// those beads take part (a word seen once would only vouch for the bead it came from), and an
/// entry must be probable (`minimumProbability`), not merely present.
///
/// Works on the aligner's word ids, so nothing is tokenised twice.
struct LexiconBootstrap {
    /// Confident pairs needed: fewer teach nothing a second pass could use.
    static let minimumPairs = 30
    /// Pairs used at most (evenly spread): enough for the frequent words of a long document.
    static let maximumPairs = 1000
    static let iterations = 4
    static let minimumProbability: Float = 0.05
    static let keepPerWord = 4

    let scorer: LexiconScorer
    let entries: Int

    /// - Parameter pairs: source word ids and target content-word ids of confident 1-1 beads.
    init?(_ pairs: [(source: [Int32], target: [Int32])]) {
        guard pairs.count >= Self.minimumPairs else { return nil }
        let step = max(1, pairs.count / Self.maximumPairs)
        let chosen = stride(from: 0, to: pairs.count, by: step).map { pairs[$0] }
        // Words seen in at least two pairs, as dense indices (0 on the source side: the empty word).
        var sourceSeen: [Int32: Int] = [:], targetSeen: [Int32: Int] = [:]
        for (s, t) in chosen {
            for w in Set(s) { sourceSeen[w, default: 0] += 1 }
            for w in Set(t) { targetSeen[w, default: 0] += 1 }
        }
        var sourceIndex: [Int32: Int32] = [:], sourceIds: [Int32] = [-1]
        var targetIndex: [Int32: Int32] = [:], targetIds: [Int32] = []
        for (w, n) in sourceSeen where n >= 2 { sourceIndex[w] = Int32(sourceIds.count); sourceIds.append(w) }
        for (w, n) in targetSeen where n >= 2 { targetIndex[w] = Int32(targetIds.count); targetIds.append(w) }
        guard !targetIds.isEmpty, sourceIds.count > 1 else { return nil }
        // Co-occurrence cells, flat: per sentence pair, for each target word its row of cells.
        var cellOf: [Int64: Int32] = [:]
        cellOf.reserveCapacity(chosen.reduce(0) { $0 + min($1.source.count + 1, 40) * min($1.target.count, 40) } / 2)
        var cellSource: [Int32] = [], cellTarget: [Int32] = []
        var sentences: [(width: Int, cells: [Int32])] = []
        for (s, t) in chosen {
            let src = [Int32(0)] + Set(s).compactMap { sourceIndex[$0] }
            let tgt = t.compactMap { targetIndex[$0] }
            guard src.count > 1, !tgt.isEmpty else { continue }
            var row: [Int32] = []
            row.reserveCapacity(src.count * tgt.count)
            for e in tgt {
                for f in src {
                    let key = Int64(f) << 32 | Int64(e)
                    if let c = cellOf[key] { row.append(c); continue }
                    let c = Int32(cellSource.count)
                    cellOf[key] = c
                    cellSource.append(f)
                    cellTarget.append(e)
                    row.append(c)
                }
            }
            sentences.append((src.count, row))
        }
        cellOf = [:]
        var prob = [Float](repeating: 1 / Float(targetIds.count), count: cellSource.count)
        var counts = [Float](repeating: 0, count: cellSource.count)
        var totals = [Float](repeating: 0, count: sourceIds.count)
        for _ in 0..<Self.iterations {
            for k in counts.indices { counts[k] = 0 }
            for k in totals.indices { totals[k] = 0 }
            for (width, row) in sentences {
                var base = 0
                while base < row.count {
                    var denominator: Float = 0
                    for k in base..<(base + width) { denominator += prob[Int(row[k])] }
                    if denominator > 0 {
                        for k in base..<(base + width) {
                            let c = Int(row[k])
                            let share = prob[c] / denominator
                            counts[c] += share
                            totals[Int(cellSource[c])] += share
                        }
                    }
                    base += width
                }
            }
            for c in prob.indices {
                let total = totals[Int(cellSource[c])]
                prob[c] = total > 0 ? counts[c] / total : 0
            }
        }
        // The strongest few entries per word: the bead cost intersects them with every span it scores.
        var best: [Int32: [(Int32, Float)]] = [:]
        for c in prob.indices where cellSource[c] != 0 && prob[c] >= Self.minimumProbability {
            best[sourceIds[Int(cellSource[c])], default: []].append((targetIds[Int(cellTarget[c])], prob[c]))
        }
        var options: [Int32: [Int32]] = [:]
        var entries = 0
        for (word, candidates) in best {
            let kept = candidates.sorted { $0.1 > $1.1 }.prefix(Self.keepPerWord).map(\.0)
            options[word] = kept.sortedUnique()
            entries += kept.count
        }
        guard entries > 0 else { return nil }
        scorer = LexiconScorer(options: options)
        self.entries = entries
    }
}
