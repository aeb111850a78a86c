import Foundation
import TarjamaMatch
import TarjamaMemory

/// A pre-translated batch: the articles in the order given, and their analysis.
public struct Batch: Sendable {
    public var articles: [PretranslatedArticle]
    public var analysis: Analysis

    init(articles: [PretranslatedArticle], minimum: Int) {
        self.articles = articles
        analysis = Analysis(articles, minimum: minimum)
    }
}

/// The per-article files pre-translation writes.
public enum OutputFormat: String, Sendable, CaseIterable, Codable {
    case xliff, tmx, jsonl, txt

    public var fileExtension: String { self == .xliff ? "xlf" : rawValue }

    /// The article in this format; `lockExact` locks context and exact matches in XLIFF.
    public func render(_ article: PretranslatedArticle, lockExact: Bool = false) throws -> String {
        switch self {
        case .xliff: return XLIFFWriter.document(article, lockExact: lockExact)
        case .tmx: return try Self.tmx(article)
        case .jsonl: return try Self.jsonl(article)
        case .txt: return Self.text(article)
        }
    }

    /// TMX 1.4 of the matched segments only (new source with the proposed target; fuzzy
    /// adaptations marked `x-state` needs-review-translation).
    static func tmx(_ article: PretranslatedArticle) throws -> String {
        var out = ""
        let writer = TMXWriter(sourceLanguage: "ar") { out += $0 }
        try writer.begin()
        let now = Date()
        for s in article.segments {
            guard let m = s.best else { continue }
            try writer.write(TranslationUnit(draft: UnitDraft(
                source: s.source, target: m.target, origin: article.path, position: s.index, createdBy: "tarjama",
                properties: ["x-match-quality": String(m.score), "x-match-kind": m.kind.rawValue, "x-matched-unit": String(m.unitID),
                             // An adaptation is a proposal until a person reviews it: importing this file leaves it out.
                             "x-state": m.kind == .fuzzy ? "needs-review-translation" : "translated"]),
                date: now))
        }
        try writer.end()
        return out
    }

    static func jsonl(_ article: PretranslatedArticle) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var out = ""
        for s in article.segments { out += String(decoding: try encoder.encode(s), as: UTF8.self) + "\n" }
        for b in article.boilerplate {
            struct Dropped: Encodable { let boilerplate: String; let reason: String? }
            out += String(decoding: try encoder.encode(Dropped(boilerplate: b.text, reason: b.reason)), as: UTF8.self) + "\n"
        }
        return out
    }

    /// A bilingual text for reading: source, then the proposal with its score.
    static func text(_ article: PretranslatedArticle) -> String {
        var out = "# \(article.path)\n\n"
        for s in article.segments {
            out += "[\(s.index)] \(s.source)\n"
            if let m = s.best {
                out += "     \(m.score)% \(m.target)\n"
                for w in m.warnings { out += "     check: \(w)\n" }
                out += "\n"
            } else {
                out += "     —\n\n"
            }
        }
        if !article.boilerplate.isEmpty {
            out += "# boilerplate left out\n" + article.boilerplate.map { "  \($0.text)" }.joined(separator: "\n") + "\n"
        }
        return out
    }
}
