import Foundation

/// The length ratio and bead priors of one document pair, read off its first alignment: one
/// step of Viterbi EM, shrunk toward the language pair's defaults by pseudo-counts so a short
/// article keeps the defaults and a long one speaks for itself.
///
/// Why: a fixed ratio and fixed priors are tuned to the documents they were tuned on. A
/// translation that is parallel line for line has almost no merges; a literary text merges more;
/// a careless one leaves sentences out. Fitted per document (or per batch), none pays for the others.
struct DocumentFit {
    var lengthModel: LengthModel
    var priors: [(type: BeadType, prior: Double)]

    /// Pseudo-beads behind the defaults.
    static let lengthStrength = 30.0
    static let priorStrength = 200.0
    /// Gaps are rarer events than merges, so fewer pseudo-beads hold their default: a document
    /// that leaves out one sentence in ten says so within a few dozen beads.
    static let gapStrength = 50.0

    init(_ beads: [Bead], _ doc: Aligner.Document, base: LengthModel, priors basePriors: [(type: BeadType, prior: Double)]) {
        // Ratio: 1-1 beads of some length whose ratio is not absurd (a wrong bead would skew it).
        var pairs: [(Double, Double)] = []
        for bead in beads where bead.source.count == 1 && bead.target.count == 1 {
            let l1 = Double(doc.source.length(bead.source[0], 1)), l2 = Double(doc.target.length(bead.target[0], 1))
            guard l1 >= 10, l2 >= 10, l2 / l1 < 3 * base.ratio, l2 / l1 > base.ratio / 3 else { continue }
            pairs.append((l1, l2))
        }
        let n = Double(pairs.count)
        var model = base
        if n >= 5 {
            let ratio = pairs.reduce(0) { $0 + $1.1 } / pairs.reduce(0) { $0 + $1.0 }
            model.ratio = (n * ratio + Self.lengthStrength * base.ratio) / (n + Self.lengthStrength)
            // The variance stays the pair's: fitted on the first pass's own 1-1 beads it comes out
            // too narrow (the hard pairs were merged away), and merges follow.
        }
        lengthModel = model
        priors = Self.priors([beads], base: basePriors)
    }

    /// Bead priors from the shapes of first-pass paths (one document's or a batch's), with the
    /// defaults as pseudo-counts.
    ///
    /// Merges may only fall: a first pass absorbs noise into merges, so its merge counts overstate
    /// them, while one that finds few is good evidence the translation runs line for line (raising
    /// merges cost .02 F1 on Text+Berg dev). Gaps may also rise: a first pass understates them
    /// (a gap costs more than a merge that swallows the sentence), so the ones it does find are real.
    /// A run of unaligned sentences counts once, as the search charges it (one opening).
    static func priors(_ paths: [[Bead]], base: [(type: BeadType, prior: Double)]) -> [(type: BeadType, prior: Double)] {
        var counts: [BeadType: Double] = [:]
        var total = 0.0
        for beads in paths {
            var previousGap: BeadType?
            for bead in beads {
                let isGap = bead.source.isEmpty || bead.target.isEmpty
                defer { previousGap = isGap ? bead.type : nil }
                total += 1
                if isGap && previousGap == bead.type { continue }
                counts[bead.type, default: 0] += 1
            }
        }
        return base.map { entry in
            let isGap = entry.type.source == 0 || entry.type.target == 0
            let strength = isGap ? gapStrength : priorStrength
            let p = (counts[entry.type, default: 0] + strength * entry.prior) / (total + strength)
            if entry.type == BeadType(1, 1) { return (entry.type, max(p, entry.prior)) }
            if isGap { return (entry.type, max(p, entry.prior / 10)) }
            return (entry.type, min(max(p, entry.prior / 10), entry.prior))
        }
    }
}
