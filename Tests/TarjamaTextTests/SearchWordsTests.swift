import Testing
@testable import TarjamaText

@Suite("Search words")
struct SearchWordsTests {
    /// The ASCII fast path (one table load a byte) joins the same words as the general path,
    /// on random ASCII text and on text that leaves it halfway (a curly quote, an accent).
    @Test func theFastPathJoinsTheWordsTheGeneralPathFinds() {
        let pool = Array("aZ09 -,.'\t\u{1}~Xy".unicodeScalars) + ["\u{2019}", "é"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...24, using: &rng) { text.unicodeScalars.append(pool.randomElement(using: &rng)!) }
            var general: [String] = []
            SearchWords.forEachWord(text) { general.append(String(decoding: $0, as: UTF8.self)) }
            #expect(String(decoding: SearchWords.joined(text), as: UTF8.self) == general.joined(separator: " "), "\(text.debugDescription)")
        }
        #expect(SearchWords.words("A Video-Call with Xi’s team") == ["a", "video", "call", "with", "xi", "s", "team"])
    }
}
