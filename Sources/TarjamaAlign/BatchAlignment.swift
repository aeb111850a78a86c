import Dispatch
import Foundation

extension Aligner {
    /// Aligns several document pairs as one batch (`tarjama align --batch`, a gold set).
    ///
    /// Why a batch aligns better than its documents one by one: a news article has fifteen
    /// sentences, too few to learn anything from, while a day's wire holds hundreds. Each document
    /// is aligned alone first; then the batch's bead shapes give the priors every document's own
    /// fit starts from (one step of Viterbi EM over the batch: a desk whose translations leave
    /// sentences out says so across many articles), and without a memory lexicon the confident
    /// one-to-one beads of all documents teach a word lexicon (IBM Model 1, words seen in two
    /// pairs or more). Every document is then aligned again with both.
    public func align(batch documents: [(source: [String], target: [String])]) -> [[Bead]] {
        let first = parallelMap(documents) { aligner, doc in aligner.align(source: doc.source, target: doc.target) }
        guard adapts, lengthModel == nil, documents.count >= 2 else { return first }
        let priors = DocumentFit.priors(first, base: basePriors)
        let learned: Lexicon? = lexicon == nil ? batchLexicon(documents, first) : nil
        return parallelMap(documents) { aligner, doc in
            aligner.basePriors = priors
            if let learned {
                aligner.lexicon = learned
                aligner.lexiconIsLearnedHere = true
            }
            return aligner.align(source: doc.source, target: doc.target)
        }
    }

    /// A lexicon from the confident one-to-one beads of a batch's first pass, when there are enough.
    private func batchLexicon(_ documents: [(source: [String], target: [String])], _ first: [[Bead]]) -> Lexicon? {
        var pairs: [(source: String, target: String)] = []
        for (doc, beads) in zip(documents, first) {
            for bead in beads where bead.source.count == 1 && bead.target.count == 1 && bead.confidence >= 0.5 {
                pairs.append((doc.source[bead.source[0]], doc.target[bead.target[0]]))
            }
        }
        guard pairs.count >= LexiconBootstrap.minimumPairs else { return nil }
        var trainer = LexiconTrainer()
        trainer.minimumProbability = LexiconBootstrap.minimumProbability
        trainer.keepPerWord = LexiconBootstrap.keepPerWord
        trainer.minimumOccurrences = 2
        return trainer.train(pairs).0
    }

    /// `body` over the documents on every core, each worker with an aligner of these settings.
    private func parallelMap(_ documents: [(source: [String], target: [String])],
                             _ body: @escaping @Sendable (Aligner, (source: [String], target: [String])) -> [Bead]) -> [[Bead]] {
        // Each worker writes only the slots of its own documents; the lexicon provider is only read.
        final class Shared: @unchecked Sendable {
            var beads: [[Bead]]
            let documents: [(source: [String], target: [String])]
            let settings: Aligner
            init(_ documents: [(source: [String], target: [String])], _ settings: Aligner) {
                self.documents = documents
                self.settings = settings
                beads = Array(repeating: [], count: documents.count)
            }
        }
        let shared = Shared(documents, self)
        let workers = max(1, min(documents.count, ProcessInfo.processInfo.activeProcessorCount))
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let settings = shared.settings
            let aligner = Aligner(sourceLanguage: settings.sourceLanguage, targetLanguage: settings.targetLanguage, lexicon: settings.lexicon)
            aligner.weights = settings.weights
            aligner.adapts = settings.adapts
            aligner.basePriors = settings.basePriors
            aligner.lexiconIsLearnedHere = settings.lexiconIsLearnedHere
            for k in stride(from: w, to: shared.documents.count, by: workers) { shared.beads[k] = body(aligner, shared.documents[k]) }
        }
        return shared.beads
    }
}
