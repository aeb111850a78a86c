import Foundation
import Testing
import TarjamaText

/// Boundary F1 on our challenge paragraphs (`Fixtures/challenge-*.txt`): abbreviations that end
/// a sentence, ellipses, a missing space after the full stop, quoted questions with their
/// attribution, Latin names inside Arabic, decimals, times, URLs, e-mails and initials.
@Suite("Segmentation challenge")
struct ChallengeSegmentationTests {
    /// One paragraph a line with `‖` where a sentence ends; `#` lines are comments.
    static func cases(_ name: String) throws -> [(raw: String, gold: [String])] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("Tests/TarjamaTextTests/Fixtures/\(name)"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            let raw = line.replacingOccurrences(of: " ‖ ", with: " ").replacingOccurrences(of: "‖", with: "")
            let gold = line.components(separatedBy: "‖").map { $0.trimmingCharacters(in: .whitespaces) }
            return (raw, gold)
        }
    }

    /// Boundary F1 over all paragraphs (paragraph ends are not counted), and the paragraphs missed.
    static func score(_ name: String, _ language: Language) throws -> (f1: Double, misses: [String]) {
        let segmenter = try Segmenter(language: language)
        var tp = 0, fp = 0, fn = 0
        var misses: [String] = []
        func ends(_ pieces: [String]) -> Set<Int> {
            var n = 0, result = Set<Int>()
            for p in pieces { n += p.unicodeScalars.filter { !$0.properties.isWhitespace }.count; result.insert(n) }
            result.remove(n)
            return result
        }
        for c in try cases(name) {
            let got = segmenter.sentences(c.raw)
            let g = ends(c.gold), s = ends(got)
            tp += g.intersection(s).count
            fp += s.subtracting(g).count
            fn += g.subtracting(s).count
            if g != s { misses.append(got.joined(separator: " ‖ ")) }
        }
        let p = Double(tp) / Double(max(1, tp + fp)), r = Double(tp) / Double(max(1, tp + fn))
        return (p + r == 0 ? 0 : 2 * p * r / (p + r), misses)
    }

    @Test func arabicChallengeBoundaryF1IsAtLeast095() throws {
        let (f1, misses) = try Self.score("challenge-ar.txt", .ar)
        print("Arabic challenge boundary F1 \(String(format: "%.3f", f1))")
        #expect(f1 >= 0.95, "missed: \(misses.joined(separator: "\n"))")
    }

    @Test func englishChallengeBoundaryF1IsAtLeast097() throws {
        let (f1, misses) = try Self.score("challenge-en.txt", .en)
        print("English challenge boundary F1 \(String(format: "%.3f", f1))")
        #expect(f1 >= 0.97, "missed: \(misses.joined(separator: "\n"))")
    }
}
