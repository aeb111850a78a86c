import Dispatch
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
    public var lexicon: (any LexiconProvider)?
    public var sourceLanguage: Language
    public var targetLanguage: Language
    /// Re-estimate the length model and bead priors from the document's own first alignment
    /// and align again (one step of Viterbi EM): costs fitted to this document, not to ours.
    public var adapts = true
    /// The lexicon was learned from the documents being aligned (a batch's first pass), so
    /// confidences must not read it: it would vouch for the beads it came from.
    var lexiconIsLearnedHere = false
    /// Bead priors the document's own fit starts from: the language pair's, or a batch's.
    var basePriors = BeadType.searched

    public init(sourceLanguage: Language = .ar, targetLanguage: Language = .en, lexicon: (any LexiconProvider)? = nil) {
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
        self.lexicon = lexicon
    }

    /// Everything the search needs about one document pair.
    struct Document {
        var source: SpanTable
        var target: SpanTable
        let sourceCount: Int
        let targetCount: Int
        var model: LengthModel
        var hasLexicon: Bool
        /// Whether confidences read the lexicon: only one learned elsewhere; a lexicon learned
        /// from this document's own first pass would vouch for the beads it came from.
        var lexiconIsIndependent: Bool
        let weights: CostWeights

        func source(_ bead: Bead) -> SpanFeatures { source.features(bead.source[0], bead.source.count) }
        func target(_ bead: Bead) -> SpanFeatures { target.features(bead.target[0], bead.target.count) }
    }

    public func align(source: [String], target: [String]) -> [Bead] {
        let (src, tgt, extractor) = FeatureExtractor.both(source: source, sourceLanguage, target: target, targetLanguage,
                                                          latinIsCommon: sourceLanguage != .ar && targetLanguage != .ar)
        let model = lengthModel ?? estimateModel(src, tgt)
        let scorer = lexicon.map { provider in
            let words = Set(extractor.table.strings.filter { $0.hasPrefix("w:") }.map { String($0.dropFirst(2)) })
            return LexiconScorer(lexicon: provider.lexicon(for: words), table: extractor.table)
        }
        let maxSpan = BeadType.searched.reduce(1) { max($0, $1.type.source, $1.type.target) }
        let functionWords = Set(NameSkeleton.englishFunctionWords.compactMap { extractor.table.existing("w:" + $0) })
        let content: @Sendable (Int32) -> Bool = { !functionWords.contains($0) }
        let tables = SpanTable.both(src, tgt, maxSpan: maxSpan, lexicon: scorer, contentWord: content)
        var doc = Document(source: tables.source, target: tables.target,
                           sourceCount: src.count, targetCount: tgt.count, model: model, hasLexicon: scorer != nil,
                           lexiconIsIndependent: scorer != nil && !lexiconIsLearnedHere, weights: weights)
        let rough = needsRoughPath(doc) ? roughPath(doc) : nil
        let adapting = adapts && lengthModel == nil
        let learnsLexicon = adapting && scorer == nil
        /// The first full search and, without a memory lexicon, one learned from the confident
        /// beads of the rough path if there is one (on its own thread, beside the search), else
        /// of the first search.
        // A path of one-to-one beads only, over sentence counts that are equal, is the diagonal:
        // text parallel line for line, which a second search can only confirm (a merge would
        // need a matching merge elsewhere). When the rough path is already diagonal the lexicon
        // is learned only if the first search turns out otherwise.
        func isDiagonal(_ path: [Bead]) -> Bool {
            src.count == tgt.count && path.allSatisfy { $0.source.count == 1 && $0.target.count == 1 }
        }
        let roughIsDiagonal = rough.map(isDiagonal) ?? false
        var (first, learned) = FirstPass(aligner: self, doc: doc, rough: rough, source: src, target: tgt, content: content)
            .run(learnsLexicon: learnsLexicon && !roughIsDiagonal)
        var beads = first
        let diagonal = isDiagonal(first)
        if learnsLexicon && roughIsDiagonal && !diagonal {
            learned = bootstrapLexicon(first, doc, src, tgt, content: content)
        }
        if adapting && !diagonal {
            let fitted = DocumentFit(beads, doc, base: model, priors: basePriors)
            doc.model = fitted.lengthModel
            if let learned {
                (doc.source, doc.target) = Self.withLexicon(doc.source, src, doc.target, tgt, learned.scorer, content: content)
                doc.hasLexicon = true
            }
            beads = search(doc, types: BeadTypes(fitted.priors), around: beads, keepingRegularStretches: true)
        }
        let support = documentSupport(beads, doc)
        for k in beads.indices { beads[k].confidence = confidence(beads[k], doc, support: support) }
        return beads
    }

    /// Both sides' span tables with a learned lexicon's lists, on two threads for a long document.
    static func withLexicon(_ sourceTable: SpanTable, _ src: [SentenceFeatures], _ targetTable: SpanTable, _ tgt: [SentenceFeatures],
                            _ scorer: LexiconScorer, content: @escaping @Sendable (Int32) -> Bool) -> (SpanTable, SpanTable) {
        // Each thread builds and writes only its own side; the scorer and the old tables are only read.
        final class Sides: @unchecked Sendable {
            var source: SpanTable, target: SpanTable
            let scorer: LexiconScorer
            init(_ source: SpanTable, _ target: SpanTable, _ scorer: LexiconScorer) {
                self.source = source
                self.target = target
                self.scorer = scorer
            }

            func build(_ side: Int, _ src: [SentenceFeatures], _ tgt: [SentenceFeatures], _ content: (Int32) -> Bool) {
                if side == 0 {
                    let lists = src.map { SpanTable.lexiconLists($0, scorer, isSource: true, contentWord: content) }
                    source = SpanTable(source, replacing: [.translations: lists.map(\.translations), .known: lists.map(\.known)])
                } else {
                    let lists = tgt.map { SpanTable.lexiconLists($0, scorer, isSource: false, contentWord: content) }
                    target = SpanTable(target, replacing: [.origins: lists.map(\.origins)])
                }
            }
        }
        let sides = Sides(sourceTable, targetTable, scorer)
        if src.count + tgt.count >= 400 {
            DispatchQueue.concurrentPerform(iterations: 2) { sides.build($0, src, tgt, content) }
        } else {
            sides.build(0, src, tgt, content)
            sides.build(1, src, tgt, content)
        }
        return (sides.source, sides.target)
    }

    /// A lexicon from the confident 1-1 beads of a path, when there are enough of them.
    func bootstrapLexicon(_ path: [Bead], _ doc: Document, _ src: [SentenceFeatures], _ tgt: [SentenceFeatures],
                          content: (Int32) -> Bool) -> LexiconBootstrap? {
        let support = documentSupport(path, doc)
        let confident = path.filter { $0.source.count == 1 && $0.target.count == 1 && confidence($0, doc, support: support) >= 0.5 }
            .map { (src[$0.source[0]].words, tgt[$0.target[0]].words.filter(content)) }
        return LexiconBootstrap(confident)
    }

    /// The first search and the lexicon bootstrap, side by side on a long document.
    ///
    /// Both only read the document (its span tables and model are not changed until both end),
    /// hence `@unchecked Sendable`.
    private final class FirstPass: @unchecked Sendable {
        let aligner: Aligner
        let doc: Document
        let rough: [Bead]?
        let source: [SentenceFeatures], target: [SentenceFeatures]
        let content: @Sendable (Int32) -> Bool
        var beads: [Bead] = []
        var learned: LexiconBootstrap?

        init(aligner: Aligner, doc: Document, rough: [Bead]?, source: [SentenceFeatures], target: [SentenceFeatures],
             content: @escaping @Sendable (Int32) -> Bool) {
            self.aligner = aligner
            self.doc = doc
            self.rough = rough
            self.source = source
            self.target = target
            self.content = content
        }

        func run(learnsLexicon: Bool) -> ([Bead], LexiconBootstrap?) {
            let types = BeadTypes(aligner.basePriors)
            if learnsLexicon, let rough {
                DispatchQueue.concurrentPerform(iterations: 2) { k in
                    if k == 0 {
                        beads = aligner.search(doc, types: types, around: rough)
                    } else {
                        learned = aligner.bootstrapLexicon(rough, doc, source, target, content: content)
                    }
                }
                return (beads, learned)
            }
            beads = aligner.search(doc, types: types, around: rough)
            if learnsLexicon { learned = aligner.bootstrapLexicon(beads, doc, source, target, content: content) }
            return (beads, learned)
        }
    }

    /// The length ratio of this document (bounded) with the language pair's variance.
    func estimateModel(_ src: [SentenceFeatures], _ tgt: [SentenceFeatures]) -> LengthModel {
        let base: LengthModel = (sourceLanguage == .ar && targetLanguage == .en) ? .arabicEnglish : .generic
        let s = src.reduce(0) { $0 + $1.length }, t = tgt.reduce(0) { $0 + $1.length }
        guard s > 200, t > 200 else { return base }
        let ratio = min(max(Double(t) / Double(s), base.ratio * 0.75), base.ratio * 1.33)
        return LengthModel(ratio: ratio, variance: base.variance, outlierShare: base.outlierShare, outlierSpread: base.outlierSpread)
    }

    // MARK: Cost

    /// Cost of aligning source[i..<i+a] with target[j..<j+b]: lower is better.
    @inline(__always)
    func beadCost(_ doc: Document, _ i: Int, _ a: Int, _ j: Int, _ b: Int, priorCost: Double) -> Double {
        let weights = doc.weights
        var cost = priorCost
        if a == 0 || b == 0 {
            // A sentence left unaligned leaves all its words unexplained.
            if doc.hasLexicon {
                cost += b > 0 ? weights.lexicon * Double(doc.target.size(.words, j, b))
                              : weights.sourceLexicon * Double(doc.source.size(.known, i, a))
            }
            return cost + weights.nullCost
        }
        let s = doc.source, t = doc.target
        cost += weights.length * doc.model.cost(source: s.length(i, a), target: t.length(j, b), loose: a == 1 && b == 1)
        let numbersShared = s.common(.numbers, i, a, t, .numbers, j, b)
        let anchors = numbersShared + s.common(.names, i, a, t, .names, j, b) + s.common(.latin, i, a, t, .latin, j, b)
        cost -= weights.anchorMatch * Double(anchors)
        cost += weights.numberMismatch * Double(s.size(.numbers, i, a) + t.size(.numbers, j, b) - 2 * numbersShared)
        if s.isQuestion(i, a) != t.isQuestion(j, b) { cost += weights.questionMismatch }
        if s.isQuoting(i, a) != t.isQuoting(j, b) { cost += weights.quoteMismatch }
        if doc.hasLexicon {
            // A 2-2 bead is scored as its two 1-1 halves: scored whole, any word of one pair that
            // a stray entry explains from the other pair counts for it, and two sentence pairs
            // running line for line were merged (a 2-2 is for lengths that average out, not words).
            if a == 2 && b == 2 {
                cost += lexicalCost(doc, i, 1, j, 1) + lexicalCost(doc, i + 1, 1, j + 1, 1)
            } else {
                cost += lexicalCost(doc, i, a, j, b)
            }
        }
        return cost
    }

    /// The lexicon's part of a bead cost: words of either side the other side does not explain.
    @inline(__always)
    func lexicalCost(_ doc: Document, _ i: Int, _ a: Int, _ j: Int, _ b: Int) -> Double {
        let s = doc.source, t = doc.target
        // Per unexplained English word, so a path pays the same for a sentence whether it is
        // in a 1-1 bead or merged into a larger one: a rate would make merging look cheaper.
        let unexplained = t.size(.words, j, b) - s.common(.translations, i, a, t, .words, j, b)
        // And the other way: Arabic words the lexicon knows that nothing English answers.
        // Without it an Arabic sentence costs nothing left out, so one that belongs to a
        // merge is dropped whenever the merge's lengths fit a little worse.
        let unanswered = s.size(.known, i, a) - s.common(.known, i, a, t, .origins, j, b)
        return doc.weights.lexicon * Double(unexplained) + doc.weights.sourceLexicon * Double(unanswered)
    }

    // MARK: Confidence

    /// How much of the document is backed by anchors: of the English names and numbers (and the
    /// Arabic numbers), the share that the aligned other side shares. A real translation of news
    /// shares most; a text that is not a translation shares almost none, whatever its lengths.
    func documentSupport(_ beads: [Bead], _ doc: Document) -> Double {
        var total = 0, found = 0
        for bead in beads where !bead.source.isEmpty && !bead.target.isEmpty {
            let s = doc.source(bead), t = doc.target(bead)
            let sA = s.anchors, tA = t.anchors
            let tExpected = mergedUnique(t.names, t.numbers)
            total += tExpected.count + s.numbers.count
            found += commonCount(tExpected, sA) + commonCount(s.numbers, tA)
        }
        return total < 2 ? 0.5 : Double(found) / Double(total)
    }

    /// A calibrated-looking probability that the bead is right: length agreement, anchors that
    /// agree or disagree, and the lexicon's translation score when a lexicon is loaded.
    func confidence(_ bead: Bead, _ doc: Document, support: Double) -> Double {
        if bead.source.isEmpty || bead.target.isEmpty { return 0.2 }
        let s = doc.source(bead), t = doc.target(bead)
        let pLength = doc.model.probability(source: s.length, target: t.length)
        let shared = commonCount(s.anchors, t.anchors)
        var evidence = -1.0 + 2.5 * pLength.squareRoot() + 1.2 * Double(min(shared, 3)) + 4 * (support - 0.5)
        evidence -= 1.0 * Double(s.numbers.count + t.numbers.count - 2 * commonCount(s.numbers, t.numbers))
        if doc.lexiconIsIndependent {
            evidence += 6 * (LexiconScorer.score(source: s, target: t) - 0.35)
        }
        if bead.source.count + bead.target.count > 2 { evidence -= 0.5 }
        return 1 / (1 + exp(-evidence))
    }
}
