import Foundation
import TarjamaAlign

/// What storing an aligned document did.
public struct StoreReport: Sendable, Codable {
    public var origin: String
    public var stored = AddSummary()
    /// Beads with both sides but a confidence under the threshold: kept out, listed for review.
    public var lowConfidence: [ReviewItem] = []
    /// Beads with one empty side (1-0, 0-1): never stored.
    public var unaligned = 0

    public struct ReviewItem: Sendable, Codable {
        public var bead: String
        public var confidence: Double
        public var source: String
        public var target: String
    }
}

extension MemoryStore {
    /// Stores the beads of an aligned article as translation units, with the article as origin,
    /// the bead's position, its neighbours' sources (for context matches) and its confidence.
    /// Beads under `minConfidence` are kept out unless `storeAll` is set, and reported.
    public func store(_ doc: AlignedDocument, origin: String, minConfidence: Double, storeAll: Bool = false,
                      sourceLanguage: String = "ar", targetLanguage: String = "en", user: String? = nil) throws -> StoreReport {
        var report = StoreReport(origin: origin)
        let pairs = doc.beads.filter { !$0.source.isEmpty && !$0.target.isEmpty }
        report.unaligned = doc.beads.count - pairs.count
        var drafts: [UnitDraft] = []
        for (k, bead) in pairs.enumerated() {
            let (source, target) = doc.texts(bead)
            if bead.confidence < minConfidence && !storeAll {
                report.lowConfidence.append(.init(bead: bead.description, confidence: bead.confidence, source: source, target: target))
                continue
            }
            drafts.append(UnitDraft(
                source: source, target: target, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage,
                origin: origin, position: k,
                previousSource: k > 0 ? doc.texts(pairs[k - 1]).source : nil,
                nextSource: k + 1 < pairs.count ? doc.texts(pairs[k + 1]).source : nil,
                confidence: bead.confidence))
        }
        report.stored = try add(drafts, user: user)
        return report
    }

    /// Stored pairs' sources and targets for lexicon training: all of them, or an even sample
    /// of about `limit` across the memory (training memory grows with the pairs).
    public func pairs(limit: Int = .max) throws -> [(source: String, target: String)] {
        let step = max(1, try unitCount() / max(limit, 1))
        var result: [(String, String)] = []
        var k = 0
        try forEachUnit { u in
            if k % step == 0 && result.count < limit { result.append((u.source, u.target)) }
            k += 1
        }
        return result
    }
}
