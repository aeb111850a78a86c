import Foundation
import Testing
import GRDB
import TarjamaText
@testable import TarjamaMemory
@testable import TarjamaSQLite
import TarjamaAlign

/// A fresh memory file in a temporary folder, removed when the test ends.
final class TemporaryMemory {
    let dir: URL
    let memory: SQLiteMemory
    var path: String { memory.path }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        memory = try SQLiteMemory(path: dir.appendingPathComponent("test.tmdb").path)
    }

    func file(_ name: String, _ contents: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    deinit { try? FileManager.default.removeItem(at: dir) }
}

@Suite("Memory store")
struct MemoryStoreTests {
    @Test func addedUnitIsFoundByExactLookup() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "وصل الوفد إلى موسكو.", target: "The delegation arrived in Moscow.")])
        #expect(try t.memory.exact("وصل الوفد إلى موسكو.").map(\.target) == ["The delegation arrived in Moscow."])
    }

    @Test func emptyAndMissingMetadataStayDistinct() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "وصل الوفد.", target: "The delegation arrived.", origin: "", createdBy: nil, notes: [""])])
        let u = try #require(try t.memory.exact("وصل الوفد.").first)
        #expect(u.origin == "")
        #expect(u.position == nil)
        #expect(u.notes == [""])
    }

    @Test func exactLookupIgnoresDiacriticsAndDigitForms() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "ارتفع بنسبة 25%.", target: "It rose by 25%.")])
        #expect(try t.memory.exact("اِرْتَفَعَ بنسبة ٢٥٪.").count == 1)
    }

    @Test func exactDuplicateIsCountedNotStoredTwice() throws {
        let t = try TemporaryMemory()
        let d = UnitDraft(source: "جملة.", target: "A sentence.")
        try t.memory.add([d])
        let summary = try t.memory.add([d])
        #expect(summary == AddSummary(added: 0, duplicates: 1))
        #expect(try t.memory.exact("جملة.").map(\.occurrences) == [2])
    }

    @Test func oneSourceMayHaveSeveralTargets() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "جملة.", target: "A sentence."), UnitDraft(source: "جملة.", target: "One sentence.")])
        #expect(try t.memory.exact("جملة.").count == 2)
    }

    @Test func contextHashesComeFromNeighbouringSources() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "ب.", target: "B.", previousSource: "أ.", nextSource: "ج.")])
        let unit = try #require(try t.memory.exact("ب.").first)
        #expect(unit.previousHash == SegmentKey.keyHash("أ."))
        #expect(unit.nextHash == SegmentKey.keyHash("ج."))
    }

    @Test func termIndexFindsUnitsSharingAStem() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "زار الرئيس بكين.", target: "The president visited Beijing."),
                          UnitDraft(source: "أمطار غزيرة اليوم.", target: "Heavy rain today.")])
        let ids = try t.memory.postings("بكين", side: .source)
        #expect(try t.memory.units(ids: ids).map(\.target) == ["The president visited Beijing."])
    }

    @Test func deletedUnitLeavesTheIndexToo() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "زار الرئيس بكين.", target: "The president visited Beijing.")])
        let id = try #require(try t.memory.exact("زار الرئيس بكين.").first?.id)
        #expect(try t.memory.deleteUnit(id: id))
        #expect(try t.memory.postings("بكين", side: .source).isEmpty)
        #expect(try t.memory.check() == "ok")
    }

    @Test func openingAMissingMemoryReadOnlySaysHowToCreateIt() throws {
        #expect(throws: MemoryError.notFound("/nonexistent/x.tmdb")) {
            try SQLiteMemory(path: "/nonexistent/x.tmdb", readOnly: true)
        }
        #expect(MemoryError.notFound("x.tmdb").description.contains("tarjama memory create --memory 'x.tmdb'"))
    }

    @Test func statsCountUnitsAndOccurrences() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "أ.", target: "A."), UnitDraft(source: "أ.", target: "A."), UnitDraft(source: "ب.", target: "B.")])
        let s = try t.memory.stats()
        #expect((s.units, s.occurrences, s.distinctSources) == (2, 3, 2))
    }
}

