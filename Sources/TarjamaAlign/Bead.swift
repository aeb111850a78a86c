/// A bead: a group of source sentences aligned to a group of target sentences (1-1, 2-1, 1-0…).
///
/// Indices are 0-based positions in the sentence lists, as in the `[0]:[0, 1]` gold format.
public struct Bead: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    public var source: [Int]
    public var target: [Int]
    /// In [0, 1]: how sure the aligner is that these sentences translate each other.
    public var confidence: Double

    public init(source: [Int], target: [Int], confidence: Double = 1) {
        self.source = source
        self.target = target
        self.confidence = confidence
    }

    public var type: BeadType { BeadType(source.count, target.count) }

    /// The gold-file form: `[3]:[3, 4]`.
    public var description: String {
        "[\(source.map(String.init).joined(separator: ", "))]:[\(target.map(String.init).joined(separator: ", "))]"
    }

    /// Parses the gold-file form; nil for a malformed line.
    public init?(goldLine: String) {
        let parts = goldLine.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        func ids(_ s: Substring) -> [Int]? {
            let t = s.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("["), t.hasSuffix("]") else { return nil }
            let inner = t.dropFirst().dropLast()
            if inner.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
            let values = inner.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            return values.contains(nil) ? nil : values.map { $0! }
        }
        guard let s = ids(parts[0]), let t = ids(parts[1]) else { return nil }
        self.init(source: s, target: t)
    }
}

/// The shape of a bead, with its prior probability.
///
/// Priors follow Gale & Church (1993) for 1-1, 1-0, 2-1 and 2-2, extended with the 1-3/3-1 beads
/// that Arabic news produces when one long Arabic sentence becomes several English ones.
public struct BeadType: Sendable, Hashable, Codable, CustomStringConvertible {
    public let source: Int
    public let target: Int

    public init(_ source: Int, _ target: Int) {
        self.source = source
        self.target = target
    }

    public var description: String { "\(source)-\(target)" }

    /// The bead types the aligner searches, with prior probabilities.
    public static let searched: [(type: BeadType, prior: Double)] = [
        (BeadType(1, 1), 0.86),
        (BeadType(1, 0), 0.01), (BeadType(0, 1), 0.01),
        (BeadType(2, 1), 0.045), (BeadType(1, 2), 0.045),
        (BeadType(2, 2), 0.011),
        (BeadType(1, 3), 0.006), (BeadType(3, 1), 0.006),
        (BeadType(2, 3), 0.0005), (BeadType(3, 2), 0.0005),
        (BeadType(1, 4), 0.0003), (BeadType(4, 1), 0.0003),
    ]
}
