import Foundation

/// The Gale-Church length model: target length is about `ratio` × source length, with variance
/// growing with length. Arabic→English: ratio 1.18 characters and variance 3.0, estimated on
/// 33,463 real news/UN/wiki pairs (European pairs in Gale & Church: 1.0 and 6.8).
public struct LengthModel: Sendable {
    public var ratio: Double
    public var variance: Double

    public init(ratio: Double, variance: Double) {
        self.ratio = ratio
        self.variance = variance
    }

    public static let arabicEnglish = LengthModel(ratio: 1.18, variance: 3.0)
    public static let generic = LengthModel(ratio: 1.0, variance: 6.8)

    /// −log P(match | lengths): 0 for a perfect ratio, growing with the normalised deviation.
    @inline(__always)
    public func cost(source: Int, target: Int) -> Double {
        let l1 = Double(source), l2 = Double(target)
        let mean = (l1 + l2 / ratio) / 2
        guard mean > 0 else { return 0 }
        let delta = (l2 - l1 * ratio) / (variance * mean * ratio).squareRoot()
        return Self.tailCost(abs(delta))
    }

    /// −log(2(1 − Φ(x))) floored at probability 1e-12, read from a table: the search asks for it
    /// tens of millions of times on a long document and `erfc` + `log` were half its time.
    @inline(__always)
    static func tailCost(_ x: Double) -> Double {
        let position = x * Double(tableStepsPerUnit)
        guard position < Double(tailTable.count - 1) else { return tailTable[tailTable.count - 1] }
        let k = Int(position), f = position - Double(k)
        return tailTable[k] + (tailTable[k + 1] - tailTable[k]) * f
    }

    static let tableStepsPerUnit = 512
    static let tailTable: [Double] = (0...(8 * tableStepsPerUnit)).map { k in
        let x = Double(k) / Double(tableStepsPerUnit)
        return -log(max(2 * (1 - normalCDF(x)), 1e-12))
    }

    /// Probability that the lengths come from translations: 2(1 − Φ(|δ|)).
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
    /// Extra cost of leaving a sentence unaligned (on top of the 1-0/0-1 prior).
    public var nullCost = 0.5
    /// Cost per English content word that no source word's learned translation explains.
    public var lexicon = 0.2

    public init() {}
}
