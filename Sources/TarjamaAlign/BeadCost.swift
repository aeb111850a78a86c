import Foundation

/// The Gale-Church length model with heavy tails: target length is about `ratio` × source
/// length, with variance growing with length, and a share of real translations (`outlierShare`)
/// much looser than that (`outlierSpread` times the deviation).
///
/// Arabic→English: ratio 1.18 characters and variance 3.0, estimated on 33,463 real
/// news/UN/wiki pairs (European pairs in Gale & Church: 1.0 and 6.8). The tails are why two
/// sentences whose lengths miss in opposite directions stay two 1-1 beads: under a pure Gaussian
/// a 3σ miss costs as much as the 2-2 bead that averages it away, and real translations miss by
/// 3σ often.
public struct LengthModel: Sendable {
    public var ratio: Double
    public var variance: Double
    public let outlierShare: Double
    public let outlierSpread: Double
    /// −log P(|δ| ≥ x) under the Gaussian and under the mixture, sampled every
    /// 1/`tableStepsPerUnit`: the search asks for it tens of millions of times on a long document
    /// and `erfc` + `log` were half its time.
    private let gaussianTable: [Double]
    private let mixtureTable: [Double]

    public init(ratio: Double, variance: Double, outlierShare: Double = 0, outlierSpread: Double = 3) {
        self.ratio = ratio
        self.variance = variance
        self.outlierShare = outlierShare
        self.outlierSpread = outlierSpread
        let xs = (0...(8 * Self.tableStepsPerUnit)).map { Double($0) / Double(Self.tableStepsPerUnit) }
        gaussianTable = xs.map { -log(max(2 * (1 - Self.normalCDF($0)), 1e-12)) }
        mixtureTable = xs.map { x in
            let p = (1 - outlierShare) * 2 * (1 - Self.normalCDF(x)) + outlierShare * 2 * (1 - Self.normalCDF(x / outlierSpread))
            return -log(max(p, 1e-12))
        }
    }

    /// The variance was fitted to the bulk of the pairs, so the tails carry the rest.
    public static let arabicEnglish = LengthModel(ratio: 1.18, variance: 3.0, outlierShare: 0.1)
    /// Gale & Church's variance was fitted to all pairs, wide enough to hold its own tails.
    public static let generic = LengthModel(ratio: 1.0, variance: 6.8, outlierShare: 0)

    /// A copy with other tails.
    public func withTails(share: Double, spread: Double? = nil) -> LengthModel {
        LengthModel(ratio: ratio, variance: variance, outlierShare: share, outlierSpread: spread ?? outlierSpread)
    }

    /// The normalised deviation δ of a length pair.
    @inline(__always)
    public func deviation(source: Int, target: Int) -> Double {
        let l1 = Double(source), l2 = Double(target)
        let mean = (l1 + l2 / ratio) / 2
        guard mean > 0 else { return 0 }
        return (l2 - l1 * ratio) / (variance * mean * ratio).squareRoot()
    }

    /// −log P(match | lengths): 0 for a perfect ratio, growing with the normalised deviation.
    ///
    /// `loose`: the heavy tails apply (1-1 beads). A merged bead keeps the Gaussian: its lengths
    /// are sums, and tails there would make an added sentence cheaper merged than left unaligned.
    @inline(__always)
    public func cost(source: Int, target: Int, loose: Bool = false) -> Double {
        let table = loose ? mixtureTable : gaussianTable
        let position = abs(deviation(source: source, target: target)) * Double(Self.tableStepsPerUnit)
        guard position < Double(table.count - 1) else { return table[table.count - 1] }
        let k = Int(position), f = position - Double(k)
        return table[k] + (table[k + 1] - table[k]) * f
    }

    static let tableStepsPerUnit = 512

    /// Probability that the lengths come from translations: P(|δ'| ≥ |δ|) under the Gaussian.
    public func probability(source: Int, target: Int) -> Double { exp(-cost(source: source, target: target)) }

    @inline(__always)
    static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
}

/// Weights of the bead cost. The defaults were tuned on the NTREX Arabic-English gold set and
/// checked on the German-French Text+Berg set (see `tarjama eval align`).
public struct CostWeights: Sendable {
    /// Multiplies the length cost.
    public var length = 1.0
    /// Reward per shared anchor (number, name skeleton, Latin token).
    public var anchorMatch = 2.5
    /// Penalty per number present on one side only.
    public var numberMismatch = 1.0
    /// Penalty when one side asks a question and the other does not.
    public var questionMismatch = 1.0
    /// Penalty when one side quotes speech and the other does not.
    public var quoteMismatch = 1.0
    /// Extra cost of leaving a sentence unaligned, on top of the 1-0/0-1 prior. None by default:
    /// the prior is fitted to the document, and a fixed extra kept real gaps out of documents
    /// that have many (they were merged into neighbours or shifted pairs instead).
    public var nullCost = 0.0
    /// Taken off each further sentence of a run left unaligned on the same side (an affine gap:
    /// a caption block missing from one version opens one gap, not many).
    public var nullRunDiscount = 2.0
    /// Cost per English content word that no source word's learned translation explains.
    public var lexicon = 0.2
    /// Cost per source word with lexicon entries whose translations the target lacks.
    public var sourceLexicon = 0.2

    public init() {}
}
