import Foundation
import TarjamaText

/// Aligns the sentences of a document and its translation into beads.
///
/// Reads like the method: per-sentence features (`SentenceFeatures`), a bead cost
/// (`beadCost`: prior + Gale-Church length + anchors + learned lexicon), a dynamic-programming
/// search in a band around the diagonal (`search`, widened when the best path touches the band's
/// edge), a backtrace, and a confidence per bead.
/// ```swift
/// let beads = Aligner().align(source: arabicSentences, target: englishSentences)
/// ```
public final class Aligner {
    public var weights = CostWeights()
    public var lengthModel: LengthModel?
    public var lexicon: Lexicon?
    public var sourceLanguage: Language
    public var targetLanguage: Language

    public init(sourceLanguage: Language = .ar, targetLanguage: Language = .en, lexicon: Lexicon? = nil) {
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
        self.lexicon = lexicon
    }

    /// Everything the search needs about one document pair.
    struct Document {
        let source: [SentenceFeatures]
        let target: [SentenceFeatures]
        let model: LengthModel
        let lexicon: LexiconScorer?
    }

    public func align(source: [String], target: [String]) -> [Bead] {
        let extractor = FeatureExtractor()
        extractor.latinIsCommon = sourceLanguage != .ar && targetLanguage != .ar
        let src = source.map { extractor.features($0, language: sourceLanguage) }
        let tgt = target.map { extractor.features($0, language: targetLanguage) }
        let model = lengthModel ?? estimateModel(src, tgt)
        let scorer = lexicon.map { LexiconScorer(lexicon: $0, table: extractor.table) }
        let doc = Document(source: src, target: tgt, model: model, lexicon: scorer)
        var beads = search(doc)
        let support = documentSupport(beads, doc)
        for k in beads.indices { beads[k].confidence = confidence(beads[k], doc, support: support) }
        return beads
    }

    /// The length ratio of this document (bounded) with the language pair's variance.
    func estimateModel(_ src: [SentenceFeatures], _ tgt: [SentenceFeatures]) -> LengthModel {
        let base: LengthModel = (sourceLanguage == .ar && targetLanguage == .en) ? .arabicEnglish : .generic
        let s = src.reduce(0) { $0 + $1.length }, t = tgt.reduce(0) { $0 + $1.length }
        guard s > 200, t > 200 else { return base }
        let ratio = min(max(Double(t) / Double(s), base.ratio * 0.75), base.ratio * 1.33)
        return LengthModel(ratio: ratio, variance: base.variance)
    }

    // MARK: Cost

    /// Cost of aligning source[i..<i+a] with target[j..<j+b]: lower is better.
    func beadCost(_ doc: Document, _ i: Int, _ a: Int, _ j: Int, _ b: Int, prior: Double) -> Double {
        var cost = -log(prior)
        if a == 0 || b == 0 { return cost + weights.nullCost }
        var ls = 0, lt = 0
        var sNum: [Int32] = [], tNum: [Int32] = [], sName: [Int32] = [], tName: [Int32] = []
        var sLat: [Int32] = [], tLat: [Int32] = []
        var sQ = false, tQ = false
        for k in i..<(i + a) {
            let f = doc.source[k]
            ls += f.length; sNum = mergedUnique(sNum, f.numbers); sName = mergedUnique(sName, f.names)
            sLat = mergedUnique(sLat, f.latin); sQ = sQ || f.isQuestion
        }
        for k in j..<(j + b) {
            let f = doc.target[k]
            lt += f.length; tNum = mergedUnique(tNum, f.numbers); tName = mergedUnique(tName, f.names)
            tLat = mergedUnique(tLat, f.latin); tQ = tQ || f.isQuestion
        }
        cost += weights.length * doc.model.cost(source: ls, target: lt)
        let numbersShared = commonCount(sNum, tNum)
        let anchors = numbersShared + commonCount(sName, tName) + commonCount(sLat, tLat)
        cost -= weights.anchorMatch * Double(anchors)
        cost += weights.numberMismatch * Double(sNum.count + tNum.count - 2 * numbersShared)
        if sQ != tQ { cost += weights.questionMismatch }
        if let lex = doc.lexicon {
            cost += weights.lexicon * (1 - lex.score(source: doc.source[i..<(i + a)], target: doc.target[j..<(j + b)]))
        }
        return cost
    }

    // MARK: Search

    /// Banded dynamic programming over bead types, widening the band until the best path stays
    /// clear of its edges. Time and memory are O((n + m) × band).
    func search(_ doc: Document) -> [Bead] {
        let n = doc.source.count, m = doc.target.count
        if n == 0 || m == 0 {
            return (0..<n).map { Bead(source: [$0], target: []) } + (0..<m).map { Bead(source: [], target: [$0]) }
        }
        var band = max(20, abs(n - m) + 10)
        while true {
            let (beads, touched) = searchBand(doc, band: band)
            if !touched || band >= max(n, m) { return beads }
            band *= 2
        }
    }

