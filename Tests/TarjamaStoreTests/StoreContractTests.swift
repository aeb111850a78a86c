import Foundation
import Synchronization
import Testing
import TarjamaAlign
import TarjamaMatch
import TarjamaMemory
import TarjamaTestStore

/// What every store promises (`MatchSource`, `MemoryStore`), checked on each store this run
/// can make: SQLite, the dictionary store and, with a server, PostgreSQL.
@Suite("Store contract")
struct StoreContractTests {
    /// A temporary folder and a new store of one kind.
    struct Desk {
        let dir: URL
        let store: any MemoryStore

        init(_ kind: StoreKind) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            store = try kind.make(in: dir)
        }

        func file(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
    }

    static let drafts = [
        UnitDraft(source: "وصل الوفد إلى موسكو.", target: "The delegation arrived in Moscow.", origin: "a1", position: 0),
        UnitDraft(source: "والتقى الرئيسان في بكين يوم ٢٥ آذار.", target: "The two presidents met in Beijing on 25 March.",
                  origin: "a1", position: 1, previousSource: "وصل الوفد إلى موسكو.", confidence: 0.9),
        UnitDraft(source: "ارتفعت الأسعار بنسبة 3٪.", target: "Prices rose by 3%.", createdBy: "hala",
                  properties: ["x-desk": "economy"], notes: ["checked"]),
    ]

    @Test(arguments: StoreKind.available)
    func unitsComeBackAsWrittenWithTheirKeysAndProvenance(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        #expect(try desk.store.add(Self.drafts, user: "desk") == AddSummary(added: 3, duplicates: 0))
        let unit = try #require(try desk.store.exact("والتقى الرئيسان في بكين يوم 25 آذار.").first)
        #expect(unit.target == "The two presidents met in Beijing on 25 March.")
        #expect(unit.origin == "a1")
        #expect(unit.position == 1)
        #expect(unit.confidence == 0.9)
        #expect(unit.previousHash == SegmentKey.keyHash("وصل الوفد إلى موسكو."))
        #expect(unit.createdBy == "desk")
        let priced = try #require(try desk.store.exact("ارتفعت الأسعار بنسبة 3٪.").first)
        #expect(priced.createdBy == "hala")
        #expect(priced.properties == ["x-desk": "economy"])
        #expect(priced.notes == ["checked"])
        #expect(try desk.store.unit(id: unit.id!) == unit)
        #expect(try desk.store.unitCount() == 3)
    }

    /// Text with the characters bulk formats escape (backslash, tab, newline, carriage return)
    /// and a NUL-free mix of scripts comes back byte for byte.
    @Test(arguments: StoreKind.available)
    func textWithEscapedCharactersComesBackExactly(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let target = "Line one\nline\ttwo \\N back\\slash\r\n“quoted” — 25%"
        try desk.store.add([UnitDraft(source: "سطر فيه\tمحارف خاصة\\.", target: target, origin: "C:\\wire\\a.txt")])
        let unit = try #require(try desk.store.exact("سطر فيه\tمحارف خاصة\\.").first)
        #expect(unit.target == target)
        #expect(unit.origin == "C:\\wire\\a.txt")
    }

    /// Occurrences count sightings (origin and position): an article stored twice, or a file
    /// imported twice, counts nothing again; a repeat inside it and another article count.
    @Test(arguments: StoreKind.available)
    func aRerunOfTheSameArticleCountsNothingTwice(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        func article(_ origin: String) -> [UnitDraft] {
            [UnitDraft(source: "بدأت القمة.", target: "The summit began.", origin: origin, position: 0),
             UnitDraft(source: "انتهت الجلسة الأولى.", target: "The first session ended.", origin: origin, position: 1),
             UnitDraft(source: "بدأت القمة.", target: "The summit began.", origin: origin, position: 2)]
        }
        #expect(try desk.store.add(article("wire/a.txt")) == AddSummary(added: 2, duplicates: 1))
        #expect(try desk.store.exact("بدأت القمة.").map(\.occurrences) == [2])
        #expect(try desk.store.add(article("wire/a.txt")) == AddSummary(added: 0, duplicates: 3))
        #expect(try desk.store.exact("بدأت القمة.").map(\.occurrences) == [2])
        #expect(try desk.store.exact("انتهت الجلسة الأولى.").map(\.occurrences) == [1])
        try desk.store.add(article("wire/b.txt"))
        try desk.store.add(article("wire/b.txt"))
        #expect(try desk.store.exact("بدأت القمة.").map(\.occurrences) == [4])
        #expect(try desk.store.exact("انتهت الجلسة الأولى.").map(\.occurrences) == [2])
    }

