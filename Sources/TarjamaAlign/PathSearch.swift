import Foundation

/// The cells the search may visit: for each source position `i` (0…n), target positions
/// `lo[i]…hi[i]`, both non-decreasing in `i`, with (0, 0) and (n, m) inside.
struct Corridor {
    var lo: [Int]
    var hi: [Int]
    /// Rows held to the path they were built around: the search may not leave it there, so
    /// touching their edge asks for no wider corridor.
    var pinned: [Bool] = []

    /// A band of half-width `width` around the straight diagonal from (0, 0) to (n, m).
    static func diagonal(n: Int, m: Int, width: Int) -> Corridor {
        func center(_ i: Int) -> Int { Int((Double(i) * Double(m) / Double(n)).rounded()) }
        return Corridor(lo: (0...n).map { max(0, center($0) - width) }, hi: (0...n).map { min(m, center($0) + width) })
    }

    /// Cells within `margin` of a path: every target position the path holds at row `i`
    /// (a bead covering several source rows holds its whole target range on the rows inside it).
    static func around(_ beads: [Bead], n: Int, m: Int, margin: Int, pinned: [Bool] = []) -> Corridor {
        var first = [Int](repeating: Int.max, count: n + 1), last = [Int](repeating: -1, count: n + 1)
        func mark(_ i: Int, _ j0: Int, _ j1: Int) { first[i] = min(first[i], j0); last[i] = max(last[i], j1) }
        var i = 0, j = 0
        mark(0, 0, 0)
        for bead in beads {
            let a = bead.source.count, b = bead.target.count
            for r in i...(i + a) { mark(r, j, j + b) }
            i += a
            j += b
        }
        var lo = [Int](repeating: 0, count: n + 1), hi = [Int](repeating: m, count: n + 1)
        var floor = 0
        func marginOf(_ r: Int) -> Int { pinned.isEmpty || !pinned[r] ? margin : 0 }
        for r in 0...n {
            floor = max(floor, first[r] == Int.max ? floor : first[r])
            lo[r] = max(0, floor - marginOf(r))
        }
        var ceiling = m
        for r in stride(from: n, through: 0, by: -1) {
            ceiling = min(ceiling, last[r] < 0 ? ceiling : last[r])
            hi[r] = min(m, ceiling + marginOf(r))
        }
        lo[0] = 0
        hi[n] = m
        return Corridor(lo: lo, hi: hi, pinned: pinned)
    }

    /// Rows of a path far from any bead that is not one-to-one: a second search leaves those
    /// stretches as they are (text running line for line stays so once a lexicon is added) and
    /// searches again only within `radius` beads of the others. Empty when more than a tenth of
    /// the beads are not one-to-one: then the whole path is open.
    static func pinnedRows(_ beads: [Bead], n: Int, radius: Int) -> [Bool] {
        let irregular = beads.indices.filter { beads[$0].source.count != 1 || beads[$0].target.count != 1 }
        guard irregular.count * 10 <= beads.count else { return [] }
        var open = [Bool](repeating: false, count: beads.count)
        for k in irregular { for b in max(0, k - radius)...min(beads.count - 1, k + radius) { open[b] = true } }
        var pinned = [Bool](repeating: true, count: n + 1)
        var i = 0
        for (k, bead) in beads.enumerated() {
            if open[k] { for r in i...(i + bead.source.count) { pinned[r] = false } }
            i += bead.source.count
        }
        pinned[0] = false
        pinned[n] = false
        return pinned
    }

    /// Whether a path's cell lies on an inner edge of the corridor (an edge that is not the
    /// matrix's own), so a better path may lie outside it.
    @inline(__always)
    func touches(_ i: Int, _ j: Int, m: Int) -> Bool {
        if !pinned.isEmpty && pinned[i] { return false }
        return (j == lo[i] && lo[i] > 0) || (j == hi[i] && hi[i] < m)
    }
}

extension Aligner {
    /// Bead types and their costs (−log prior) for one search.
    struct BeadTypes {
        var shapes: [(source: Int, target: Int)]
        var priorCosts: [Double]

        init(_ priors: [(type: BeadType, prior: Double)]) {
            shapes = priors.map { ($0.type.source, $0.type.target) }
            priorCosts = priors.map { -log($0.prior) }
        }
    }

    /// How a cell is scored: the full bead cost, or length alone for the first rough path.
    enum Scoring { case full, lengthOnly }

    /// Dynamic programming over bead types inside a corridor; widens (doubling the margin around
    /// `start`, or the diagonal band) while the best path touches an inner edge.
    ///
    /// Long documents first find a rough path scored by length alone on 1-1, 1-0, 0-1, 2-1 and 1-2
    /// (a few nanoseconds a cell), then score every bead type only near it: the full cost is what
    /// takes the time, and the right path stays within a few sentences of the rough one.
    ///
    /// `keepingRegularStretches`: the search starts from a full first path on a long document and
    /// keeps its long one-to-one stretches (`Corridor.pinnedRows`).
    func search(_ doc: Document, types: BeadTypes, around start: [Bead]? = nil, keepingRegularStretches: Bool = false) -> [Bead] {
        let n = doc.sourceCount, m = doc.targetCount
        if n == 0 || m == 0 {
            return (0..<n).map { Bead(source: [$0], target: []) } + (0..<m).map { Bead(source: [], target: [$0]) }
        }
        let path = start ?? (needsRoughPath(doc) ? roughPath(doc) : nil)
        let pinned = keepingRegularStretches && needsRoughPath(doc) ? path.map { Corridor.pinnedRows($0, n: n, radius: 10) } ?? [] : []
        return widening(doc, types: types, scoring: .full, around: path, pinned: pinned)
    }

