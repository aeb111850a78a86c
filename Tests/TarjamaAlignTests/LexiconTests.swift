import Foundation
import Testing
@testable import TarjamaAlign

/// Pairs written for these tests: each Arabic content word meets its English word in several
/// contexts, so EM can tell it from the words around it.
let lexiconPairs: [(source: String, target: String)] = [
    ("الصين دولة كبيرة", "china is a big country"),
    ("روسيا دولة كبيرة", "russia is a big country"),
    ("الصين وروسيا جارتان", "china and russia are neighbours"),
    ("زار الرئيس الصين", "the president visited china"),
    ("زار الرئيس روسيا", "the president visited russia"),
    ("التجارة مع الصين", "trade with china"),
    ("التجارة مع روسيا", "trade with russia"),
    ("الرئيس في موسكو", "the president in moscow"),
    ("موسكو مدينة كبيرة", "moscow is a big city"),
    ("التجارة كبيرة", "trade is big"),
]

@Suite("Lexicon")
struct LexiconTests {
    @Test func emLearnsWordTranslationsFromPairs() {
        let (lexicon, report) = LexiconTrainer().train(lexiconPairs)
        #expect(report.pairs == lexiconPairs.count)
        func best(_ w: String) -> String? { lexicon.table[w]?.max { $0.value < $1.value }?.key }
        #expect(best("الصين") == "china")
        #expect(best("روسيا") == "russia")
        #expect(best("موسكو") == "moscow")
        #expect(best("التجاره") == "trade")   // keys are normalised: ة → ه
    }

    @Test func overlongPairsAreSkippedAndCounted() {
        let long = (String(repeating: "كلمة ", count: 90), String(repeating: "word ", count: 90))
        let (_, report) = LexiconTrainer().train(lexiconPairs + [long])
        #expect(report.skipped == 1)
    }

    @Test func aLexiconRaisesConfidenceOfTranslationsWithoutNamesOrNumbers() {
        // No anchors at all: only the lexicon can tell these pairs belong together.
        let ar = ["التجارة كبيرة", "الرئيس في المدينة"], en = ["trade is big", "the president in the city"]
        let (lexicon, _) = LexiconTrainer().train(lexiconPairs + [("المدينة جميلة", "the city is beautiful"), ("المدينة كبيرة", "the city is big")])
        let plain = Aligner().align(source: ar, target: en)
        let learned = Aligner(lexicon: lexicon).align(source: ar, target: en)
        #expect(shapes(learned) == ["[0]:[0]", "[1]:[1]"])
        #expect(learned.map(\.confidence).reduce(0, +) > plain.map(\.confidence).reduce(0, +))
    }

    @Test func aTextThatIsNotATranslationStaysLowWithALexicon() {
        let (lexicon, _) = LexiconTrainer().train(lexiconPairs)
        let beads = Aligner(lexicon: lexicon).align(source: arabic, target: unrelated)
        #expect(beads.map(\.confidence).reduce(0, +) / Double(beads.count) < 0.4)
    }
}