    private func searchBand(_ doc: Document, band: Int) -> (beads: [Bead], touchedEdge: Bool) {
        let n = doc.source.count, m = doc.target.count
        let types = BeadType.searched
        func center(_ i: Int) -> Int { Int((Double(i) * Double(m) / Double(n)).rounded()) }
        let lo = (0...n).map { max(0, center($0) - band) }
        let hi = (0...n).map { min(m, center($0) + band) }
        var offset = [Int](repeating: 0, count: n + 2)
        for i in 0...n { offset[i + 1] = offset[i] + (hi[i] - lo[i] + 1) }
        var cost = [Double](repeating: .infinity, count: offset[n + 1])
        var back = [UInt8](repeating: 255, count: offset[n + 1])
        func at(_ i: Int, _ j: Int) -> Int? { (j < lo[i] || j > hi[i]) ? nil : offset[i] + j - lo[i] }
        cost[at(0, 0)!] = 0
        for i in 0...n {
            for j in lo[i]...hi[i] {
                guard let here = at(i, j), !(i == 0 && j == 0) else { continue }
                var best = Double.infinity, bestType: UInt8 = 255
                for (t, entry) in types.enumerated() {
                    let a = entry.type.source, b = entry.type.target
                    guard i >= a, j >= b, let prev = at(i - a, j - b) else { continue }
                    let c = cost[prev]
                    if c == .infinity { continue }
                    let total = c + beadCost(doc, i - a, a, j - b, b, prior: entry.prior)
                    if total < best { best = total; bestType = UInt8(t) }
                }
                cost[here] = best
                back[here] = bestType
            }
        }
        var beads: [Bead] = []
        var i = n, j = m, touched = false
        while i > 0 || j > 0 {
            guard let here = at(i, j), back[here] != 255 else { break }
            if (j == lo[i] && lo[i] > 0) || (j == hi[i] && hi[i] < m) { touched = true }
            let type = types[Int(back[here])].type
            beads.append(Bead(source: Array((i - type.source)..<i), target: Array((j - type.target)..<j)))
            i -= type.source
            j -= type.target
        }
        return (beads.reversed(), touched)
    }

    // MARK: Confidence

    /// A calibrated-looking probability that the bead is right: length agreement, anchors that
    /// agree or disagree, and the lexicon's translation score when a lexicon is loaded.
    /// How much of the document is backed by anchors: of the English names and numbers (and the
    /// Arabic numbers), the share that the aligned other side shares. A real translation of news
    /// shares most; a text that is not a translation shares almost none, whatever its lengths.
    func documentSupport(_ beads: [Bead], _ doc: Document) -> Double {
        var total = 0, found = 0
        for bead in beads where !bead.source.isEmpty && !bead.target.isEmpty {
            let (sA, tA) = anchors(bead, doc)
            let tExpected = bead.target.reduce([Int32]()) { mergedUnique($0, mergedUnique(doc.target[$1].names, doc.target[$1].numbers)) }
            let sNumbers = bead.source.reduce([Int32]()) { mergedUnique($0, doc.source[$1].numbers) }
            total += tExpected.count + sNumbers.count
            found += commonCount(tExpected, sA) + commonCount(sNumbers, tA)
        }
        return total < 2 ? 0.5 : Double(found) / Double(total)
    }

    private func anchors(_ bead: Bead, _ doc: Document) -> ([Int32], [Int32]) {
        let sA = bead.source.reduce([Int32]()) { mergedUnique($0, mergedUnique(mergedUnique(doc.source[$1].numbers, doc.source[$1].names), doc.source[$1].latin)) }
        let tA = bead.target.reduce([Int32]()) { mergedUnique($0, mergedUnique(mergedUnique(doc.target[$1].numbers, doc.target[$1].names), doc.target[$1].latin)) }
        return (sA, tA)
    }

    func confidence(_ bead: Bead, _ doc: Document, support: Double) -> Double {
        if bead.source.isEmpty || bead.target.isEmpty { return 0.2 }
        let src = bead.source.map { doc.source[$0] }, tgt = bead.target.map { doc.target[$0] }
        let ls = src.reduce(0) { $0 + $1.length }, lt = tgt.reduce(0) { $0 + $1.length }
        let pLength = doc.model.probability(source: ls, target: lt)
        let (sA, tA) = anchors(bead, doc)
        let shared = commonCount(sA, tA)
        var evidence = -1.0 + 2.5 * pLength.squareRoot() + 1.2 * Double(min(shared, 3)) + 4 * (support - 0.5)
        let sNum = src.reduce([Int32]()) { mergedUnique($0, $1.numbers) }, tNum = tgt.reduce([Int32]()) { mergedUnique($0, $1.numbers) }
        evidence -= 1.0 * Double(sNum.count + tNum.count - 2 * commonCount(sNum, tNum))
        if let lex = doc.lexicon {
            evidence += 6 * (lex.score(source: src[...], target: tgt[...]) - 0.35)
        }
        if bead.source.count + bead.target.count > 2 { evidence -= 0.5 }
        return 1 / (1 + exp(-evidence))
    }
}
