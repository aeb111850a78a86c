import Foundation
import Testing
@testable import TarjamaAlign

/// Short parallel sentences written for these tests: numbers and names make them easy to tell apart.
let arabic = [
    "وصل الرئيس بوتين إلى موسكو يوم الاثنين.",
    "وقال إن التجارة مع الصين ارتفعت بنسبة 25٪ في عام ٢٠٢٢.",
    "وأضاف أن شي جين بينغ سيزور روسيا في الربيع.",
    "ولم يعلق البيت الأبيض على الزيارة حتى الآن.",
    "ومن المقرر أن يلتقي الزعيمان في سمرقند في سبتمبر المقبل.",
]
let english = [
    "President Putin arrived in Moscow on Monday.",
    "He said trade with China rose by 25% in 2022.",
    "He added that Xi Jinping would visit Russia in the spring.",
    "The White House has not commented on the visit so far.",
    "The two leaders are due to meet in Samarkand next September.",
]

/// English sentences that translate none of `arabic`: a file that is not its translation.
let unrelated = [
    "Heavy rain flooded three villages in the north overnight.",
    "Farmers said the harvest would be late this year.",
    "The football season opens next week with twelve teams.",
    "Museum visitors can now buy tickets online.",
    "A new bridge over the river will take two years to build.",
]

func shapes(_ beads: [Bead]) -> [String] { beads.map(\.description) }

@Suite("Aligner beads")
struct AlignerBeadTests {
    @Test func parallelSentencesAlignOneToOne() {
        #expect(shapes(Aligner().align(source: arabic, target: english)) == ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]", "[4]:[4]"])
    }

    @Test func aSplitTranslationGivesAOneToTwoBead() {
        let en = [english[0], "He said trade with China rose.", "The rise was 25% in 2022.", english[2], english[3], english[4]]
        #expect(shapes(Aligner().align(source: arabic, target: en)).contains("[1]:[1, 2]"))
    }

    @Test func twoSourceSentencesJoinedGiveATwoToOneBead() {
        let en = [english[0], english[1] + " " + english[2], english[3], english[4]]
        #expect(shapes(Aligner().align(source: arabic, target: en)).contains("[1, 2]:[1]"))
    }

    @Test func anUntranslatedSourceSentenceGivesAOneToZeroBead() {
        let en = [english[0], english[1], english[3], english[4]]
        #expect(shapes(Aligner().align(source: arabic, target: en)).contains("[2]:[]"))
    }

    @Test func anAddedTargetSentenceGivesAZeroToOneBead() {
        let en = [english[0], english[1], "Markets were closed for a public holiday across the region.", english[2], english[3], english[4]]
        #expect(shapes(Aligner().align(source: arabic, target: en)).contains("[]:[2]"))
    }

    @Test func regroupedPairsGiveATwoToTwoBead() {
        let ar = [arabic[0], "وقال إن التجارة مع الصين ارتفعت بنسبة 25٪ في عام ٢٠٢٢، وأضاف أن شي جين بينغ", "سيزور روسيا في الربيع.", arabic[3], arabic[4]]
        let en = [english[0], "He said trade with China rose by 25% in 2022.", "He added that Xi Jinping would visit Russia in the spring.", english[3], english[4]]
        let beads = shapes(Aligner().align(source: ar, target: en))
        #expect(beads.contains("[1, 2]:[1, 2]"))
    }

    @Test func aLongSourceSentenceSplitInThreeGivesAOneToThreeBead() {
        let ar = [arabic[0], arabic[1] + " " + arabic[2] + " " + arabic[3], arabic[4]]
        #expect(shapes(Aligner().align(source: ar, target: english)).contains("[1]:[1, 2, 3]"))
    }

    @Test func emptyDocumentsGiveNoBeads() {
        #expect(Aligner().align(source: [], target: []).isEmpty)
    }

    @Test func aOneSidedDocumentGivesOnlyNullBeads() {
        #expect(shapes(Aligner().align(source: arabic, target: [])) == ["[0]:[]", "[1]:[]", "[2]:[]", "[3]:[]", "[4]:[]"])
        #expect(shapes(Aligner().align(source: [], target: ["One."])) == ["[]:[0]"])
    }
}

@Suite("Aligner confidence")
struct AlignerConfidenceTests {
    @Test func translationsGetHighConfidence() {
        let beads = Aligner().align(source: arabic, target: english)
        #expect(beads.allSatisfy { $0.confidence > 0.6 })
    }

    @Test func aTextThatIsNotATranslationGetsLowConfidence() {
        let beads = Aligner().align(source: arabic, target: unrelated)
        let mean = beads.map(\.confidence).reduce(0, +) / Double(beads.count)
        #expect(mean < 0.4)
    }

