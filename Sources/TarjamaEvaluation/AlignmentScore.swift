import TarjamaAlign
/// Strict and lax precision, recall and F1 of test beads against gold beads, in the convention
/// of Vecalign and Bleualign: precision over all test beads, recall over gold beads that are not
/// insertions or deletions; a bead is a lax hit when it overlaps a gold bead on both sides.
public struct AlignmentScore: Sendable, Codable, Equatable {
    public var strictPrecision = 0.0, strictRecall = 0.0, strictF1 = 0.0
    public var laxPrecision = 0.0, laxRecall = 0.0, laxF1 = 0.0

    /// Counts (strict TP, strict FP, lax TP, lax FP) of `test` beads against `gold`.
    static func counts(gold: [Bead], test: [Bead]) -> (Int, Int, Int, Int) {
        func key(_ b: Bead) -> String { b.description }
        let goldSet = Set(gold.filter { !$0.source.isEmpty || !$0.target.isEmpty }.map(key))
        var targetsOfSource: [Int: Set<Int>] = [:]
        for g in gold { for s in g.source { targetsOfSource[s, default: []].formUnion(g.target) } }
        var tps = 0, fps = 0, tpl = 0, fpl = 0
        var seen = Set<String>()
        for t in test where !(t.source.isEmpty && t.target.isEmpty) && seen.insert(key(t)).inserted {
            if goldSet.contains(key(t)) {
                tps += 1; tpl += 1
            } else {
                let reachable = t.source.reduce(into: Set<Int>()) { $0.formUnion(targetsOfSource[$1] ?? []) }
                if !reachable.isDisjoint(with: t.target) { tpl += 1 } else { fpl += 1 }
                fps += 1
            }
        }
        return (tps, fps, tpl, fpl)
    }

    /// Scores several documents together (micro-averaged).
    public static func score(_ pairs: [(gold: [Bead], test: [Bead])]) -> AlignmentScore {
        var p = (0, 0, 0, 0), r = (0, 0, 0, 0)
        for (gold, test) in pairs {
            let c = counts(gold: gold, test: test)
            p = (p.0 + c.0, p.1 + c.1, p.2 + c.2, p.3 + c.3)
            let noNullTest = test.filter { !$0.source.isEmpty && !$0.target.isEmpty }
            let noNullGold = gold.filter { !$0.source.isEmpty && !$0.target.isEmpty }
            let d = counts(gold: noNullTest, test: noNullGold)
            r = (r.0 + d.0, r.1 + d.1, r.2 + d.2, r.3 + d.3)
        }
        func ratio(_ a: Int, _ b: Int) -> Double { a + b == 0 ? 0 : Double(a) / Double(a + b) }
        func f1(_ a: Double, _ b: Double) -> Double { a + b == 0 ? 0 : 2 * a * b / (a + b) }
        var s = AlignmentScore()
        s.strictPrecision = ratio(p.0, p.1); s.laxPrecision = ratio(p.2, p.3)
        s.strictRecall = ratio(r.0, r.1); s.laxRecall = ratio(r.2, r.3)
        s.strictF1 = f1(s.strictPrecision, s.strictRecall); s.laxF1 = f1(s.laxPrecision, s.laxRecall)
        return s
    }

    /// Calibration: for each confidence range, how many non-null test beads fell in it and how
    /// many of those are exactly a gold bead. A well-calibrated aligner's share right rises with
    /// its confidence, so `--min-confidence` means something.
    public struct CalibrationBin: Sendable, Codable, Equatable {
        public var lower: Double
        public var upper: Double
        public var beads = 0
        public var correct = 0
        public var precision: Double { beads == 0 ? 0 : Double(correct) / Double(beads) }
    }

    public static func calibration(_ pairs: [(gold: [Bead], test: [Bead])],
                                   edges: [Double] = [0, 0.2, 0.35, 0.5, 0.8, 0.95, 1.0001]) -> [CalibrationBin] {
        var bins = zip(edges, edges.dropFirst()).map { CalibrationBin(lower: $0, upper: min($1, 1)) }
        for (gold, test) in pairs {
            let goldSet = Set(gold.map(\.description))
            for t in test where !t.source.isEmpty && !t.target.isEmpty {
                guard let k = bins.firstIndex(where: { t.confidence >= $0.lower && (t.confidence < $0.upper || $0.upper >= 1) }) else { continue }
                bins[k].beads += 1
                if goldSet.contains(t.description) { bins[k].correct += 1 }
            }
        }
        return bins
    }
}
