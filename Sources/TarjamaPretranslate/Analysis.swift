import Foundation
import TarjamaMemory

/// Segments and words per band: the analysis an agency quotes from.
public struct BandCounts: Sendable, Codable, Equatable {
    public var segments: [String: Int] = [:]
    public var words: [String: Int] = [:]

    public init() {}

    public mutating func add(_ band: AnalysisBand, words w: Int) {
        segments[band.rawValue, default: 0] += 1
        words[band.rawValue, default: 0] += w
    }

    public func segments(_ band: AnalysisBand) -> Int { segments[band.rawValue] ?? 0 }
    public func words(_ band: AnalysisBand) -> Int { words[band.rawValue] ?? 0 }
    public var totalSegments: Int { segments.values.reduce(0, +) }
    public var totalWords: Int { words.values.reduce(0, +) }
}

/// The analysis of a batch: per article and in total, plus the files that failed.
public struct Analysis: Sendable, Codable {
    public struct Article: Sendable, Codable {
        public var file: String
        public var counts: BandCounts
        public var boilerplate: Int
        public var error: String?
    }

    public var minimum: Int
    public var articles: [Article]
    public var total: BandCounts
    public var failed: [String]

    init(_ batch: [PretranslatedArticle], minimum: Int) {
        self.minimum = minimum
        var total = BandCounts()
        articles = batch.map { a in
            var c = BandCounts()
            for s in a.segments {
                c.add(s.band, words: s.words)
                total.add(s.band, words: s.words)
            }
            return Article(file: a.path, counts: c, boilerplate: a.boilerplate.count, error: a.error)
        }
        self.total = total
        failed = batch.filter { $0.error != nil }.map(\.path)
    }

    /// A fixed-width table for the terminal.
    public func table() -> String {
        var lines: [String] = []
        let header = "Band".padding(toLength: 14, withPad: " ", startingAt: 0) + "Segments".leftPad(10) + "Words".leftPad(10) + "Words %".leftPad(10)
        lines.append(header)
        lines.append(String(repeating: "─", count: header.count))
        let words = max(total.totalWords, 1)
        for band in AnalysisBand.allCases {
            let w = total.words(band)
            lines.append(band.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + String(total.segments(band)).leftPad(10)
                         + String(w).leftPad(10) + String(format: "%.1f", 100 * Double(w) / Double(words)).leftPad(10))
        }
        lines.append(String(repeating: "─", count: header.count))
        lines.append("Total".padding(toLength: 14, withPad: " ", startingAt: 0) + String(total.totalSegments).leftPad(10)
                     + String(total.totalWords).leftPad(10) + "100.0".leftPad(10))
        return lines.joined(separator: "\n")
    }

    /// A self-contained HTML page (inline CSS bars, no scripts) for the batch and each article.
    public func html(title: String = "Tarjama analysis") -> String {
        func esc(_ s: String) -> String { TMXWriter.escape(s) }   // the one escaper (markup, characters XML forbids)
        func section(_ name: String, _ c: BandCounts) -> String {
            let words = max(c.totalWords, 1)
            var rows = ""
            for band in AnalysisBand.allCases {
                let w = c.words(band)
                let pct = 100 * Double(w) / Double(words)
                rows += "<tr><td>\(esc(band.rawValue))</td><td class=n>\(c.segments(band))</td><td class=n>\(w)</td>"
                rows += "<td><div class=bar style=\"width:\(String(format: "%.1f", pct * 3))px\"></div> \(String(format: "%.1f", pct))%</td></tr>\n"
            }
            return """
                <h2>\(esc(name))</h2>
                <table><tr><th>Band</th><th>Segments</th><th>Words</th><th>Share of words</th></tr>
                \(rows)<tr class=t><td>Total</td><td class=n>\(c.totalSegments)</td><td class=n>\(c.totalWords)</td><td></td></tr></table>

                """
        }
        var body = section("Batch (\(articles.count) articles, fuzzy threshold \(minimum)%)", total)
        for a in articles {
            if let e = a.error {
                body += "<h2>\(esc(a.file))</h2><p class=err>failed: \(esc(e))</p>\n"
            } else {
                body += section((a.file as NSString).lastPathComponent + " (\(a.boilerplate) boilerplate lines left out)", a.counts)
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(esc(title))</title>
            <style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1.5em}
            td,th{padding:.25em .8em;border-bottom:1px solid #ddd;text-align:left}.n{text-align:right}
            .bar{display:inline-block;height:.8em;background:#3b7dd8;vertical-align:middle}.t td{font-weight:bold}.err{color:#b00}</style>
            </head><body><h1>\(esc(title))</h1>
            \(body)</body></html>

            """
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