@Suite("TSV and TMX exchange")
struct ExchangeTests {
    @Test func tsvImportReportsSkippedLinesWithNumbers() throws {
        let t = try TemporaryMemory()
        let path = try t.file("pairs.tsv", "أ.\tA.\nno tab here\n\tempty source\nب.\tB.\n")
        let report = try t.memory.importTSV(path: path)
        #expect(report.added == 2)
        #expect(report.skipped.map(\.line) == [2, 3])
    }

    /// Long lines end a batch before its unit count does, so memory stays bounded.
    @Test func batchesEndAtABytesBudgetToo() throws {
        let t = try TemporaryMemory()
        let long = String(repeating: "كلمة ", count: 40)   // about 370 bytes a line with its target
        let path = try t.file("long.tsv", (1...7).map { "\(long)\($0)\tWords \($0)." }.joined(separator: "\n"))
        var sizes: [Int] = []
        _ = try TSV.read(path: path, batchSize: 100, batchBytes: 1_000) { sizes.append($0.count) }
        #expect(sizes == [3, 3, 1])
        #expect(try t.memory.importTSV(path: path).added == 7)
    }

    /// The reader's buffer (1 MB) doubles for a longer line, and a last line without a
    /// newline is read too; lines that straddle chunks come out whole.
    @Test func tsvLinesLongerThanTheReadBufferAndALastLineWithoutNewline() throws {
        let t = try TemporaryMemory()
        let huge = String(repeating: "كلمة ", count: 250_000)   // 2.5 MB of source
        var lines = (1...3_000).map { "جملة رقم \($0) من الخبر\tSentence \($0) of the story" }
        lines.insert("\(huge)نهاية\tThe end", at: 1_500)
        let path = try t.file("big.tsv", lines.joined(separator: "\n"))   // no newline at the end
        var sources: [String] = []
        _ = try TSV.read(path: path) { sources += $0.map(\.source) }
        #expect(sources.count == 3_001)
        #expect(sources[1_500].hasSuffix("كلمة نهاية") && sources[1_500].utf8.count == huge.utf8.count + "نهاية".utf8.count)
        #expect(sources.last == "جملة رقم 3000 من الخبر")
        #expect(Set(sources).count == 3_001)
    }

    /// Fields are read as C strings with a NUL put after them for the call: the line's bytes
    /// are the same afterwards; a line holding a NUL (never text: every reader would cut it
    /// there) and one of invalid UTF-8 are skipped with their numbers; a field that ends the
    /// file is read too.
    @Test func tsvFieldsWithNULsInvalidBytesAndAtTheEndOfTheFile() throws {
        let t = try TemporaryMemory()
        var bytes = Array("أ.\tA.\nب\u{0}ج.\tB\u{0}C.\n".utf8)
        bytes += Array("د.\t".utf8) + [0x44, 0xFF, 0x2E] + Array("\nهـ.\tE.".utf8)
        let path = t.dir.appendingPathComponent("fields.tsv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var drafts: [UnitDraft] = []
        let problems = try TSV.read(path: path) { drafts += $0 }
        #expect(drafts.map(\.source) == ["أ.", "هـ."])
        #expect(drafts.map(\.target) == ["A.", "E."])
        #expect(problems.map(\.line) == [2, 3])
        #expect(problems.first?.message.contains("NUL") == true)
    }

    @Test func tsvImportAcceptsBOMAndCRLF() throws {
        let t = try TemporaryMemory()
        let path = try t.file("pairs.tsv", "\u{FEFF}أ.\tA.\r\nب.\tB.\r\n")
        #expect(try t.memory.importTSV(path: path).added == 2)
        #expect(try t.memory.exact("أ.").first?.target == "A.")
    }

    @Test func tsvRoundTripKeepsTheUnits() throws {
        let a = try TemporaryMemory(), b = try TemporaryMemory()
        try a.memory.add([UnitDraft(source: "قال: \"نعم\".", target: "He said: \"yes\"."), UnitDraft(source: "ب.", target: "B.")])
        var text = ""
        _ = try a.memory.exportTSV { text += $0 }
        _ = try b.memory.importTSV(path: try b.file("x.tsv", text))
        var pairs: [String] = []
        try b.memory.forEachUnit { pairs.append($0.source + "|" + $0.target) }
        #expect(pairs == ["قال: \"نعم\".|He said: \"yes\".", "ب.|B."])
    }

    @Test func tmxEscapesMarkupAndDropsInvalidCharacters() {
        #expect(TMXWriter.escape("a < b & \"c\"\u{1}") == "a &lt; b &amp; &quot;c&quot;")
    }

    @Test func tmxDatesUseTheCompactUTCForm() {
        #expect(TMXWriter.date(Date(timeIntervalSince1970: 0)) == "19700101T000000Z")
    }

    static let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { FileManager.default.fileExists(atPath: $0) }
    static let dtd: String? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/tmx/tmx14.dtd")
        return FileManager.default.fileExists(atPath: url.path) ? url.path : nil
    }()

