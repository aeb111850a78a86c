import Testing
import TarjamaText
@testable import TarjamaMatch
@testable import TarjamaMemory

@Suite("Character score")
struct CharacterScoreTests {
    /// The cell-by-cell LCS the bit-parallel one must equal.
    static func lcs(_ a: [UInt16], _ b: [UInt16]) -> Int {
        var prev = [Int](repeating: 0, count: b.count + 1), cur = prev
        for x in a {
            for j in 0..<b.count { cur[j + 1] = x == b[j] ? prev[j] + 1 : max(prev[j + 1], cur[j]) }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    @Test func bitParallelLCSEqualsTheTableOnShortAndMultiWordTexts() {
        var rng = SystemRandomNumberGenerator()
        // Arabic letters, Latin, space and a character above the dense table (U+FB50 block).
        let alphabet: [UInt16] = [0x627, 0x628, 0x62A, 0x644, 0x645, 0x646, 0x20, 0x61, 0x62, 0xFB50]
        for _ in 0..<300 {
            let a = (0..<Int.random(in: 0...150, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let b = (0..<Int.random(in: 0...150, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            var c = CharacterSimilarity(characters: a)
            #expect(c.lcs(b) == Self.lcs(a, b), "\(a.count)×\(b.count)")
        }
    }

    @Test func textJoinsProcliticsAndPunctuationWithoutSpaces() {
        let text = CharacterSimilarity.characters(MatchTokens.tokens("والصين، بكين."))
        #expect(String(decoding: text, as: UTF16.self) == "والصين, بكين.")
    }

    @Test func scoreIsZeroAtChanceAndHundredOnlyForIdenticalKeys() {
        #expect(Scorer.characterScore(ratio: 1) == 100)
        #expect(Scorer.characterScore(ratio: 0.9999) < 100)
        #expect(Scorer.characterScore(ratio: Scorer.chance) == 0)
        #expect(Scorer.characterScore(ratio: 0.1) == 0)
        #expect(abs(Scorer.ratio(forScore: 50) - 0.65) < 1e-9)
    }

    @Test func oneChangedWordReadsOnTheWordScale() {
        let query = "قال المتحدث باسم الوزارة إن الوفد سيصل إلى العاصمة صباح يوم الخميس المقبل لبحث الاتفاق."
        let stored = "قال المتحدث باسم الوزارة إن الوفد سيصل إلى العاصمة صباح يوم الجمعة المقبل لبحث الاتفاق."
        let b = Scorer(query: query).evaluate(stored: MatchTokens.tokens(stored), target: "x").breakdown
        #expect(abs(b.characterScore - b.wordScore) <= 6, "character \(b.characterScore), word \(b.wordScore)")
    }

    @Test func unrelatedSentencesOfOneLengthScoreFarBelowFifty() {
        let b = Scorer(query: "سجلت درجات الحرارة انخفاضا كبيرا في العاصمة هذا الأسبوع.")
            .evaluate(stored: MatchTokens.tokens("وقع الطرفان مذكرة تفاهم لتطوير التعاون في مجال الطاقة."), target: "x").breakdown
        #expect(b.characterScore < 35)
    }

    @Test func anInflectedFormOutranksADifferentWord() {
        let scorer = Scorer(query: "أريد أن أتعلم اللغة الفرنسية هذا العام.")
        let inflected = scorer.evaluate(stored: MatchTokens.tokens("أريد أن أتعلم اللغة الفارسية هذا العام."), target: "x").breakdown
        let other = scorer.evaluate(stored: MatchTokens.tokens("أريد أن أتعلم السباحة هذا العام."), target: "x").breakdown
        #expect(inflected.characterScore > other.characterScore)
    }

    @Test func ordinalsInTheTargetTakeTheNewNumberAndItsSuffix() {
        for (stored, query, before, after) in [("7360", "7368", "the 7360th meeting", "the 7368th meeting"),
                                               ("21", "22", "the 21st session", "the 22nd session"),
                                               ("3", "13", "its 3rd report", "its 13th report"),
                                               ("11", "1", "the 11th day", "the 1st day")] {
            var target = before
            var used = Set<Int>()
            let sub = Placeables.substitute(in: &target, used: &used, storedKey: stored, storedOriginal: stored,
                                            queryKey: query, queryOriginal: query)
            #expect(sub != nil)
            #expect(target == after)
        }
    }

    @Test func aChangedNumberIsAPlaceableInAnOrdinal() throws {
        let f = try Fixture([("افتتح المجلس البلدي دورته 7360 صباح اليوم", "The city council opened its 7360th session this morning")])
        let m = try #require(try f.matcher.lookup("افتتح المجلس البلدي دورته 7372 صباح اليوم").first)
        #expect(m.target == "The city council opened its 7372nd session this morning")
        #expect(m.breakdown.characterScore == 100)
        #expect(m.score == 99)
    }
}

@Suite("Concordance on the term index")
struct ConcordanceTests {
    @Test func aPhraseIsFoundAfterAProcliticAndMarkedInsideTheWord() throws {
        let f = try Fixture([("وقال والرئيسُ الروسي إن المحادثات جرت.", "And the Russian president said the talks took place."),
                             ("زار الرئيس الصيني موسكو.", "The Chinese president visited Moscow."),
                             ("قال الرئيسان إن الروسي حضر.", "The two presidents said the Russian attended.")])
        let found = try Concordance(store: f.memory).search("الرئيس الروسي", side: .source, limit: 5)
        #expect(found.map(\.target) == ["And the Russian president said the talks took place."])
        let marked = Highlight.pieces(of: found[0].source, phrase: "الرئيس الروسي").filter(\.hit).map(\.text)
        #expect(marked == ["الرئيسُ الروسي"])
    }

    @Test func aPhraseMustStartAndEndOnWordBoundaries() {
        #expect(Concordance.key("قال الرئيس الروسي", containsPhrase: "الرئيس"))
        #expect(Concordance.key("قال والرئيس.", containsPhrase: "الرئيس"))
        #expect(!Concordance.key("قال الرئيسان", containsPhrase: "الرئيس"))
        #expect(!Concordance.key("قال مالرئيس", containsPhrase: "الرئيس"))
        #expect(!Concordance.key("", containsPhrase: "الرئيس"))
    }
}

@Suite("Encoding differences")
struct EncodingPenaltyTests {
    @Test func sameTextInAnotherEncodingScores100WithAPenaltyShown() throws {
        let stored = "قالت إنها لا تعرف الجواب حق\u{0651}\u{064B}ا."   // shadda, then tanween
        let f = try Fixture([(stored, "She said she really does not know the answer.")])
        // Tanween before shadda, the لا ligature, and a right-to-left mark.
        let marks = "حق\u{0651}\u{064B}ا."
        for query in ["قالت إنها لا تعرف الجواب حق\u{064B}\u{0651}ا.", "قالت إنها \u{FEFB} تعرف الجواب " + marks,
                      "قالت\u{200F} إنها لا تعرف الجواب " + marks] {
            #expect(!query.utf8.elementsEqual(stored.utf8))
            let m = try #require(try f.matcher.lookup(query).first)
            #expect(m.breakdown.characterScore == 100)
            #expect(m.breakdown.penalties.map(\.reason) == [.encoding], "\(query)")
            #expect(m.score == 99)
        }
        let same = try #require(try f.matcher.lookup(stored).first)
        #expect(same.score == 100 && same.breakdown.penalties.isEmpty)
    }
}

@Suite("Quick score on stored bytes")
struct StoredQuickScoreTests {
    @Test func bytesGiveTheScoreTheDecodedTokensGive() throws {
        let texts = ["والصين، بكين.", "ارتفع حجم التبادل بنسبة ٢٥٪ في عام 2022.", "Putin met Xi in 𝐁eijing (2023)!",
                     "أجرى الرئيس الروسي فلاديمير بوتين اتصالاً مرئياً مع نظيره الصيني.", "", "، ؛ ؟"]
        for q in texts {
            let scorer = Scorer(query: q)
            for s in texts {
                let tokens = MatchTokens.tokens(s)
                let stored = try #require(StoredTokens(bytes: MatchTokens.encode(tokens)))
                #expect(stored.decode() == tokens)
                #expect(scorer.quickScore(stored) == scorer.quickScore(tokens), "\(q) / \(s)")
            }
        }
        #expect(StoredTokens(bytes: [0, 5, 0x61]) == nil)   // a key longer than the bytes left
    }
}

@Suite("Target concordance")
struct TargetConcordanceTests {
    @Test func wordsInOrderWhateverTheirCaseAccentsOrPunctuation() throws {
        let f = try Fixture([("عقد الرئيسان اتصالاً مرئياً.", "The presidents held a video-call."),
                             ("التقيا في المقهى.", "They met at the Café Riche."),
                             ("مكالمة بالفيديو.", "A call by video.")])
        #expect(try Concordance(store: f.memory).search("video call", side: .target, limit: 5).map(\.target) == ["The presidents held a video-call."])
        #expect(try Concordance(store: f.memory).search("cafe riche", side: .target, limit: 5).count == 1)
        #expect(try Concordance(store: f.memory).search("riche cafe", side: .target, limit: 5).isEmpty)
        #expect(try Concordance(store: f.memory).search("…", side: .target, limit: 5).isEmpty)
    }
}
