import Foundation
import Testing
import TarjamaText

/// Boundary F1 on the shared gold sets, computed like `../shared/data/seg/score.py`: boundaries
/// are offsets in the text with all whitespace removed, document ends are not counted.
@Suite("Segmentation on gold sets", .enabled(if: sharedData != nil, "../shared/data is absent: gold-set evaluation skipped"))
struct SegmentationEvaluationTests {
    static func boundaryF1(set: String, language: Language) throws -> Double {
        let dir = sharedData!.appendingPathComponent("seg/\(set)")
        let manifest = try String(contentsOf: dir.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
        let segmenter = try Segmenter(language: language)
        var tp = 0, fp = 0, fn = 0
        func ends(_ pieces: [String]) -> [Int] {
            var n = 0
            return pieces.compactMap { p in
                let k = p.unicodeScalars.filter { !$0.properties.isWhitespace }.count
                if k == 0 { return nil }
                n += k
                return n
            }
        }
        for line in manifest.split(separator: "\n") {
            let doc = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let name = doc["doc"] as! String
            let raw = try String(contentsOf: dir.appendingPathComponent("raw/\(name).txt"), encoding: .utf8)
            let gold = try String(contentsOf: dir.appendingPathComponent("sents/\(name).txt"), encoding: .utf8)
                .split(separator: "\n").map(String.init)
            let goldEnds = ends(gold)
            let total = goldEnds.last ?? 0
            let g = Set(goldEnds).subtracting([total])
            let s = Set(ends(segmenter.segment(raw).map(\.text))).subtracting([total, 0])
            tp += g.intersection(s).count
            fp += s.subtracting(g).count
            fn += g.subtracting(s).count
        }
        let p = Double(tp) / Double(max(1, tp + fp)), r = Double(tp) / Double(max(1, tp + fn))
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }

    @Test func arabicPUDBoundaryF1IsAtLeast099() throws {
        #expect(try Self.boundaryF1(set: "ar-pud-arcomma", language: .ar) >= 0.99)
    }

    @Test func englishGUMNewsBoundaryF1IsAtLeast098() throws {
        #expect(try Self.boundaryF1(set: "en-gum-news", language: .en) >= 0.98)
    }

    @Test func englishPUDBoundaryF1IsAtLeast099() throws {
        #expect(try Self.boundaryF1(set: "en-pud", language: .en) >= 0.99)
    }
}