    @Test(.enabled(if: xmllint != nil && dtd != nil, "xmllint or ../shared/data/tmx/tmx14.dtd absent: DTD validation skipped"))
    func tmxExportValidatesAgainstTheDTD() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "قال <د.> أحمد & رفاقه.", target: "Dr. Ahmed & co. said \"no\".", origin: "a.txt",
                                    position: 3, confidence: 0.9, properties: ["x-domain": "news"], notes: ["checked"])])
        var xml = ""
        _ = try t.memory.exportTMX { xml += $0 }
        let path = try t.file("out.tmx", xml)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.xmllint!)
        p.arguments = ["--noout", "--dtdvalid", Self.dtd!, path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }
}

@Suite("Memory lexicon")
struct MemoryLexiconTests {
    @Test func savedLexiconIsReadBackOnlyForTheAskedWords() throws {
        let t = try TemporaryMemory()
        #expect(try t.memory.hasLexicon() == false)
        try t.memory.saveLexicon(Lexicon(table: ["الصين": ["china": 0.9], "روسيا": ["russia": 0.8, "russian": 0.1]], pairsSeen: 2))
        #expect(try t.memory.hasLexicon())
        let read = t.memory.lexicon(for: ["روسيا", "مجهول"])
        #expect(read.table.keys.sorted() == ["روسيا"])
        #expect(read.table["روسيا"]?["russian"] == 0.1)
    }

    @Test func savingAgainReplacesTheLexicon() throws {
        let t = try TemporaryMemory()
        try t.memory.saveLexicon(Lexicon(table: ["الصين": ["china": 0.9]]))
        try t.memory.saveLexicon(Lexicon(table: ["روسيا": ["russia": 0.8]]))
        #expect(t.memory.lexicon(for: ["الصين", "روسيا"]).table.keys.sorted() == ["روسيا"])
    }
}

@Suite("Memory migrations")
struct MemoryMigrationTests {
    /// A memory written by an older Tarjama (schema v2) is upgraded on open: its units get stored
    /// match tokens and stay findable.
    @Test func aVersion2MemoryIsUpgradedWithTokensForItsUnits() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.tmdb").path
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteMemory.migrator.migrate(pool, upTo: "v2: fuzzy-match term index with length window, target full-text index")
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO unit (source_lang, target_lang, source, target, source_key, source_hash, pair_hash, created_at, changed_at, length)
                    VALUES ('ar', 'en', 'وصل الوفد إلى موسكو.', 'The delegation arrived in Moscow.', ?, ?, 1, '2020-01-01', '2020-01-01', 4)
                    """, arguments: [SegmentKey.key("وصل الوفد إلى موسكو."), SegmentKey.keyHash("وصل الوفد إلى موسكو.")])
            }
        }
        let memory = try SQLiteMemory(path: path)
        let found = try memory.storedTokens(ids: [1], lengths: 0...100)
        #expect(found.first?.tokens.decode() == MatchTokens.tokens("وصل الوفد إلى موسكو."))
        #expect(try memory.exact("وصل الوفد الى موسكو.").count == 1)
        #expect(try memory.hasLexicon() == false)
        // v8 builds the term index from the units already stored.
        #expect(try memory.postings("موسكو", side: .source) == [1])
        #expect(try memory.termFrequencies(["وفد", "موسكو", "باريس"], side: .source) == ["وفد": 1, "موسكو": 1, "باريس": 0])
    }

    /// A v7 memory holds tokens in the unpacked form: the upgrade makes its term index from the
    /// sources (not from those bytes, which the packed reader would misread) and packs them.
    @Test func aVersion7MemoryGetsTermsFromItsSourcesAndPackedTokens() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v7.tmdb").path
        let source = "وصل الوفد إلى موسكو."
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteMemory.migrator.migrate(pool, upTo: "v7: target index of words only, phrases verified on the text")
            // The v4-v10 form: a flag byte, then length-prefixed UTF-8 (8 = original is the key, 4 = clitic).
            var old: [UInt8] = []
            for t in MatchTokens.tokens(source) {
                old.append((t.kind == .word ? 0 : t.kind == .number ? 1 : 2) | (t.isClitic ? 4 : 0) | (t.original == t.key ? 8 : 0))
                if t.original != t.key { old.append(UInt8(t.original.utf8.count)); old += Array(t.original.utf8) }
                old.append(UInt8(t.key.utf8.count)); old += Array(t.key.utf8)
            }
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO unit (source_lang, target_lang, source, target, source_hash, pair_hash, created_at, changed_at, length)
                    VALUES ('ar', 'en', ?, 'The delegation arrived in Moscow.', ?, 1, '2020-01-01', '2020-01-01', 4)
                    """, arguments: [source, SegmentKey.keyHash(source)])
                try db.execute(sql: "INSERT INTO unit_tokens(id, length, tokens) VALUES (1, 4, ?)", arguments: [Data(old)])
            }
        }
        let memory = try SQLiteMemory(path: path)
        #expect(try memory.postings("موسكو", side: .source) == [1])
        #expect(try memory.termFrequencies(["وصل", "وفد", "الي"], side: .source) == ["وصل": 1, "وفد": 1, "الي": 1])
        #expect(try memory.storedTokens(ids: [1], lengths: 0...100).first?.tokens.decode() == MatchTokens.tokens(source))
        #expect(try memory.postings("moscow", side: .target) == [1])
    }
}

