import Foundation
import Testing
@testable import TarjamaMemory
@testable import TarjamaSQLite
import TarjamaText

@Suite("Unit JSON columns")
struct JSONTextTests {
    @Test func propertiesAndNotesReadBackThroughJSONDecoder() throws {
        let props = ["x-origin": "wire \"AFP\"\n", "tuid": "7", "note\\path": "tab\there \u{1}", "ar": "الصين / بكين"]
        let notes = ["first", "with \"quotes\"", "سطر\r\nثان"]
        let p = try JSONDecoder().decode([String: String].self, from: Data(JSONText.object(props).utf8))
        let n = try JSONDecoder().decode([String].self, from: Data(JSONText.array(notes).utf8))
        #expect(p == props)
        #expect(n == notes)
        #expect(JSONText.object([:]) == "{}" && JSONText.array([]) == "[]")
        #expect(JSONText.object(["b": "1", "a": "2"]) == #"{"a":"2","b":"1"}"#)
    }
}

@Suite("Keys prepared for import")
struct PreparedKeyTests {
    @Test func oneNFKCPassGivesTheSameKeyAndHashes() {
        for text in ["أَعلنَ الرئيسُ ٢٥٪ ﻻ", "  Hello\u{200F} WORLD…  ", "قال: \u{FEFF}«الصين» ١٢٣٫٥", "ﷺ ﻷ ١٢",
                     "وَللرَّئِيسِ بالـــصين، فَـ ٣٪؟", "Straße İstanbul ﬁne ‘quoted’ — ok"] {
            let (key, tokens) = MatchTokens.keyAndTokens(text)
            #expect(key == SegmentKey.key(text))
            // Token by token, as keys were made before they were slices of the sentence's key.
            let cleaned = Normalizer(steps: [.nfkc, .removeInvisible]).normalize(text)
            let reference = Tokenizer(splitProclitics: true).tokenize(cleaned).compactMap { t -> MatchToken? in
                let k = Normalizer.matchingKey.normalize(t.text)
                return k.isEmpty ? nil : MatchToken(original: t.text, key: k, kind: t.kind, isClitic: t.isClitic)
            }
            #expect(tokens == reference)
        }
        #expect(SegmentKey.pairHash(source: "الصين", target: "China") == SegmentKey.hash("الصين" + "\u{0}" + "China"))
    }
}

@Suite("Import pipeline")
struct ImportPipelineTests {
    struct Broken: Error {}

    static func drafts(_ n: Int, _ tag: String) -> [UnitDraft] {
        (0..<n).map { UnitDraft(source: "جملة \(tag) \($0)", target: "Sentence \(tag) \($0)") }
    }

    @Test func batchesArriveInOrderAndTheReadersErrorAfterThem() throws {
        let pipeline = ImportPipeline<Int> { write in
            for k in 0..<3 { try write(Self.drafts(10, "\(k)")) }
            throw Broken()
        }
        defer { pipeline.close() }
        var seen: [String] = []
        #expect(throws: Broken.self) {
            while let batch = try pipeline.next() { seen.append(batch.string(batch.rows[0].target)) }
        }
        #expect(seen == ["Sentence 0 0", "Sentence 1 0", "Sentence 2 0"])
    }

    @Test func aWriterThatStopsEarlyEndsTheReaderWithoutWaitingForTheFile() throws {
        let reads = LockedCounter()
        let pipeline = ImportPipeline<Int> { write in
            for k in 0..<1_000 { reads.add(); try write(Self.drafts(5, "\(k)")) }
            return 0
        }
        _ = try pipeline.next()
        pipeline.close()   // returns only once the reader's thread has ended
        #expect(reads.value < 1_000)
        pipeline.close()
    }

    @Test func theReadersResultComesAfterTheLastBatch() throws {
        let pipeline = ImportPipeline<String> { write in
            try write(Self.drafts(3, "a"))
            return "done"
        }
        defer { pipeline.close() }
        var units = 0
        while let batch = try pipeline.next() { units += batch.count }
        #expect(units == 3)
        #expect(pipeline.result == "done")
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
