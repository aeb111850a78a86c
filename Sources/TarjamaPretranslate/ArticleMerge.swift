import Foundation
import TarjamaMemory

/// The translated article rebuilt from a reviewed XLIFF file: one line per paragraph (a
/// `group`, or a unit outside groups), its segments' targets joined in file order.
///
/// Boilerplate units (`restype="x-boilerplate"`) are left out. A translatable segment without a
/// target keeps its source text and is listed in `untranslated`, so nothing is silently lost.
/// ```swift
/// let merged = try ArticleMerge.merge(path: "out/xi-visit.xlf")
/// try merged.text.write(toFile: "xi-visit.en.txt", atomically: true, encoding: .utf8)
/// ```
public struct ArticleMerge: Sendable {
    /// A segment written in its source language because it had no target.
    public struct Gap: Sendable, Codable {
        public var id: String
        public var line: Int
        public var source: String
    }

    public var text: String
    public var paragraphs: Int
    public var segments: Int
    public var untranslated: [Gap]
    /// Segments whose target is still an unreviewed proposal (fuzzy, needs-review).
    public var unreviewed: Int

    public static func merge(path: String) throws -> ArticleMerge {
        var paragraphs: [[String]] = []
        var current: Int?
        var merged = ArticleMerge(text: "", paragraphs: 0, segments: 0, untranslated: [], unreviewed: 0)
        try XLIFFReader().read(path: path) { unit in
            guard unit.kind != "boilerplate" else { return }
            var text = unit.target
            if text.isEmpty {
                text = unit.source
                if unit.translatable { merged.untranslated.append(Gap(id: unit.id, line: unit.line, source: unit.source)) }
            } else if !unit.reviewed {
                merged.unreviewed += 1
            }
            if unit.paragraph != current {
                paragraphs.append([])
                current = unit.paragraph
            }
            paragraphs[paragraphs.count - 1].append(text)
            merged.segments += 1
        }
        merged.paragraphs = paragraphs.count
        merged.text = paragraphs.map { $0.joined(separator: " ") }.joined(separator: "\n") + (paragraphs.isEmpty ? "" : "\n")
        return merged
    }
}
