import Foundation
import Testing
import GRDB
@testable import TarjamaMemory
@testable import TarjamaSQLite
import TarjamaText

@Suite("Term index")
struct TermIndexTests {
    @Test func postingListsRoundTripAcrossVarintWidths() {
        let ids: [Int64] = [1, 2, 127, 128, 300, 16_384, 16_385, 2_000_000, 5_000_000_000]
        var decoded: [Int64] = []
        PostingList.encode(ids).withUnsafeBufferPointer { PostingList.decode($0, into: &decoded) }
        #expect(decoded == ids)
    }

    /// Terms found eight bytes at a time are the list split at its spaces: runs of spaces,
    /// spaces at either end, terms across word boundaries, multi-byte letters, tails under 8.
    @Test func termsOfASpaceSeparatedListAsSplittingFindsThem() {
        let pieces = ["a", "bc", "رئيس", "abcdefgh", "abcdefghi", "الاستثمارات", "7", ""]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...9, using: &rng) {
                text += pieces.randomElement(using: &rng)! + String(repeating: " ", count: Int.random(in: 0...3, using: &rng))
            }
            if Bool.random(using: &rng) { text = " " + text }
            var found: [String] = []
            Array(text.utf8).withUnsafeBufferPointer { b in TermHash.forEachTerm(b) { found.append(String(decoding: $0, as: UTF8.self)) } }
            #expect(found == text.split(separator: " ").map(String.init), "\(text)")
        }
    }

    /// Drafts shared among workers cover the batch once, in order, even with more workers than
    /// chunks (a batch of 300 on 64 cores had asked for the range 305..<300 and stopped).
    @Test func draftsAreSharedAmongWorkersWhateverTheirNumber() {
        for (count, workers) in [(300, 64), (8_000, 2), (257, 2), (0, 4), (1, 1), (1_000, 7)] {
            let shares = (0..<workers).map { PreparedUnit.share($0, of: count, workers: workers) }
            #expect(shares.flatMap { Array($0) } == Array(0..<count), "\(count) on \(workers)")
        }
    }

    @Test func aBatchGroupsEachTermOnceWithItsUnitsInOrder() {
        var bytes: [UInt8] = []
        let units = ["الرئيس زار بكين", "بكين بكين اليوم", "الرئيس"].map { source in
            withUnsafePointer(to: UnitDraft(source: source, target: "x")) { PreparedUnit($0, appendingTo: &bytes) }
        }
        let batch = BatchPostings(PreparedUnits(units: units, bytes: bytes))
        var groups: [String: [Int32]] = [:]
        for t in 0..<batch.table.count {
            let text = batch.table.withArena { String(decoding: batch.table.text(t, in: $0), as: UTF8.self) }
            groups[text] = Array(batch.members[Int(batch.memberStart[t])..<Int(batch.memberStart[t + 1])])
        }
        #expect(groups["رئيس"] == [0, 2])
        #expect(groups["بكين"] == [0, 1])   // twice in unit 1, one posting
        #expect(groups["زار"] == [0])
    }

    /// A batch with duplicates: unit k gets the next id plus k and a duplicate leaves its id
    /// unused; every list still names exactly the units holding its term.
    @Test func listsOfABatchWithDuplicatesNameExactlyTheUnitsHoldingEachTerm() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "خبر سابق عن الاجتماع", target: "An earlier item on the meeting")])
        // 300 pairs, 280 of them distinct: the repeats are spread over the batch.
        let drafts = (0..<300).map { k in
            UnitDraft(source: "قال الوزير \(k % 40) إن الاجتماع \(k % 7) انتهى", target: "The minister said meeting \(k % 7) ended \(k % 40)")
        }
        let summary = try t.memory.add(drafts)
        #expect(summary == AddSummary(added: 280, duplicates: 20))
        var sources: [String: [Int64]] = [:], targets: [String: [Int64]] = [:]
        try t.memory.forEachUnit { u in
            let id = try #require(u.id)
            for term in Set(MatchTokens.terms(u.source).terms.split(separator: " ").map(String.init)) { sources[term, default: []].append(id) }
            for word in Set(SearchWords.words(u.target)) { targets[word, default: []].append(id) }
        }
        let (storedSources, storedTargets) = try t.memory.pool.read { db in
            (try sources.keys.map { try TermIndex.postings($0, side: .source, in: db) },
             try targets.keys.map { try TermIndex.postings($0, side: .target, in: db) })
        }
        #expect(storedSources == Array(sources.values))
        #expect(storedTargets == Array(targets.values))
        #expect(try t.memory.termFrequencies(["وزير"], side: .source) == ["وزير": 280])
    }

    /// Many small additions (one article's units at a time) keep a common term's blocks few:
    /// the newest are merged once there are more than `compactAfter`.
    @Test func smallAdditionsAreCompactedAndNothingIsLost() throws {
        let t = try TemporaryMemory()
        for k in 0..<40 {
            try t.memory.add([UnitDraft(source: "قال المتحدث \(k) اليوم", target: "The spokesman said \(k) today")])
        }
        let ids = try t.memory.postings("متحدث", side: .source)
        #expect(ids == Array(1...40).map(Int64.init))
        let blocks = try t.memory.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM posting JOIN term ON term.id = posting.term WHERE term.text = 'متحدث'")
        }
        #expect((blocks ?? 0) <= TermIndex.compactAfter)
        #expect(try t.memory.termFrequencies(["متحدث"], side: .source) == ["متحدث": 40])
    }

    @Test func deletingUnitsTakesThemOutOfListsAndFrequencies() throws {
        let t = try TemporaryMemory()
        try t.memory.add((0..<5).map { UnitDraft(source: "وصل الوفد \($0) إلى بكين", target: "The delegation \($0) reached Beijing") })
        #expect(try t.memory.deleteUnit(id: 2))
        #expect(try t.memory.deleteUnit(id: 4))
        #expect(try t.memory.postings("بكين", side: .source) == [1, 3, 5])
        #expect(try t.memory.termFrequencies(["بكين", "1", "3", "4"], side: .source) == ["بكين": 3, "1": 0, "3": 0, "4": 1])
        #expect(try t.memory.check() == "ok")
    }

    /// One import flushing many times: its terms' rows are updated by id, and a term compacted
    /// part-way is read again before its next block.
    @Test func manyFlushesOfOneImportCompactAndKeepEveryID() throws {
        let t = try TemporaryMemory()
        var postings = PostingAccumulator()
        try t.memory.pool.write { db in
            var sink = try TermIndexWriter(db)
            for id in 1...60 {
                postings.add(Int64(id), terms: "عدد", side: .source)
                try postings.flush(into: &sink)
            }
        }
        #expect(try t.memory.postings("عدد", side: .source) == Array(1...60).map(Int64.init))
        #expect(try t.memory.termFrequencies(["عدد"], side: .source) == ["عدد": 60])
        let (blocks, rows) = try t.memory.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT blocks FROM term WHERE text = 'عدد'") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM posting") ?? 0)
        }
        #expect(blocks == rows)
        #expect(blocks <= TermIndex.compactAfter)
    }

    /// Flushing on a budget writes the largest lists and keeps the rest gathering: the common
    /// term gets several blocks, a rare one a single block at the end, and every list reads
    /// back whole and ascending with its frequency.
    @Test func budgetedFlushesWriteTheLargestListsFirst() throws {
        let t = try TemporaryMemory()
        var postings = PostingAccumulator()
        try t.memory.pool.write { db in
            var sink = try TermIndexWriter(db)
            for id in 1...30_000 {
                var terms = "عام شهر\(id % 50)"
                if id % 150 == 0 { terms += " نادر\(id)" }
                postings.add(Int64(id), terms: terms, side: .source)
                try postings.flush(into: &sink, over: 80_000)
            }
            try postings.flush(into: &sink)
        }
        #expect(try t.memory.postings("عام", side: .source) == Array(1...30_000).map(Int64.init))
        #expect(try t.memory.postings("شهر7", side: .source) == stride(from: 7, through: 30_000, by: 50).map(Int64.init))
        #expect(try t.memory.postings("نادر300", side: .source) == [300])
        #expect(try t.memory.termFrequencies(["عام", "شهر0", "نادر29850"], side: .source) == ["عام": 30_000, "شهر0": 600, "نادر29850": 1])
        let blocks = { (text: String) in try t.memory.pool.read { try Int.fetchOne($0, sql: "SELECT blocks FROM term WHERE text = ?", arguments: [text]) ?? 0 } }
        #expect(try blocks("عام") > 1)
        #expect(try blocks("نادر150") == 1)
        #expect(try t.memory.check() == "ok")
    }

    /// An import larger than the in-memory budget writes several blocks per term; reading them
    /// gives one ascending list.
    @Test func flushesOnABudgetKeepListsWhole() throws {
        let t = try TemporaryMemory()
        var postings = PostingAccumulator()
        try t.memory.pool.write { db in
            var sink = try TermIndexWriter(db)
            for id in 1...100 {
                postings.add(Int64(id), terms: id % 2 == 0 ? "زوجي عدد" : "فردي عدد", side: .source)
                if id % 30 == 0 { try postings.flush(into: &sink) }
            }
            try postings.flush(into: &sink)
        }
        #expect(try t.memory.postings("عدد", side: .source) == Array(1...100).map(Int64.init))
        #expect(try t.memory.postings("زوجي", side: .source) == stride(from: 2, through: 100, by: 2).map(Int64.init))
        #expect(try t.memory.termFrequencies(["فردي"], side: .source) == ["فردي": 50])
    }
}

@Suite("Search words")
struct SearchWordsTests {
    @Test func lettersAndDigitsWithCaseAndAccentsFolded() {
        #expect(SearchWords.words("The Café-Riche, 2022’s VIDEO call!") == ["the", "cafe", "riche", "2022", "s", "video", "call"])
        #expect(SearchWords.words("Ｆｕｌｌ ﬁnal naïve") == ["full", "final", "naive"])
        #expect(SearchWords.words("… — “”").isEmpty)
        // Joined for the index: the one-pass ASCII form and the general one agree with `words`.
        for text in ["Putin  and   Xi", "The Café-Riche, 2022’s VIDEO call!", "  "] {
            #expect(String(decoding: SearchWords.joined(text), as: UTF8.self) == SearchWords.words(text).joined(separator: " "))
        }
    }

    @Test func aPhraseIsItsWordsInOrder() {
        #expect(SearchWords.text("They held a video-call on Tuesday.", contains: "Video call"))
        #expect(!SearchWords.text("They held a video-call on Tuesday.", contains: "call video"))
        #expect(!SearchWords.text("A videocall.", contains: "video call"))
    }
}
