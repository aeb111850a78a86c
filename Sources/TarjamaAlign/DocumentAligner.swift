import Foundation
import TarjamaText

/// An article and its translation, segmented and aligned.
public struct AlignedDocument: Sendable {
    /// Segments that took part in alignment (boilerplate left out unless asked for).
    public var source: [Segment]
    public var target: [Segment]
    /// Boilerplate segments that were left out, for the report.
    public var droppedSource: [Segment]
    public var droppedTarget: [Segment]
    public var beads: [Bead]

    /// Source and target text of a bead, sentences joined by a space.
    public func texts(_ bead: Bead) -> (source: String, target: String) {
        (bead.source.map { source[$0].text }.joined(separator: " "), bead.target.map { target[$0].text }.joined(separator: " "))
    }
}

/// Segments (or takes pre-segmented lines) and aligns an Arabic article with its English translation.
///
/// Not thread-safe (it owns ICU iterators): one per thread.
/// ```swift
/// let doc = try DocumentAligner().align(sourceText: arabic, targetText: english)
/// for bead in doc.beads { print(doc.texts(bead), bead.confidence) }
/// ```
public final class DocumentAligner {
    public let aligner: Aligner
    private let sourceSegmenter: Segmenter
    private let targetSegmenter: Segmenter

    public init(aligner: Aligner = Aligner()) throws {
        self.aligner = aligner
        sourceSegmenter = try Segmenter(language: aligner.sourceLanguage)
        targetSegmenter = try Segmenter(language: aligner.targetLanguage)
    }

    /// - Parameters:
    ///   - segmented: the texts already hold one sentence per line (no segmentation, nothing dropped).
    ///   - keepBoilerplate: align boilerplate segments too.
    public func align(sourceText: String, targetText: String, segmented: Bool = false,
                      keepBoilerplate: Bool = false) -> AlignedDocument {
        var doc = segment(sourceText: sourceText, targetText: targetText, segmented: segmented, keepBoilerplate: keepBoilerplate)
        doc.beads = aligner.align(source: doc.source.map(\.text), target: doc.target.map(\.text))
        return doc
    }

    /// Several articles aligned as one batch (`Aligner.align(batch:)`): what the batch shares
    /// (bead priors, a lexicon learned from its confident beads) helps each short article.
    public func align(batch texts: [(source: String, target: String)], segmented: Bool = false,
                      keepBoilerplate: Bool = false) -> [AlignedDocument] {
        var docs = texts.map { segment(sourceText: $0.source, targetText: $0.target, segmented: segmented, keepBoilerplate: keepBoilerplate) }
        let beads = aligner.align(batch: docs.map { (source: $0.source.map(\.text), target: $0.target.map(\.text)) })
        for k in docs.indices { docs[k].beads = beads[k] }
        return docs
    }

    /// Both texts segmented (or split into lines), no beads yet.
    private func segment(sourceText: String, targetText: String, segmented: Bool, keepBoilerplate: Bool) -> AlignedDocument {
        func split(_ text: String, _ segmenter: Segmenter) -> ([Segment], [Segment]) {
            if segmented {
                // Lines found on the UTF-8 bytes: splitting a String walks its Characters
                // (grapheme breaking), a twentieth of aligning 2,000 short lines.
                var offset = 0
                var segments: [Segment] = []
                var text = text
                text.withUTF8 { b in
                    var start = 0
                    while start <= b.count {
                        var end = start
                        while end < b.count && b[end] != 0x0A { end += 1 }
                        let length = UTF8Scan.scalarCount(b, start..<end)
                        let kept = UTF8Scan.trimmingWhitespace(start..<end, in: b)
                        if !kept.isEmpty {
                            segments.append(Segment(index: segments.count, paragraph: segments.count,
                                                    text: String(decoding: UnsafeBufferPointer(rebasing: b[kept]), as: UTF8.self),
                                                    kind: .body, start: offset, end: offset + length))
                        }
                        offset += length + 1
                        start = end + 1
                    }
                }
                return (segments, [])
            }
            let all = segmenter.segment(text)
            return keepBoilerplate ? (all, []) : (all.filter { $0.kind != .boilerplate }, all.filter { $0.kind == .boilerplate })
        }
        let (src, srcDropped) = split(sourceText, sourceSegmenter)
        let (tgt, tgtDropped) = split(targetText, targetSegmenter)
        return AlignedDocument(source: src, target: tgt, droppedSource: srcDropped, droppedTarget: tgtDropped, beads: [])
    }
}
