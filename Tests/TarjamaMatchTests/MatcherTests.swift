import Foundation
import Testing
import TarjamaMemory
import TarjamaTestStore
@testable import TarjamaSQLite
import TarjamaText
@testable import TarjamaMatch

/// A memory in a temporary folder holding a few pairs written for these tests.
/// `kind` says which store holds them: every matcher test runs on SQLite and on the
/// dictionary store, which share nothing but the store protocols.
final class Fixture {
    let dir: URL
    let memory: any MemoryStore
    let matcher: Matcher

    init(_ pairs: [(String, String)] = Fixture.pairs, drafts: [UnitDraft] = [], _ kind: StoreKind = .sqlite) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-match-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        memory = try kind.make(in: dir)
        try memory.add(pairs.map { UnitDraft(source: $0.0, target: $0.1) } + drafts)
        matcher = Matcher(store: memory)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    static let pairs: [(String, String)] = [
        ("أجرى الرئيس الروسي فلاديمير بوتين اتصالاً مرئياً مع نظيره الصيني.",
         "Russian President Vladimir Putin held a video call with his Chinese counterpart."),
        ("ارتفع حجم التبادل التجاري بين البلدين بنسبة 25٪ في عام 2022.",
         "Trade between the two countries rose by 25% in 2022."),
        ("وأكد الكرملين أن المحادثات جرت في أجواء ودية.",
         "The Kremlin said the talks were held in a friendly atmosphere."),
        ("تراجعت أسعار النفط في الأسواق العالمية اليوم.",
         "Oil prices fell on world markets today."),
    ]
}

@Suite("Fuzzy matching")
struct MatcherTests {
    @Test(arguments: StoreKind.available) func identicalSentenceIsAnExactMatchOf100(_ kind: StoreKind) throws {
        let f = try Fixture(Fixture.pairs, kind)
        let m = try #require(try f.matcher.lookup("تراجعت أسعار النفط في الأسواق العالمية اليوم.").first)
        #expect(m.score == 100)
        #expect(m.kind == .exact)
        #expect(m.band == .exact)
        #expect(m.breakdown.penalties.isEmpty)
    }

    /// The desk's own translation and a bulk import's of the same source: a filter chooses, an
    /// origin penalty ranks, and each match says where it came from.
    @Test(arguments: StoreKind.available) func provenanceFiltersAndOriginPenaltiesDecideWhatIsOffered(_ kind: StoreKind) throws {
        let source = "تراجعت أسعار النفط في الأسواق العالمية اليوم."
        let f = try Fixture([], drafts: [
            UnitDraft(source: source, target: "Oil prices slid on world markets today.", origin: "bulk.tmx", createdBy: "import"),
            UnitDraft(source: source, target: "Oil prices fell on global markets today.", origin: "desk", createdBy: "hala"),
        ], kind)
        let both = try f.matcher.lookup(source)
        #expect(both.count == 2)
        let desk = try f.matcher.lookup(source, options: MatchOptions(filter: UnitFilter(authors: ["hala"])))
        #expect(desk.map(\.target) == ["Oil prices fell on global markets today."])
        #expect(desk.first?.author == "hala" && desk.first?.origin == "desk")
        #expect(try f.matcher.lookup(source, options: MatchOptions(filter: UnitFilter(origins: ["bulk*"]))).map(\.origin) == ["bulk.tmx"])
        #expect(try f.matcher.lookup(source, options: MatchOptions(filter: UnitFilter(since: Date().addingTimeInterval(3_600)))).isEmpty)
        let ranked = try f.matcher.lookup(source, options: MatchOptions(originPenalties: [("bulk*", 5)]))
        #expect(ranked.map(\.origin) == ["desk", "bulk.tmx"])
        #expect(ranked.last?.breakdown.penalties.contains { $0.reason == .origin && $0.points == 5 } == true)
        #expect(try Concordance(store: f.memory).search("النفط", side: .source, limit: 5, filter: UnitFilter(origins: ["desk"])).count == 1)
    }

