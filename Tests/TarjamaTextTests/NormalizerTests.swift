import Testing
import TarjamaText

@Suite("Normalizer steps")
struct NormalizerTests {
    func only(_ step: Normalizer.Step, _ text: String) -> String {
        Normalizer(steps: [step]).normalize(text)
    }

    @Test func nfkcTurnsPresentationFormsIntoLetters() { #expect(only(.nfkc, "ﻻ") == "لا") }
    @Test func removesTashkeel() { #expect(only(.removeTashkeel, "مُحَمَّدٌ") == "محمد") }
    @Test func removesSuperscriptAlef() { #expect(only(.removeTashkeel, "هٰذا") == "هذا") }
    @Test func removesTatweel() { #expect(only(.removeTatweel, "الســلام") == "السلام") }
    @Test func removesBidiAndZeroWidth() { #expect(only(.removeInvisible, "\u{200F}سلام\u{200C}\u{202B}") == "سلام") }
    @Test func foldsAlefForms() { #expect(only(.foldAlef, "أإآٱ") == "اااا") }
    @Test func foldsAlefMaqsura() { #expect(only(.foldYa, "على") == "علي") }
    @Test func foldsTaMarbuta() { #expect(only(.foldTaMarbuta, "مدرسة") == "مدرسه") }
    @Test func foldsHamzaCarriersOnlyWhenAsked() {
        #expect(only(.foldHamzaCarriers, "مؤتمر رئيس") == "موتمر رييس")
        #expect(Normalizer.matchingKey.normalize("مؤتمر") == "مؤتمر")
    }
    @Test func foldsArabicIndicDigits() { #expect(only(.foldDigits, "٢٠٢٢ ۱۲") == "2022 12") }
    @Test func foldsPercentAndDecimalSeparator() { #expect(only(.foldDigits, "٣٫٥٪") == "3.5%") }
    @Test func unifiesQuotesAndArabicPunctuation() { #expect(only(.foldPunctuation, "«نعم»، “لا”؛ لماذا؟") == "\"نعم\", \"لا\"; لماذا?") }
    @Test func caseFoldsEnglish() { #expect(only(.foldCase, "Putin SAID") == "putin said") }
    @Test func collapsesWhitespace() { #expect(only(.collapseWhitespace, "  a \t\n b  ") == "a b") }

    @Test func matchingKeyChainsEverySafeStep() {
        #expect(Normalizer.matchingKey.normalize("  أَعلنَ   الرئيسُ ٢٥٪ ") == "اعلن الرئيس 25%")
    }

    @Test func reportsWhichStepsChangedSomething() {
        let (_, changed) = Normalizer.matchingKey.normalizeReporting("مُحَمَّد ٢")
        #expect(changed == [.removeTashkeel, .foldDigits])
    }

    @Test func plainTextReportsNoChange() {
        #expect(Normalizer.matchingKey.normalizeReporting("محمد").changed.isEmpty)
    }
}

@Suite("Tokenizer")
struct TokenizerTests {
    @Test func splitsWordsNumbersAndPunctuation() {
        let tokens = Tokenizer().tokenize("ارتفع 25٪، أي 2.5 مليار!")
        #expect(tokens.map(\.text) == ["ارتفع", "25٪", "،", "أي", "2.5", "مليار", "!"])
        #expect(tokens.map(\.kind) == [.word, .number, .punctuation, .word, .number, .word, .punctuation])
    }

    @Test func keepsArabicDecimalsAndTimesWhole() {
        #expect(Tokenizer().tokenize("٣٫٥ 10:30 ٢٠٢٢").map(\.text) == ["٣٫٥", "10:30", "٢٠٢٢"])
    }

    @Test func keepsEnglishApostrophesInsideWords() {
        #expect(Tokenizer().tokenize("Xi's visit, don't").map(\.text) == ["Xi's", "visit", ",", "don't"])
    }

    @Test func splitsConjunctionAndArticle() {
        #expect(Tokenizer(splitProclitics: true).tokenize("والصين").map(\.description) == ["و+", "ال+", "صين"])
    }

    @Test func splitsLamLamIntoPrepositionAndArticle() {
        #expect(Tokenizer(splitProclitics: true).tokenize("للصين").map(\.description) == ["ل+", "ال+", "صين"])
    }

    @Test func splitsPrepositionOnlyBeforeTheArticle() {
        let t = Tokenizer(splitProclitics: true)
        #expect(t.tokenize("بالتعاون").map(\.description) == ["ب+", "ال+", "تعاون"])
        #expect(t.tokenize("بين").map(\.description) == ["بين"])
    }

    @Test func leavesShortWordsWhole() {
        #expect(Tokenizer(splitProclitics: true).tokenize("وقت").map(\.description) == ["وقت"])
    }

    @Test func rangesPointIntoTheText() {
        let text = "قال بوتين"
        let bytes = Array(text.utf8)
        for token in Tokenizer().tokenize(text) {
            #expect(String(decoding: bytes[token.range], as: UTF8.self) == token.text)
        }
    }
}

@Suite("Stored match tokens")
struct StoredMatchTokenTests {
    @Test func encodedTokensDecodeToTheSameTokens() {
        for text in ["وَالصِّينُ ارتفعت ٢٥٪ في «عام» 2022.", "The U.S. rose, \"quickly\".", "", String(repeating: "كلمة", count: 80)] {
            let tokens = MatchTokens.tokens(text)
            let decoded = MatchTokens.encode(tokens).withUnsafeBytes { MatchTokens.decode($0) }
            #expect(decoded == tokens, "\(text)")
        }
    }

    /// Text past the packed alphabet (accents, CJK, emoji) is escaped; keys of 15 packed bytes
    /// or more and originals of 255 or more take a length of their own.
    @Test func everyScriptAndLengthRoundTrips() {
        let long = String(repeating: "ب", count: 300)
        for text in ["Café naïve 東京 🙂 ﷲ", "استراتيجياتهمالاقتصاديةوالسياسية", "مُسْتَشْفَيَاتٌ" + long, "ﻻ ١٢٣ ۴۵۶ ٪"] {
            let tokens = MatchTokens.tokens(text)
            let stored = MatchTokens.storedForm(text).tokens
            #expect(stored == MatchTokens.encode(tokens), "\(text)")
            #expect(stored.withUnsafeBytes { MatchTokens.decode($0) } == tokens, "\(text)")
        }
    }

    @Test func arabicLettersAndMarksTakeOneByteEach() {
        let word = "مُسْتَشْفَيَاتٌ"   // 8 letters and 7 marks: 30 bytes of UTF-8
        #expect(MatchTokens.storedForm(word).tokens.count == 1 + 1 + 15 + 8)   // head, original length, original, key
    }

    @Test func aFormCutShortIsRejected() {
        let stored = MatchTokens.storedForm("وصل الوفد إلى موسكو.").tokens
        for n in [1, 3, stored.count - 1] {
            #expect(Array(stored.prefix(n)).withUnsafeBytes { MatchTokens.decode($0) } == nil)
        }
    }
}