    /// A fresh memory's index agrees with its units, and a rebuild gives the same index.
    @Test(arguments: StoreKind.available)
    func theIndexChecksAgainstItsUnitsAndRebuildsTheSame(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        try desk.store.add(Self.drafts + [UnitDraft(source: "قال الوزير إن المحادثات بناءة.", target: "The minister said the talks were constructive.")])
        let before = try desk.store.verifyIndex()
        #expect(before.ok, "\(before.problems)")
        #expect(before.units == 4)
        let query = "قال الوزير إن المحادثات مثمرة."
        let matchesBefore = try Matcher(store: desk.store).lookup(query).map(\.unitID)
        #expect(try desk.store.rebuildIndex() == 4)
        let after = try desk.store.verifyIndex()
        #expect(after.ok, "\(after.problems)")
        #expect(after.terms == before.terms)
        #expect(try Matcher(store: desk.store).lookup(query).map(\.unitID) == matchesBefore)
    }

    @Test(arguments: StoreKind.available)
    func aDuplicatePairRaisesOccurrencesInOneWriteAndAcrossWrites(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let pair = UnitDraft(source: "جملة مكررة.", target: "A repeated sentence.")
        #expect(try desk.store.add([pair, pair]) == AddSummary(added: 1, duplicates: 1))
        #expect(try desk.store.add([pair, UnitDraft(source: "جملة مكررة.", target: "Another translation.")])
                == AddSummary(added: 1, duplicates: 1))
        let units = try desk.store.exact("جملة مكررة.")
        #expect(units.map(\.occurrences) == [3, 1])
        #expect(try desk.store.translationCounts(sourceHashes: [units[0].sourceHash, 7]) == [units[0].sourceHash: 2])
        #expect(try desk.store.unitCount() == 2)
    }

    @Test(arguments: StoreKind.available)
    func postingsAndFrequenciesCoverBothSides(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        try desk.store.add(Self.drafts)
        let ids = try desk.store.postings("بكين", side: .source)
        #expect(ids.count == 1)
        #expect(try desk.store.postings("beijing", side: .target) == ids)
        #expect(try desk.store.termFrequencies(["موسكو", "باريس"], side: .source) == ["موسكو": 1, "باريس": 0])
        let tokens = try desk.store.storedTokens(ids: ids, lengths: 0...100)
        #expect(tokens.first?.tokens.decode().map(\.key).contains("بكين") == true)
        #expect(try desk.store.storedTokens(ids: ids, lengths: 50...100).isEmpty)
    }

    @Test(arguments: StoreKind.available)
    func aDeletedUnitLeavesTheIndexAndTheCounts(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        try desk.store.add(Self.drafts)
        let id = try #require(try desk.store.exact("وصل الوفد إلى موسكو.").first?.id)
        let generation = try desk.store.generation()
        #expect(try desk.store.deleteUnit(id: id))
        #expect(try !desk.store.deleteUnit(id: id))
        #expect(try desk.store.postings("موسكو", side: .source).isEmpty)
        #expect(try desk.store.postings("moscow", side: .target).isEmpty)
        #expect(try desk.store.termFrequencies(["موسكو"], side: .source) == ["موسكو": 0])
        #expect(try desk.store.unitCount() == 2)
        #expect(try desk.store.generation() != generation)
        #expect(try Concordance(store: desk.store).search("الوفد", side: .source, limit: 5).isEmpty)
        #expect(try desk.store.check() == "ok")
    }

    @Test(arguments: StoreKind.available)
    func anEditedTargetKeepsItsHistoryAndMovesInTheTargetIndex(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        try desk.store.add(Self.drafts, user: "aligner")
        let unit = try #require(try desk.store.exact("وصل الوفد إلى موسكو.").first)
        let generation = try desk.store.generation()
        let edited = try #require(try desk.store.editUnit(id: unit.id!, target: "The delegation reached Moscow.", user: "hala"))
        #expect(edited.id == unit.id)
        #expect(edited.target == "The delegation reached Moscow.")
        #expect(edited.changedBy == "hala")
        #expect(edited.createdBy == "aligner")
        #expect(try desk.store.generation() != generation)
        #expect(try desk.store.exact("وصل الوفد إلى موسكو.").map(\.target) == ["The delegation reached Moscow."])
        #expect(try desk.store.postings("reached", side: .target) == [unit.id!])
        #expect(try desk.store.postings("arrived", side: .target).isEmpty)
        #expect(try desk.store.postings("moscow", side: .target) == [unit.id!])
        let history = try desk.store.revisions(id: unit.id!)
        #expect(history.map(\.target) == ["The delegation arrived in Moscow."])
        #expect(history.first?.writtenBy == "aligner")
        #expect(history.first?.replacedBy == "hala")
        #expect(try desk.store.editUnit(id: 9_999, target: "x", user: nil) == nil)
        #expect(try desk.store.check() == "ok")
    }

    @Test(arguments: StoreKind.available)
    func anEditThatRepeatsAnotherTranslationMergesTheTwo(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        try desk.store.add([UnitDraft(source: "جملة مكررة.", target: "A repeated sentence."),
                            UnitDraft(source: "جملة مكررة.", target: "A repeated sentense.")])
        let units = try desk.store.exact("جملة مكررة.")
        let wrong = try #require(units.first { $0.target.hasSuffix("sentense.") })
        let right = try #require(units.first { $0.target.hasSuffix("sentence.") })
        let merged = try #require(try desk.store.editUnit(id: wrong.id!, target: "A repeated sentence.", user: "hala"))
        #expect(merged.id == right.id)
        #expect(merged.occurrences == 2)
        #expect(try desk.store.unitCount() == 1)
        #expect(try desk.store.unit(id: wrong.id!) == nil)
        #expect(try desk.store.revisions(id: right.id!).map(\.target) == ["A repeated sentense."])
        #expect(try desk.store.postings("sentense", side: .target).isEmpty)
    }

    /// A TSV file imported, corrected and imported again under each policy.
    @Test(arguments: StoreKind.available)
    func aCorrectedFileReplacesItsUnitsByDefaultAndEachPolicyDoesWhatItSays(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let first = try desk.file("wire.tsv", "وصل الوفد إلى موسكو.\tThe delegation arrived in Moscow.\nغادر الوفد مساء.\tThe delegation left in the evening.\n")
        #expect(try desk.store.importTSV(path: first).added == 2)
        let id = try #require(try desk.store.exact("وصل الوفد إلى موسكو.").first?.id)
        let corrected = try desk.file("wire.tsv", "وصل الوفد إلى موسكو.\tThe delegation reached Moscow.\nغادر الوفد مساء.\tThe delegation left in the evening.\n")
        let auto = try desk.store.importTSV(path: corrected, user: "hala")
        #expect(auto.corrected == 1 && auto.added == 0 && auto.duplicates == 1)
        #expect(try desk.store.exact("وصل الوفد إلى موسكو.").map(\.target) == ["The delegation reached Moscow."])
        #expect(try desk.store.revisions(id: id).map(\.target) == ["The delegation arrived in Moscow."])
        // The same source from another file is another translation under auto.
        let other = try desk.file("other.tsv", "وصل الوفد إلى موسكو.\tThe delegation got to Moscow.\n")
        #expect(try desk.store.importTSV(path: other, onDuplicate: .keep).kept == 1)
        #expect(try desk.store.exact("وصل الوفد إلى موسكو.").count == 1)
        #expect(try desk.store.importTSV(path: other).added == 1)
        #expect(try desk.store.exact("وصل الوفد إلى موسكو.").count == 2)
        let again = try desk.file("again.tsv", "وصل الوفد إلى موسكو.\tThe delegation came to Moscow.\n")
        #expect(try desk.store.importTSV(path: again, onDuplicate: .replace).corrected == 1)
        #expect(try desk.store.exact("وصل الوفد إلى موسكو.").count == 2)
        #expect(try desk.store.importTSV(path: try desk.file("v.tsv", "وصل الوفد إلى موسكو.\tThe delegation is in Moscow.\n"),
                                         onDuplicate: .variant).added == 1)
        #expect(try desk.store.exact("وصل الوفد إلى موسكو.").count == 3)
        #expect(try desk.store.check() == "ok")
    }

    /// Inline codes come in as placeholders, go out as the markup they came as, and do not
    /// count against the untagged sentence.
    @Test(arguments: StoreKind.available)
    func inlineCodesSurviveARoundTripAndCostAnUntaggedQueryOnePoint(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let tmx = try desk.file("tagged.tmx", """
            <?xml version="1.0" encoding="UTF-8"?>
            <tmx version="1.4"><header creationtool="Other" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="en" datatype="html"/>
            <body>
            <tu><tuv xml:lang="en"><seg>The minister met <bpt i="1">&lt;b&gt;</bpt>the delegation<ept i="1">&lt;/b&gt;</ept> in Cairo.<ph x="2">&lt;br/&gt;</ph></seg></tuv>
                <tuv xml:lang="ar"><seg>التقى الوزير <bpt i="1">&lt;b&gt;</bpt>الوفد<ept i="1">&lt;/b&gt;</ept> في القاهرة.<ph x="2">&lt;br/&gt;</ph></seg></tuv></tu>
            <tu><tuv xml:lang="en"><seg>Prices <hi type="b">rose</hi> again.</seg></tuv>
                <tuv xml:lang="ar"><seg>ارتفعت الأسعار <hi type="b">مجددا</hi>.</seg></tuv></tu>
            </body></tmx>
            """)
        #expect(try desk.store.importTMX(path: tmx).added == 2)
        var out = ""
        _ = try desk.store.exportTMX { out += $0 }
        #expect(out.contains(#"<seg>التقى الوزير <bpt i="1">&lt;b&gt;</bpt>الوفد<ept i="1">&lt;/b&gt;</ept> في القاهرة.<ph x="2">&lt;br/&gt;</ph></seg>"#))
        #expect(out.contains(#"<seg>The minister met <bpt i="1">&lt;b&gt;</bpt>the delegation<ept i="1">&lt;/b&gt;</ept> in Cairo.<ph x="2">&lt;br/&gt;</ph></seg>"#))
        #expect(out.contains(#"<seg>Prices <hi type="b">rose</hi> again.</seg>"#))
        #expect(!out.contains("x-codes"))
        let matcher = Matcher(store: desk.store)
        let plain = try #require(try matcher.lookup("التقى الوزير الوفد في القاهرة.").first)
        #expect(plain.score >= 95)
        #expect(plain.target == "The minister met the delegation in Cairo.")
        #expect(plain.breakdown.penalties.map(\.reason) == [.inlineCodes])
        let tagged = try #require(try matcher.lookup("التقى الوزير {5}الوفد{/5} في القاهرة.{9/}").first)
        #expect(tagged.target == "The minister met {5}the delegation{/5} in Cairo.{9/}")
        #expect(try matcher.lookup("التقى الوزير {1}الوفد{/1} في القاهرة.{2/}").first?.score == 100)
    }

    @Test(arguments: StoreKind.available)
    func regionCodesAreKeptAndSelectable(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let tmx = try desk.file("regions.tmx", """
            <?xml version="1.0" encoding="UTF-8"?>
            <tmx version="1.4"><header creationtool="Other" creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" srclang="ar-SA" datatype="plaintext"/>
            <body><tu><tuv xml:lang="ar_sa"><seg>ارتفعت أسعار الوقود.</seg></tuv><tuv xml:lang="en-GB"><seg>Petrol prices rose.</seg></tuv>
            <tuv xml:lang="EN-us"><seg>Gas prices rose.</seg></tuv></tu></body></tmx>
            """)
        #expect(try desk.store.importTMX(path: tmx).added == 2)
        let units = try desk.store.exact("ارتفعت أسعار الوقود.")
        #expect(Set(units.map(\.targetLanguage)) == ["en-GB", "en-US"])
        #expect(Set(units.map(\.sourceLanguage)) == ["ar-SA"])
        let british = try Matcher(store: desk.store).lookup("ارتفعت أسعار الوقود.", options: MatchOptions(filter: UnitFilter(targetLanguage: "en-GB")))
        #expect(british.map(\.target) == ["Petrol prices rose."])
        #expect(try Matcher(store: desk.store).lookup("ارتفعت أسعار الوقود.", options: MatchOptions(filter: UnitFilter(targetLanguage: "en"))).count == 2)
        var out = ""
        _ = try desk.store.exportTMX(filter: UnitFilter(targetLanguage: "en-us")) { out += $0 }
        #expect(out.contains(#"<tuv xml:lang="en-US"><seg>Gas prices rose.</seg></tuv>"#) && !out.contains("Petrol"))
    }

    @Test(arguments: StoreKind.available)
    func tmxExportedAndImportedIntoAnotherStoreGivesTheSameUnits(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        try desk.store.add(Self.drafts)
        var tmx = ""
        #expect(try desk.store.exportTMX { tmx += $0 } == 3)
        let path = try desk.file("out.tmx", tmx)
        let other = try Desk(kind)
        let report = try other.store.importTMX(path: path)
        #expect(report.added == 3)
        func pairs(_ s: any MemoryStore) throws -> [String] {
            var out: [String] = []
            try s.forEachUnit { out.append("\($0.source)|\($0.target)|\($0.origin ?? "")|\($0.properties)|\($0.notes)") }
            return out.sorted()
        }
        #expect(try pairs(other.store) == pairs(desk.store))
    }

    @Test(arguments: StoreKind.available)
    func aTSVImportReportsSkippedLinesAndFeedsTheMatcher(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let tsv = try desk.file("p.tsv", "وصل الوفد إلى موسكو.\tThe delegation arrived in Moscow.\nسطر بلا ترجمة\nغادر الوفد بكين.\tThe delegation left Beijing.\n")
        let report = try desk.store.importTSV(path: tsv)
        #expect(report.added == 2)
        #expect(report.skipped.map(\.line) == [2])
        let match = try #require(try Matcher(store: desk.store).lookup("غادر الوفد موسكو.", options: MatchOptions(minimum: 50)).first)
        #expect(match.storedTarget.hasPrefix("The delegation"))
        let stats = try desk.store.stats()
        #expect(stats.units == 2)
        #expect(stats.languagePairs == ["ar→en: 2"])
    }

    @Test(arguments: StoreKind.available)
    func theLexiconIsReplacedWholeAndReadByWord(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        #expect(try !desk.store.hasLexicon())
        try desk.store.saveLexicon(Lexicon(table: ["بكين": ["beijing": 0.9], "موسكو": ["moscow": 0.8]], pairsSeen: 10))
        #expect(try desk.store.hasLexicon())
        #expect(desk.store.lexicon(for: ["بكين", "باريس"]).table == ["بكين": ["beijing": 0.9]])
        try desk.store.saveLexicon(Lexicon(table: ["موسكو": ["moscow": 0.7]], pairsSeen: 5))
        #expect(desk.store.lexicon(for: ["بكين", "موسكو"]).table == ["موسكو": ["moscow": 0.7]])
    }

    /// `align --batch` with the memory's lexicon aligns documents on every core, each worker
    /// reading the store: it must answer them all as the lexicon itself would.
    @Test(arguments: StoreKind.available)
    func aBatchReadsTheLexiconFromEveryWorkerAlike(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let lexicon = Lexicon(table: ["الوفد": ["delegation": 0.8], "وصل": ["arrived": 0.7], "غادر": ["left": 0.7],
                                      "المحادثات": ["talks": 0.8], "التجارة": ["trade": 0.9], "الطاقة": ["energy": 0.9],
                                      "الوزير": ["minister": 0.9], "الاتفاق": ["agreement": 0.8, "deal": 0.2]], pairsSeen: 40)
        try desk.store.saveLexicon(lexicon)
        let cities = [("موسكو", "Moscow"), ("بكين", "Beijing"), ("القاهرة", "Cairo"), ("باريس", "Paris")]
        let documents: [(source: [String], target: [String])] = (0..<12).map { k in
            let (ar, en) = cities[k % cities.count]
            let (ar2, en2) = cities[(k + 1) % cities.count]
            var source = ["وصل الوفد إلى \(ar) صباح اليوم لإجراء المحادثات.", "وقال الوزير إن التجارة بين البلدين نمت بنسبة \(k + 3)٪.",
                          "ويشمل الاتفاق الجديد الطاقة والنقل والموانئ.", "غادر الوفد \(ar) متجها إلى \(ar2) في المساء."]
            var target = ["The delegation arrived in \(en) this morning for talks.", "The minister said trade between the two countries grew by \(k + 3)%.",
                          "The new agreement covers energy, transport and ports.", "The delegation left \(en) for \(en2) in the evening."]
            if k % 3 == 1 { source.remove(at: 2) }
            if k % 3 == 2 { target.insert("Officials gave no further details.", at: 1) }
            return (source, target)
        }
        func shown(_ aligned: [[Bead]]) -> [[String]] {
            aligned.map { $0.map { "\($0) \(String(format: "%.4f", $0.confidence))" } }
        }
        let fromStore = Aligner(lexicon: desk.store).align(batch: documents)
        let fromValue = Aligner(lexicon: lexicon).align(batch: documents)
        #expect(shown(fromStore) == shown(fromValue))
        for (doc, beads) in zip(documents, fromStore) {
            #expect(beads.flatMap(\.source) == Array(doc.source.indices))
            #expect(beads.flatMap(\.target) == Array(doc.target.indices))
        }
    }

    /// Four writers of disjoint parts at once, each through a store object of its own (as
    /// separate processes would), with lookups running: every unit is stored once, indexed, and
    /// found.
    @Test(arguments: StoreKind.available.filter { $0 != .dictionary })
    func fourWritersAtOnceLoseNothing(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let location = desk.store.location
        let writers = try (0..<4).map { _ in try Self.reopen(kind, location, desk.store) }
        let parts = (0..<4).map { w in (0..<60).map { k in
            UnitDraft(source: "أعلن المكتب \(w) في بيانه رقم \(k) عن موعد الاجتماع.", target: "Office \(w) set the meeting in statement \(k).")
        } }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 5) { w in
            do {
                if w == 4 {
                    let matcher = Matcher(store: desk.store)
                    for _ in 0..<20 { _ = try matcher.lookup("أعلن المكتب 2 في بيانه رقم 7 عن موعد الاجتماع.") }
                    return
                }
                for chunk in stride(from: 0, to: 60, by: 15) { try writers[w].add(Array(parts[w][chunk..<chunk + 15])) }
            } catch {
                failures.add("\(error)")
            }
        }
        #expect(failures.all.isEmpty)
        #expect(try desk.store.unitCount() == 240)
        #expect(try desk.store.termFrequencies(["مكتب"], side: .source) == ["مكتب": 240])
        #expect(try Set(desk.store.postings("اجتماع", side: .source)).count == 240)
        for w in 0..<4 {
            #expect(try desk.store.exact("أعلن المكتب \(w) في بيانه رقم 59 عن موعد الاجتماع.").count == 1)
        }
        #expect(try desk.store.check() == "ok")
        _ = location
    }

    /// Four writers of the same pairs at once, two in one order and two in the other, each
    /// through its own store object: on PostgreSQL their upserts lock the same rows, which once
    /// ended in "deadlock detected" for one of them. Every import succeeds and each pair is one
    /// unit that counts all four.
    @Test(arguments: StoreKind.available.filter { $0 != .dictionary })
    func overlappingWritersAtOnceAllSucceed(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let writers = try (0..<4).map { _ in try Self.reopen(kind, desk.store.location, desk.store) }
        let pairs = (0..<80).map { k in
            UnitDraft(source: "نشرت الوكالة الخبر رقم \(k) صباح اليوم.", target: "The agency ran story \(k) this morning.")
        }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 4) { w in
            do {
                let mine = w % 2 == 0 ? pairs : pairs.reversed()
                for _ in 0..<3 { try writers[w].add(mine) }
            } catch {
                failures.add("\(error)")
            }
        }
        #expect(failures.all.isEmpty)
        #expect(try desk.store.unitCount() == 80)
        #expect(try desk.store.exact("نشرت الوكالة الخبر رقم 7 صباح اليوم.").first?.occurrences == 12)
        #expect(try desk.store.check() == "ok")
    }

    static func reopen(_ kind: StoreKind, _ location: String, _ store: any MemoryStore) throws -> any MemoryStore {
        try kind.reopen(location)
    }

    @Test(arguments: StoreKind.available)
    func keysAreFoundByDigestUntilRevoked(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let key = try desk.store.addKey(digest: "d1", prefix: "tj_12345", name: "desk", role: .write)
        _ = try desk.store.addKey(digest: "d2", prefix: "tj_67890", name: "viewer", role: .read)
        #expect(try desk.store.key(digest: "d1")?.role == .write)
        #expect(try desk.store.keys().map(\.name) == ["desk", "viewer"])
        #expect(try desk.store.revokeKey(id: key.id))
        #expect(try !desk.store.revokeKey(id: key.id))
        #expect(try desk.store.key(digest: "d1") == nil)
        #expect(try desk.store.keys().first?.revokedAt != nil)
    }

    /// When the test script promises a PostgreSQL server, the PostgreSQL cases must run.
    @Test func postgresIsPresentWhenRequired() {
        if ProcessInfo.processInfo.environment["TARJAMA_REQUIRE_POSTGRES"] == "1" {
            #expect(StoreKind.available.contains(.postgres), "TARJAMA_TEST_POSTGRES is missing: run the tests through scripts/test.sh")
        }
    }
}

final class Failures: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ s: String) { list.withLock { $0.append(s) } }
    var all: [String] { list.withLock { $0 } }
}
