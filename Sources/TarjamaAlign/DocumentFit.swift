import Foundation

/// The length ratio and bead priors of one document pair, read off its first alignment: one
/// step of Viterbi EM, shrunk toward the language pair's defaults by pseudo-counts so a short
/// article keeps the defaults and a long one speaks for itself.
///
/// Why: a fixed ratio and fixed priors are tuned to the documents they were tuned on. A
/// translation that is parallel line for line has almost no merges; a literary text merges more. Fitted per document, neither pays for the other.
struct DocumentFit {
    var lengthModel: LengthModel
    var priors: [(type: BeadType, prior: Double)]

    /// Pseudo-beads behind the defaults.
    static let lengthStrength = 30.0
    static let priorStrength = 200.0

    init(_ beads: [Bead], _ doc: Aligner.Document, base: LengthModel) {
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

        // Priors: bead shapes counted, defaults as pseudo-counts, never below a tenth of the default.
        var counts: [BeadType: Double] = [:]
        for bead in beads { counts[bead.type, default: 0] += 1 }
        let total = Double(beads.count)
        priors = BeadType.searched.map { entry in
            let p = (counts[entry.type, default: 0] + Self.priorStrength * entry.prior) / (total + Self.priorStrength)
            // Only toward fewer merges and gaps: a first pass absorbs noise into merges, so its
            // merge counts overstate them, while a first pass that finds few is good evidence
            // the translation runs line for line (raising merges cost .02 F1 on Text+Berg dev).
            if entry.type == BeadType(1, 1) { return (entry.type, max(p, entry.prior)) }
            return (entry.type, min(max(p, entry.prior / 10), entry.prior))
        }
    }
}