    /// A changed number the target spells out or writes as a time is not substituted but
    /// warned about; a substituted number keeps the target's thousands commas.
    @Test(arguments: StoreKind.available) func aNumberTheTargetDoesNotWriteInDigitsGivesAWarning(_ kind: StoreKind) throws {
        let f = try Fixture([
            ("ارتفع عدد ضحايا الحادث إلى 19 شخصا.", "The death toll from the accident rose to nineteen."),
            ("شارك في المسيرة 3000 متظاهر يوم الجمعة.", "Some 3,000 protesters took part in the march on Friday."),
            ("يبدأ الاجتماع في الساعة 12 ظهرا.", "The meeting starts at 12.00."),
        ], kind)
        let spelled = try #require(try f.matcher.lookup("ارتفع عدد ضحايا الحادث إلى 20 شخصا.").first)
        #expect(spelled.target == "The death toll from the accident rose to nineteen.")
        #expect(spelled.warnings.count == 1)
        #expect(spelled.warnings.first?.contains("spells it 'nineteen'") == true)
        let time = try #require(try f.matcher.lookup("يبدأ الاجتماع في الساعة 13 ظهرا.").first)
        #expect(time.warnings.first?.contains("'12.00'") == true)
        let grouped = try #require(try f.matcher.lookup("شارك في المسيرة 4500 متظاهر يوم الجمعة.").first)
        #expect(grouped.target == "Some 4,500 protesters took part in the march on Friday.")
        #expect(grouped.warnings.isEmpty)
        #expect(NumberCheck.spelled("twenty-five or a hundred, three hundred and six").map(\.value) == [25, 100, 306])
        let words = try Fixture([("تستمر الزيارة ثلاثة أيام في موسكو.", "The visit lasts three days in Moscow.")], kind)
        let changed = try #require(try words.matcher.lookup("تستمر الزيارة أربعة أيام في موسكو.").first)
        #expect(changed.warnings == ["number ثلاثة → أربعة not changed in the target: it writes 'three'; correct it by hand"])
    }

    @Test(arguments: StoreKind.available) func voweledCopyScores100BeforeAOnePointDiacriticsPenalty(_ kind: StoreKind) throws {
        let f = try Fixture(Fixture.pairs, kind)
        let m = try #require(try f.matcher.lookup("تَرَاجَعَتْ أسعارُ النفطِ في الأسواقِ العالميةِ اليومَ.").first)
        #expect(m.breakdown.characterScore == 100)
        #expect(m.breakdown.penalties.map(\.reason) == [.diacritics])
        #expect(m.score == 99)
    }

    @Test(arguments: StoreKind.available) func alefFormsAndArabicIndicDigitsAreFoldedInsideTheScore(_ kind: StoreKind) throws {
        let f = try Fixture(Fixture.pairs, kind)
        let m = try #require(try f.matcher.lookup("ارتفع حجم التبادل التجاري بين البلدين بنسبة ٢٥٪ في عام ٢٠٢٢.").first)
        #expect(m.breakdown.characterScore == 100)
        #expect(m.breakdown.penalties.map(\.reason) == [.digitForms])
        let alef = try #require(try f.matcher.lookup("اجرى الرئيس الروسي فلاديمير بوتين اتصالا مرئيا مع نظيره الصيني.").first)
        #expect(alef.breakdown.characterScore == 100)
        #expect(alef.breakdown.penalties.map(\.reason).contains(.letterForms))
    }

    @Test(arguments: StoreKind.available) func changedNumbersAreSubstitutedIntoTheTarget(_ kind: StoreKind) throws {
        let f = try Fixture(Fixture.pairs, kind)
        let m = try #require(try f.matcher.lookup("ارتفع حجم التبادل التجاري بين البلدين بنسبة 30٪ في عام 2023.").first)
        #expect(m.target == "Trade between the two countries rose by 30% in 2023.")
        #expect(m.storedTarget == "Trade between the two countries rose by 25% in 2022.")
        #expect(m.breakdown.substitutions.map(\.written) == ["30%", "2023"])
        #expect(m.breakdown.characterScore == 100)
        #expect(m.score == 98)
        #expect(m.kind == .fuzzy)
    }