    @Test func unalignedBeadsGetLowConfidence() {
        let beads = Aligner().align(source: arabic, target: Array(english.prefix(4)))
        #expect(beads.filter { $0.target.isEmpty }.allSatisfy { $0.confidence < 0.5 })
    }
}

@Suite("Alignment pieces")
struct AlignmentPieceTests {
    @Test func lengthCostIsLowestAtTheExpectedRatio() {
        let m = LengthModel.arabicEnglish
        #expect(m.cost(source: 100, target: 118) < m.cost(source: 100, target: 80))
        #expect(m.cost(source: 100, target: 118) < 0.05)
    }

    @Test func namesShareASkeletonAcrossScripts() {
        let s = NameSkeleton()
        #expect(s.arabic("بوتين") == s.english("putin"))
        #expect(s.arabic("موسكو") == s.english("moscow"))
        #expect(s.arabic("سمرقند") == s.english("samarkand"))
    }

    @Test func numbersAreCanonicalAcrossDigitForms() {
        #expect(FeatureExtractor.canonicalNumber("٢٠٢٢") == "2022")
        #expect(FeatureExtractor.canonicalNumber("25٪") == "25")
        #expect(FeatureExtractor.canonicalNumber("1,000") == "1000")
        #expect(FeatureExtractor.canonicalNumber("٣٫٥") == "3.5")
    }

    @Test func quotedSpeechIsToldFromAQuotedTerm() {
        #expect(FeatureExtractor.quotesSpeech("وقال إن \"العلاقات بين البلدين في أفضل حالاتها\" الآن."))
        #expect(FeatureExtractor.quotesSpeech("He said “relations are at their best” on Monday."))
        #expect(FeatureExtractor.quotesSpeech("« Nous sommes prêts à discuter », a-t-il dit."))
        // A quote that runs on into the next sentence has one mark here.
        #expect(FeatureExtractor.quotesSpeech("\"We will go on working together."))
        // A quoted term may lose its marks in translation; an apostrophe is no mark.
        #expect(!FeatureExtractor.quotesSpeech("بقي عشاق \"فنون القتال المختلطة\" مستيقظين."))
        #expect(!FeatureExtractor.quotesSpeech("Russia's president spoke to China's leader."))
    }

    @Test func theLexiconIsReadBothWays() {
        let scorer = LexiconScorer(options: [1: [10, 11], 2: [11], 3: [12]])
        #expect(scorer.known([4, 2, 1, 2]) == [1, 2])
        #expect(scorer.origins(of: [11]) == [1, 2])
        #expect(scorer.origins(of: [10, 12, 13]) == [1, 3])
        #expect(scorer.translations(of: [1, 2]) == [10, 11])
    }

    @Test func sortedListsMergeIntoOneSortedList() {
        #expect(mergedUnique([1, 4, 9], [2, 4, 10, 11]) == [1, 2, 4, 9, 10, 11])
        #expect(mergedUnique([], [3]) == [3])
        #expect(mergedUnique([5, 6], []) == [5, 6])
    }

    @Test func goldLinesParseAndPrint() {
        #expect(Bead(goldLine: "[3]:[3, 4]")?.description == "[3]:[3, 4]")
        #expect(Bead(goldLine: "[]:[2]")?.source == [])
        #expect(Bead(goldLine: "3:4") == nil)
    }

}

@Suite("The seed article")
struct SeedArticleAlignmentTests {
    /// The scraped seed and our English: every bead one-to-one except the Arabic sentence broken
    /// at "مع دولة. زيارة القاهرة", which pairs two Arabic segments with one English sentence.
    @Test func theScrapedSeedAlignsWithOurEnglishThroughItsOddSpots() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let ar = try String(contentsOf: root.appendingPathComponent("Samples/putin-xi/ar.txt"), encoding: .utf8)
        let en = try String(contentsOf: root.appendingPathComponent("Samples/putin-xi/en.txt"), encoding: .utf8)
        let doc = try DocumentAligner().align(sourceText: ar, targetText: en)
        let pairs = doc.beads.map { bead in
            (bead.source.map { doc.source[$0].text }.joined(separator: " "), bead.target.map { doc.target[$0].text }.joined(separator: " "))
        }
        #expect(doc.beads.filter { $0.type != BeadType(1, 1) }.map(\.description).count == 1)
        let broken = try #require(pairs.first { $0.0.hasPrefix("نحن في انتظارك الربيع المقبل مع دولة.") })
        #expect(broken.0.hasSuffix("زيارة القاهرة “."))
        #expect(broken.1 == "We expect you next spring on a state visit to Cairo.\"")
        let spaced = try #require(pairs.first { $0.0.hasPrefix("أكد الرئيس الروسي فلاديمير بوتين ، الجمعة ،") })
        #expect(spaced.1.hasPrefix("Russian President Vladimir Putin stressed on Friday"))
        #expect(doc.beads.allSatisfy { !$0.source.isEmpty && !$0.target.isEmpty })
    }
}

