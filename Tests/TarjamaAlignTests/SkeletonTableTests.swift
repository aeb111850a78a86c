import Foundation
import Testing
import TarjamaText
@testable import TarjamaAlign

@Suite("Name skeleton letter table")
struct SkeletonTableTests {
    /// The letter table gives the transliterator's skeleton for every word of the seed article
    /// and of the shared corpus's first 3,000 pairs when present.
    @Test func letterTableAgreesWithTransliterator() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var text = try String(contentsOf: packageRoot.appendingPathComponent("Samples/putin-xi/ar.txt"), encoding: .utf8)
        if let corpus = try? String(contentsOfFile: packageRoot.appendingPathComponent("../shared/data/parallel/ar-en-33k.tsv").path, encoding: .utf8) {
            text += corpus.split(separator: "\n").prefix(3000).joined(separator: "\n")
        }
        let names = NameSkeleton()
        let transliterator = try Transliterator("Arabic-Latin; Latin-ASCII")
        var checked = 0, differ: [String] = []
        for token in Tokenizer().tokenize(text) where token.kind == .word {
            let key = Normalizer.matchingKey.normalize(token.text)
            guard let fast = names.letterSkeleton(key) else { continue }
            let slow = NameSkeleton.skeleton(try transliterator.apply(key))
            checked += 1
            if fast != slow && differ.count < 20 { differ.append("\(key): \(fast) vs \(slow)") }
        }
        #expect(checked > 100)
        #expect(differ.isEmpty, "\(differ)")
    }
}