    @Test(arguments: StoreKind.available) func aProcliticCostsLessThanAWord(_ kind: StoreKind) throws {
        let f = try Fixture(Fixture.pairs, kind)
        let clitic = try #require(try f.matcher.lookup("وتراجعت أسعار النفط في الأسواق العالمية اليوم.").first)
        let word = try #require(try f.matcher.lookup("ارتفعت أسعار النفط في الأسواق العالمية اليوم.").first)
        #expect(clitic.score > word.score)
        #expect(clitic.score >= 95)
    }

    @Test(arguments: StoreKind.available) func aChangedWordGivesAFuzzyMatchWithTheWordMarked(_ kind: StoreKind) throws {
        let f = try Fixture(Fixture.pairs, kind)
        let m = try #require(try f.matcher.lookup("تراجعت أسعار الذهب في الأسواق العالمية اليوم.").first)
        #expect(m.kind == .fuzzy)
        #expect((75...94).contains(m.score))
        #expect(m.diff.contains { $0.op == .substitute && $0.stored == "نفط" && $0.query == "ذهب" })
    }

    @Test(arguments: StoreKind.available) func unrelatedSentenceFindsNothingAboveTheMinimum(_ kind: StoreKind) throws {
        let f = try Fixture(Fixture.pairs, kind)
        #expect(try f.matcher.lookup("سجلت درجات الحرارة انخفاضا كبيرا في العاصمة.", options: MatchOptions(minimum: 50)).isEmpty)
    }

    @Test(arguments: StoreKind.available) func sameNeighbourMakesAContextMatchOf101(_ kind: StoreKind) throws {
        let f = try Fixture([], drafts: [UnitDraft(source: "وأكد الكرملين أن المحادثات جرت في أجواء ودية.",
                                                   target: "The Kremlin said the talks were friendly.",
                                                   previousSource: "أجرى الرئيس اتصالا.")], kind)
        let m = try #require(try f.matcher.lookup("وأكد الكرملين أن المحادثات جرت في أجواء ودية.",
                                                  context: MatchContext(previousSource: "أجرى الرئيس اتصالا.")).first)
        #expect(m.score == 101)
        #expect(m.kind == .context)
        #expect(m.band == .context)
    }

    @Test(arguments: StoreKind.available) func severalTranslationsOfOneSourceCostAPoint(_ kind: StoreKind) throws {
        let f = try Fixture([("تراجعت أسعار النفط.", "Oil prices fell."), ("تراجعت أسعار النفط.", "Oil prices dropped.")], kind)
        let matches = try f.matcher.lookup("تراجعت أسعار النفط.")
        #expect(matches.count == 2)
        #expect(matches.allSatisfy { $0.score == 99 && $0.breakdown.penalties.map(\.reason) == [.multipleTranslations] })
    }

    @Test(arguments: StoreKind.available) func lowAlignmentConfidenceCostsPoints(_ kind: StoreKind) throws {
        let f = try Fixture([], drafts: [UnitDraft(source: "تراجعت أسعار النفط.", target: "Oil prices fell.", confidence: 0.4)], kind)
        let m = try #require(try f.matcher.lookup("تراجعت أسعار النفط.").first)
        #expect(m.score == 97)
        #expect(m.breakdown.penalties.map(\.reason) == [.lowConfidence])
    }

    @Test(arguments: StoreKind.available) func deletedUnitsAreNoLongerOffered(_ kind: StoreKind) throws {
        let f = try Fixture(Fixture.pairs, kind)
        let m = try #require(try f.matcher.lookup("تراجعت أسعار الذهب في الأسواق العالمية اليوم.").first)
        try f.memory.deleteUnit(id: m.unitID)
        #expect(try f.matcher.lookup("تراجعت أسعار الذهب في الأسواق العالمية اليوم.").isEmpty)
    }

    /// A long-running matcher (a server's) caches term frequencies and the unit count; a write
    /// raises the store's generation, so the next lookup sees the new units at once.
    @Test(arguments: StoreKind.available) func aMatcherMadeBeforeAnImportFindsTheImportedUnits(_ kind: StoreKind) throws {
        let f = try Fixture(Fixture.pairs, kind)
        let query = "وصل وفد من رجال الأعمال الصينيين إلى موسكو لبحث صفقات الطاقة."
        #expect(try f.matcher.lookup(query).isEmpty)
        let before = try f.memory.generation()
        let tsv = f.dir.appendingPathComponent("new.tsv")
        try ("وصل وفد من رجال الأعمال الصينيين إلى موسكو لبحث صفقات الغاز.\tA delegation of Chinese businessmen arrived in Moscow to discuss gas deals.\n"
             + "ارتفعت أسعار النفط في الأسواق العالمية اليوم.\tOil prices rose on world markets today.\n").write(to: tsv, atomically: true, encoding: .utf8)
        let report = try f.memory.importTSV(path: tsv.path)
        #expect(report.added == 2)
        #expect(try f.memory.generation() != before)
        let m = try #require(try f.matcher.lookup(query).first)
        #expect(m.storedTarget == "A delegation of Chinese businessmen arrived in Moscow to discuss gas deals.")
        #expect(m.score >= 85)
    }

    /// A write that adds nothing (only duplicates) leaves the generation, so caches stay warm.
    @Test(arguments: StoreKind.available) func aWriteOfDuplicatesOnlyKeepsTheGeneration(_ kind: StoreKind) throws {
        let f = try Fixture(Fixture.pairs, kind)
        let before = try f.memory.generation()
        let summary = try f.memory.add(Fixture.pairs.prefix(2).map { UnitDraft(source: $0.0, target: $0.1) })
        #expect(summary == AddSummary(added: 0, duplicates: 2))
        #expect(try f.memory.generation() == before)
    }
}