@Suite("Batch alignment and fitted priors")
struct BatchAlignmentTests {
    /// Documents made of our test sentences, some with a sentence left out or added.
    static let documents: [(source: [String], target: [String])] = [
        (arabic, english),
        (arabic, [english[0], english[1], english[3], english[4]]),
        (Array(arabic[1...]), Array(english[1...]) + [unrelated[0]]),
        ([arabic[4], arabic[0]], [english[4], english[0]]),
    ]

    @Test func aBatchGivesEveryDocumentBeadsCoveringEachSentenceOnceInOrder() {
        let beads = Aligner().align(batch: Self.documents)
        #expect(beads.count == Self.documents.count)
        for (doc, path) in zip(Self.documents, beads) {
            #expect(path.flatMap(\.source) == Array(doc.source.indices))
            #expect(path.flatMap(\.target) == Array(doc.target.indices))
        }
        #expect(shapes(beads[0]) == ["[0]:[0]", "[1]:[1]", "[2]:[2]", "[3]:[3]", "[4]:[4]"])
        #expect(shapes(beads[1]).contains("[2]:[]"))
    }

    @Test func oneDocumentAlignsAsItDoesAlone() {
        let doc = Self.documents[1]
        #expect(Aligner().align(batch: [doc]) == [Aligner().align(source: doc.source, target: doc.target)])
    }

    /// Gaps a first pass finds raise their prior (a first pass understates them); merges only
    /// fall; a run of gaps counts once.
    @Test func fittedPriorsLetGapsRiseAndMergesOnlyFall() {
        func bead(_ s: [Int], _ t: [Int]) -> Bead { Bead(source: s, target: t) }
        let base = BeadType.searched
        func prior(_ priors: [(type: BeadType, prior: Double)], _ a: Int, _ b: Int) -> Double {
            priors.first { $0.type == BeadType(a, b) }!.prior
        }
        // One path in ten beads a 1-0, and many 2-1 merges.
        var path: [Bead] = []
        for k in 0..<200 {
            path.append(k % 10 == 0 ? bead([k], []) : k % 3 == 0 ? bead([k, k], [k]) : bead([k], [k]))
        }
        let fitted = DocumentFit.priors([path], base: base)
        #expect(prior(fitted, 1, 0) > prior(base, 1, 0) * 3)
        #expect(prior(fitted, 2, 1) <= prior(base, 2, 1))
        #expect(prior(fitted, 0, 1) < prior(base, 0, 1))
        // Forty unaligned sentences in one run are one gap, not forty.
        let run = (0..<40).map { bead([$0], []) } + (40..<200).map { bead([$0], [$0]) }
        #expect(prior(DocumentFit.priors([run], base: base), 1, 0) < 0.02)
    }

    /// A second search on a long, nearly line-parallel document searches again only near the
    /// beads that are not one-to-one.
    @Test func aSecondSearchKeepsLongOneToOneStretches() {
        var path = (0..<100).map { Bead(source: [$0], target: [$0]) }
        path[50] = Bead(source: [50], target: [50, 51])
        path = path.enumerated().map { k, b in k > 50 ? Bead(source: b.source, target: b.target.map { $0 + 1 }) : b }
        let pinned = Corridor.pinnedRows(path, n: 100, radius: 10)
        #expect(pinned.count == 101)
        #expect(pinned[20] && pinned[80])
        #expect(!pinned[45] && !pinned[50] && !pinned[55] && !pinned[0] && !pinned[100])
        let corridor = Corridor.around(path, n: 100, m: 101, margin: 3, pinned: pinned)
        #expect(corridor.hi[20] - corridor.lo[20] <= 2)
        #expect(corridor.hi[50] - corridor.lo[50] >= 6)
        #expect(!corridor.touches(20, corridor.lo[20], m: 101))
        // A path with many merges is searched whole.
        let merged = (0..<20).map { k in k % 4 == 0 ? Bead(source: [k], target: []) : Bead(source: [k], target: [k]) }
        #expect(Corridor.pinnedRows(merged, n: 20, radius: 10).isEmpty)
    }
}
