import TarjamaText

/// One step of the word alignment between a query and a stored source.
public enum EditOp: String, Sendable, Codable {
    case equal, substitute, insert, delete
}

/// A pair of aligned tokens (either side may be absent), for diffs, penalties and placeables.
public struct AlignedToken: Sendable {
    public let op: EditOp
    /// Index into the query's tokens (nil for a token only the stored source has).
    public let query: Int?
    /// Index into the stored source's tokens (nil for a token only the query has).
    public let stored: Int?
}

/// Weighted word-level edit distance on token ids (Levenshtein with token weights).
///
/// Tokens are compared as `Int32` ids (keys interned per query), never as strings, and the
/// rows are preallocated: scoring a few hundred candidates stays well under a millisecond.
/// Insert/delete cost the token's weight; a substitution costs the larger weight, scaled by an
/// optional factor in [0, 1] (the scorer's partial credit for two forms of one word).
/// ```swift
/// var d = EditDistance()
/// d.distance([1, 2, 3], [1, 3], weightsA: [1, 1, 1], weightsB: [1, 1])   // 1.0
/// ```
public struct EditDistance {
    private var previous: [Double] = []
    private var current: [Double] = []

    public init() {}

    /// The distance only, in two rows; stops early (returns nil) once every cell exceeds `bound`.
    public mutating func distance(_ a: [Int32], _ b: [Int32], weightsA: [Double], weightsB: [Double],
                                  bound: Double = .infinity, substitution: ((Int32, Int32) -> Double)? = nil) -> Double? {
        let m = b.count
        if previous.count < m + 1 { previous = .init(repeating: 0, count: m + 1); current = previous }
        // Rows are worked on through raw buffers: through the stored properties every cell paid
        // for exclusivity and bounds checks.
        var result: Double?
        previous.withUnsafeMutableBufferPointer { p in
            current.withUnsafeMutableBufferPointer { c in
                var prev = p.baseAddress!, cur = c.baseAddress!
                prev[0] = 0
                for j in 0..<m { prev[j + 1] = prev[j] + weightsB[j] }
                for i in 0..<a.count {
                    cur[0] = prev[0] + weightsA[i]
                    var rowMin = cur[0]
                    let ai = a[i], wa = weightsA[i]
                    for j in 0..<m {
                        let del = prev[j + 1] + wa
                        let ins = cur[j] + weightsB[j]
                        var v = min(del, ins)
                        let base = prev[j]
                        if ai == b[j] {
                            v = min(v, base)
                        } else if base < v {   // a substitution can only win when its base is lower
                            let factor = substitution?(ai, b[j]) ?? 1
                            v = min(v, base + max(wa, weightsB[j]) * factor)
                        }
                        cur[j + 1] = v
                        rowMin = min(rowMin, v)
                    }
                    if rowMin > bound { return }
                    swap(&prev, &cur)
                }
                result = prev[m]
            }
        }
        return result
    }

    /// The distance and the alignment behind it (full matrix: used for the few best candidates).
    public static func align(_ a: [Int32], _ b: [Int32], weightsA: [Double], weightsB: [Double],
                             substitution: ((Int32, Int32) -> Double)? = nil) -> (Double, [AlignedToken]) {
        let n = a.count, m = b.count
        var d = [Double](repeating: 0, count: (n + 1) * (m + 1))
        func at(_ i: Int, _ j: Int) -> Int { i * (m + 1) + j }
        for j in 0..<m { d[at(0, j + 1)] = d[at(0, j)] + weightsB[j] }
        for i in 0..<n {
            d[at(i + 1, 0)] = d[at(i, 0)] + weightsA[i]
            for j in 0..<m {
                let sub = d[at(i, j)] + (a[i] == b[j] ? 0 : max(weightsA[i], weightsB[j]) * (substitution?(a[i], b[j]) ?? 1))
                d[at(i + 1, j + 1)] = min(sub, min(d[at(i, j + 1)] + weightsA[i], d[at(i + 1, j)] + weightsB[j]))
            }
        }
        var ops: [AlignedToken] = []
        var i = n, j = m
        while i > 0 || j > 0 {
            if i > 0, j > 0 {
                let same = a[i - 1] == b[j - 1]
                let sub = d[at(i - 1, j - 1)] + (same ? 0 : max(weightsA[i - 1], weightsB[j - 1]) * (substitution?(a[i - 1], b[j - 1]) ?? 1))
                if abs(sub - d[at(i, j)]) < 1e-9 {
                    ops.append(AlignedToken(op: same ? .equal : .substitute, query: i - 1, stored: j - 1))
                    i -= 1; j -= 1; continue
                }
            }
            if i > 0, abs(d[at(i - 1, j)] + weightsA[i - 1] - d[at(i, j)]) < 1e-9 {
                ops.append(AlignedToken(op: .insert, query: i - 1, stored: nil)); i -= 1
            } else {
                ops.append(AlignedToken(op: .delete, query: nil, stored: j - 1)); j -= 1
            }
        }
        return (d[at(n, m)], ops.reversed())
    }
}