@Suite("Derived data rebuilt by the reindex step")
struct ReindexTests {
    /// Everything derived from the units, in a form that compares whole: lengths, stored
    /// tokens, and each term's side, frequency and posting list.
    func derived(_ memory: SQLiteMemory) throws -> [String] {
        try memory.pool.read { db in
            let lengths = try Row.fetchAll(db, sql: "SELECT id, length FROM unit ORDER BY id").map { "\($0[0] as Int64):\($0[1] as Int)" }
            let tokens = try Row.fetchAll(db, sql: "SELECT id, length, hex(tokens) FROM unit_tokens ORDER BY id")
                .map { "\($0[0] as Int64):\($0[1] as Int):\($0[2] as String)" }
            let terms = try Row.fetchAll(db, sql: "SELECT side, text, units FROM term ORDER BY side, text").map { row in
                let side: UnitSide = (row[0] as Int) == 0 ? .source : .target
                let text: String = row[1]
                return "\(side):\(text):\(row[2] as Int):\(try TermIndex.postings(text, side: side, in: db))"
            }
            return lengths + tokens + terms
        }
    }

    @Test func aMemoryMarkedStaleIsRebuiltOnOpeningExactlyAsItsImportWroteIt() throws {
        let t = try TemporaryMemory()
        try t.memory.add([
            UnitDraft(source: "وصل الوفد إلى موسكو.", target: "The delegation arrived in Moscow."),
            UnitDraft(source: "والتقى الرئيسان في بكين يوم ٢٥ آذار.", target: "The two presidents met in Beijing on 25 March."),
            UnitDraft(source: "ارتفعت الأسعار بنسبة 3٪.", target: "Prices rose by 3%."),
        ])
        try t.memory.deleteUnit(id: 2)
        try t.memory.add([UnitDraft(source: "غادر الوفد موسكو.", target: "The delegation left Moscow.")])
        let before = try derived(t.memory)
        let generation = try t.memory.generation()
        try t.memory.pool.write { try $0.execute(sql: "UPDATE meta SET value = '0' WHERE key = 'derived'") }
        #expect(throws: MemoryError.outdated(t.path)) { try SQLiteMemory(path: t.path, readOnly: true) }
        let reopened = try SQLiteMemory(path: t.path)
        #expect(try derived(reopened) == before)
        #expect(try reopened.generation() != generation)
        #expect(try SQLiteMemory(path: t.path, readOnly: true).exact("غادر الوفد موسكو.").count == 1)
    }
}