@Suite("Match pieces")
struct MatchPieceTests {
    @Test func editDistanceCountsWeightedOperations() {
        var d = EditDistance()
        #expect(d.distance([1, 2, 3], [1, 3], weightsA: [1, 1, 1], weightsB: [1, 1]) == 1)
        #expect(d.distance([1, 2], [1, 2], weightsA: [1, 0.3], weightsB: [1, 0.3]) == 0)
        #expect(d.distance([1, 2], [1], weightsA: [1, 0.3], weightsB: [1]) == 0.3)
    }

    @Test func alignmentBacktraceNamesEachOperation() {
        let (d, ops) = EditDistance.align([1, 2, 3], [1, 4, 3, 5], weightsA: [1, 1, 1], weightsB: [1, 1, 1, 1])
        #expect(d == 2)
        #expect(ops.map(\.op) == [.equal, .substitute, .equal, .delete])
    }

    @Test func bandsFollowTheAnalysisConvention() {
        #expect(MatchBand(score: 101, kind: .context) == .context)
        #expect(MatchBand(score: 100, kind: .exact) == .exact)
        #expect(MatchBand(score: 99, kind: .exact) == .fuzzy95)
        #expect(MatchBand(score: 85, kind: .fuzzy) == .fuzzy85)
        #expect(MatchBand(score: 84, kind: .fuzzy) == .fuzzy75)
        #expect(MatchBand(score: 50, kind: .fuzzy) == .fuzzy50)
        #expect(MatchBand(score: 49, kind: .fuzzy) == .noMatch)
        #expect(MatchBand.context > MatchBand.fuzzy50)
    }

    @Test func indexTermsAreStemsWithoutProclitics() {
        let t = MatchTokens.terms("والصينُ وبكين ٢٥٪.")
        #expect(t.terms == "صين بكين 25")
        #expect(t.length == 3)
    }

    @Test func highlightFindsAVoweledPhraseFromAPlainQuery() {
        let pieces = Highlight.pieces(of: "زار الرَّئِيسُ بكين", phrase: "الرئيس")
        #expect(pieces.filter(\.hit).map(\.text) == ["الرَّئِيسُ"])
    }

    @Test(arguments: StoreKind.available) func concordanceFindsVoweledSourceAndCaseFoldedTarget(_ kind: StoreKind) throws {
        let f = try Fixture([("زار الرَّئِيسُ بكين.", "The President visited Beijing.")], kind)
        #expect(try Concordance(store: f.memory).search(SegmentKey.key("الرئيس"), side: .source, limit: 5).count == 1)
        #expect(try Concordance(store: f.memory).search("visited beijing", side: .target, limit: 5).count == 1)
    }
}