    /// Documents long enough that a full-cost search of the diagonal band costs more than a rough
    /// path plus a full search near it.
    func needsRoughPath(_ doc: Document) -> Bool { max(doc.sourceCount, doc.targetCount) > 150 }

    /// Bead shapes of the rough path.
    static let roughTypes = BeadType.searched.filter { $0.type.source + $0.type.target <= 3 }

    /// The best path by length alone over 1-1, 1-0, 0-1, 2-1 and 1-2 beads.
    func roughPath(_ doc: Document) -> [Bead] {
        widening(doc, types: BeadTypes(Self.roughTypes), scoring: .lengthOnly, around: nil)
    }

    private func widening(_ doc: Document, types: BeadTypes, scoring: Scoring, around path: [Bead]?, pinned: [Bool] = []) -> [Bead] {
        let n = doc.sourceCount, m = doc.targetCount
        // Around a path: a few sentences either side. Without one: local drift from the straight
        // diagonal grows about as √n, so start there.
        var width = path == nil ? max(24, Int(1.5 * Double(max(n, m)).squareRoot())) : 3
        while true {
            let corridor = path.map { Corridor.around($0, n: n, m: m, margin: width, pinned: pinned) } ?? Corridor.diagonal(n: n, m: m, width: width)
            let (beads, touched) = searchCorridor(doc, corridor, types: types, scoring: scoring)
            if !touched || width >= max(n, m) { return beads }
            width *= 2
        }
    }

    private func searchCorridor(_ doc: Document, _ corridor: Corridor, types: BeadTypes, scoring: Scoring) -> (beads: [Bead], touchedEdge: Bool) {
        let n = doc.sourceCount, m = doc.targetCount
        let lo = corridor.lo, hi = corridor.hi
        var offset = [Int](repeating: 0, count: n + 2)
        for i in 0...n { offset[i + 1] = offset[i] + max(0, hi[i] - lo[i] + 1) }
        var cost = [Double](repeating: .infinity, count: offset[n + 1])
        var back = [UInt8](repeating: 255, count: offset[n + 1])
        let shapes = types.shapes, priorCosts = types.priorCosts
        let lengthWeight = doc.weights.length, nullCost = doc.weights.nullCost
        let runDiscount = doc.weights.nullRunDiscount
        cost[0] = 0
        for i in 0...n where lo[i] <= hi[i] {
            let rowBase = offset[i] - lo[i]
            for j in lo[i]...hi[i] {
                if i == 0 && j == 0 { continue }
                var best = Double.infinity, bestType: UInt8 = 255
                for t in 0..<shapes.count {
                    let a = shapes[t].source, b = shapes[t].target
                    let pi = i - a, pj = j - b
                    guard pi >= 0, pj >= 0, pj >= lo[pi], pj <= hi[pi] else { continue }
                    let c = cost[offset[pi] + pj - lo[pi]]
                    if c == .infinity { continue }
                    let step: Double
                    switch scoring {
                    case .full:
                        step = beadCost(doc, pi, a, pj, b, priorCost: priorCosts[t])
                    case .lengthOnly:
                        step = priorCosts[t] + ((a == 0 || b == 0) ? nullCost
                            : lengthWeight * doc.model.cost(source: doc.source.length(pi, a), target: doc.target.length(pj, b), loose: a == 1 && b == 1))
                    }
                    var total = c + step
                    // A run of unaligned sentences (a caption block, a paragraph left out) pays
                    // its opening once and less for each further sentence, as gaps do in sequence
                    // alignment; otherwise merging them into 1-3 and 1-4 beads comes out cheaper.
                    if (a == 0 || b == 0), back[offset[pi] + pj - lo[pi]] == UInt8(t) { total -= runDiscount }
                    if total < best { best = total; bestType = UInt8(t) }
                }
                cost[rowBase + j] = best
                back[rowBase + j] = bestType
            }
        }
        var beads: [Bead] = []
        var i = n, j = m, touched = false
        while i > 0 || j > 0 {
            guard j >= lo[i], j <= hi[i] else { break }
            let here = offset[i] + j - lo[i]
            guard back[here] != 255 else { break }
            if corridor.touches(i, j, m: m) { touched = true }
            let shape = shapes[Int(back[here])]
            beads.append(Bead(source: Array((i - shape.source)..<i), target: Array((j - shape.target)..<j)))
            i -= shape.source
            j -= shape.target
        }
        return (beads.reversed(), touched)
    }
}
