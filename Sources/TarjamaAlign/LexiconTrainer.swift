import Foundation
import TarjamaText

/// Learns a `Lexicon` from aligned sentence pairs with IBM Model 1 (Brown et al. 1993): EM over
/// t(english | arabic) with an empty source word that absorbs English function words.
///
/// Words are the aligner's: Arabic matching keys, lower-cased English. Co-occurrences are
/// interned once into a flat table so each EM pass is a loop over `[Int32]` indices.
/// ```swift
/// let lexicon = LexiconTrainer().train(pairs)   // [(arabic, english)]
/// ```
public struct LexiconTrainer: Sendable {
    /// EM passes; IBM Model 1 converges in a handful.
    public var iterations = 5
    /// Entries kept per Arabic word (the strongest), and the smallest probability kept.
    public var keepPerWord = 8
    public var minimumProbability: Float = 0.02
    /// Pairs longer than this (in words, either side) are skipped: they cost quadratic time and
    /// teach little.
    public var maxWords = 80
    /// Words seen in fewer pairs than this are left out (a word seen once only vouches for the
    /// pair it came from).
    public var minimumOccurrences = 1

    public init() {}

    /// Statistics of a training run, for the command's report.
    public struct Report: Sendable, Codable {
        public var pairs: Int
        public var skipped: Int
        public var sourceWords: Int
        public var entries: Int
        public var seconds: Double
    }

    public func train(_ pairs: [(source: String, target: String)], progress: ((Int, Int) -> Void)? = nil) -> (Lexicon, Report) {
        let start = Date()
        let tokenizer = Tokenizer()
        var sourceIds: [String: Int32] = ["": 0], sourceWords = [""]   // id 0: the empty word
        var targetIds: [String: Int32] = [:], targetWords: [String] = []
        func intern(_ w: String, _ ids: inout [String: Int32], _ words: inout [String]) -> Int32 {
            if let id = ids[w] { return id }
            let id = Int32(words.count)
            ids[w] = id
            words.append(w)
            return id
        }
        var sentences: [(src: [Int32], tgt: [Int32])] = []
        var skipped = 0
        var tokenized = pairs.map { (s, t) in
            (tokenizer.tokenize(s).filter { $0.kind == .word }.map { Normalizer.matchingKey.normalize($0.text) },
             tokenizer.tokenize(t).filter { $0.kind == .word }.map { $0.text.lowercased() })
        }
        if minimumOccurrences > 1 {
            var seenSource: [String: Int] = [:], seenTarget: [String: Int] = [:]
            for (s, t) in tokenized {
                for w in Set(s) { seenSource[w, default: 0] += 1 }
                for w in Set(t) { seenTarget[w, default: 0] += 1 }
            }
            tokenized = tokenized.map { (s, t) in
                (s.filter { seenSource[$0, default: 0] >= minimumOccurrences }, t.filter { seenTarget[$0, default: 0] >= minimumOccurrences })
            }
        }
        for (src, tgt) in tokenized {
            guard !src.isEmpty, !tgt.isEmpty, src.count <= maxWords, tgt.count <= maxWords else { skipped += 1; continue }
            sentences.append(([0] + src.map { intern($0, &sourceIds, &sourceWords) },
                              tgt.map { intern($0, &targetIds, &targetWords) }))
        }
        // Flat co-occurrence table: cell ids per sentence, row-major (target word × source word).
        var cellOf: [Int64: Int32] = [:]
        var cellSource: [Int32] = [], cellTarget: [Int32] = []
        var cells: [[Int32]] = []
        cells.reserveCapacity(sentences.count)
        for (src, tgt) in sentences {
            var row: [Int32] = []
            row.reserveCapacity(src.count * tgt.count)
            for t in tgt {
                for s in src {
                    let key = Int64(s) << 32 | Int64(t)
                    if let c = cellOf[key] { row.append(c); continue }
                    let c = Int32(cellSource.count)
                    cellOf[key] = c
                    cellSource.append(s)
                    cellTarget.append(t)
                    row.append(c)
                }
            }
            cells.append(row)
        }
        cellOf = [:]
        var prob = [Float](repeating: 1 / Float(max(1, targetWords.count)), count: cellSource.count)
        var counts = [Float](repeating: 0, count: cellSource.count)
        var totals = [Float](repeating: 0, count: sourceWords.count)
        for pass in 0..<iterations {
            for k in counts.indices { counts[k] = 0 }
            for k in totals.indices { totals[k] = 0 }
            for (n, row) in cells.enumerated() {
                let width = sentences[n].src.count
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
            progress?(pass + 1, iterations)
        }
        var table: [String: [String: Float]] = [:]
        var bySource: [[(Int32, Float)]] = Array(repeating: [], count: sourceWords.count)
        for c in prob.indices where cellSource[c] != 0 && prob[c] >= minimumProbability {
            bySource[Int(cellSource[c])].append((cellTarget[c], prob[c]))
        }
        var entries = 0
        for (s, options) in bySource.enumerated() where !options.isEmpty {
            let best = options.sorted { $0.1 > $1.1 }.prefix(keepPerWord)
            table[sourceWords[s]] = Dictionary(uniqueKeysWithValues: best.map { (targetWords[Int($0.0)], $0.1) })
            entries += best.count
        }
        let report = Report(pairs: sentences.count, skipped: skipped, sourceWords: table.count, entries: entries,
                            seconds: Date().timeIntervalSince(start))
        return (Lexicon(table: table, pairsSeen: sentences.count), report)
    }
}
