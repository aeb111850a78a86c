/// What the text looks like around a candidate sentence boundary.
///
/// A candidate sits after a terminator, its closing quotes and the following spaces:
/// in `قال د. أحمد`, `mark` is `.`, `wordBefore` is `د`, `nextWord` is `أحمد`.
public struct BoundaryContext: Sendable {
    /// The terminator cluster before the boundary (`.`, `؟!`, `...`, `…`), empty when ICU broke
    /// somewhere else.
    public var mark: String
    /// The token before the mark, without opening quotes (`د`, `أ.د`, `U.S`, `2.5`).
    public var wordBefore: String
    /// The token before `wordBefore` (`1990` in `عام 1990 م.`), empty at the paragraph start.
    public var previousWord: String = ""
    /// True when only `wordBefore` and the mark stand between the paragraph start and here.
    public var atParagraphStart: Bool
    /// True when a sentence ended just before `wordBefore` (`… النار. ٢.`): a list label there
    /// labels the next item.
    public var afterSentenceEnd: Bool = false
    /// Closing quotes or brackets after the mark.
    public var hasClosers: Bool
    /// Whitespace between the mark (or closers) and the next text.
    public var hasSpace: Bool
    /// The first scalar after the boundary, and the first after any opening quotes.
    public var next: Unicode.Scalar?
    public var nextAfterOpeners: Unicode.Scalar?
    /// The next word after opening quotes, as written.
    public var nextWord: String
    /// Whether ICU's sentence iterator breaks here.
    public var icuBreaks: Bool
    /// True when the text after the boundary starts with a credit label (`Image:`, `صورة:`).
    public var nextIsCreditLabel: Bool = false
    /// For the last candidate of a paragraph: the words after it, and whether they end with a
    /// terminator (a short unpunctuated tail is an attribution, not a sentence).
    public var isLastInParagraph: Bool = false
    public var restWordCount: Int = 0
    public var restEndsWithTerminal: Bool = true
    /// The tail's last scalar (a comma or colon there means a lead-in to a quote, not an attribution).
    public var restLast: Unicode.Scalar?
    /// True when the text before ends with a full date and the next word is capitalised
    /// (`Thursday, May 7, 2015 On Tuesday, …`): a dateline glued to the first sentence.
    public var afterFullDate: Bool = false

    public var nextStartsWithOpener: Bool { next.map(CharClass.isOpener) ?? false }
    public var isEllipsis: Bool { mark.hasPrefix("...") || mark.contains("…") }
    public var isQuestionOrExclamation: Bool {
        mark.contains("?") || mark.contains("؟") || mark.contains("!")
    }
    public var isPeriod: Bool { mark == "." }
}

/// A break or no-break rule, as in SRX: the first rule whose condition holds decides;
/// when none does, ICU's decision stands.
public struct BoundaryRule: Sendable {
    public let name: String
    public let breaks: Bool
    public let condition: @Sendable (BoundaryContext) -> Bool

    public static func noBreak(_ name: String, _ condition: @escaping @Sendable (BoundaryContext) -> Bool) -> BoundaryRule {
        BoundaryRule(name: name, breaks: false, condition: condition)
    }

    public static func `break`(_ name: String, _ condition: @escaping @Sendable (BoundaryContext) -> Bool) -> BoundaryRule {
        BoundaryRule(name: name, breaks: true, condition: condition)
    }
}

/// The rule lists per language. Add a rule here and a one-line test in `SegmenterTests`.
public struct SegmentationRules: Sendable {
    public let language: Language
    /// The ICU locale whose sentence iterator supplies candidates (`en@ss=standard` turns on
    /// ICU's own English abbreviation suppressions).
    public let icuLocale: String
    /// Scalars that can end a sentence; candidates are also taken after them.
    public let terminators: Set<Unicode.Scalar>
    /// Labels that start a new piece even without punctuation before them: photo credits glued
    /// to captions by scraping (`Playstation VR demo Image: Nick Moreau.`).
    public let creditLabels: [String]
    public let rules: [BoundaryRule]

    public static func `for`(_ language: Language) -> SegmentationRules {
        switch language {
        case .ar: return .arabic
        case .en: return .english
        }
    }

    // MARK: Arabic

    /// Abbreviations written with a final dot: titles (د. = doctor, أ.د. = professor, م. = engineer),
    /// era markers (هـ. م. ق.م.), ص.ب. (P.O. box), إلخ. (etc.). Single letters are initials.
    public static let arabicAbbreviations: Set<String> = keySet([
        "د", "أ.د", "ا.د", "م", "هـ", "ه", "ق.م", "ص.ب", "إلخ", "الخ", "ت", "ج", "ص", "س", "ش.م.م", "م.م",
        "ق.ه", "مج", "ط", "تح", "ع", "ن", "ك", "ر", "ل", "ف", "ب",
    ])

    /// Words that clearly start an Arabic news sentence (reporting verbs with و, discourse openers).
    /// After an abbreviation or an ellipsis only these make a break: names after `د.` never do.
    public static let arabicSentenceOpeners: Set<String> = keySet([
        "وقال", "وقالت", "وأضاف", "وأضافت", "وأكد", "وأكدت", "وأشار", "وأشارت", "وأوضح", "وأوضحت", "وتابع",
        "وتابعت", "وذكر", "وذكرت", "وكان", "وكانت", "ويأتي", "وتأتي", "وجاء", "وقد", "ولفت", "ولفتت", "ونقل",
        "ونقلت", "وأعلن", "وأعلنت", "وشدد", "وشددت", "ودعا", "ودعت", "ويذكر", "يذكر", "ويرى", "وترى", "وتشير",
        "ويشير", "وبحسب", "ووفقا", "وفي", "ومن", "كما", "لكن", "ولكن", "غير", "ثم", "وفيما", "وبينما", "وأفاد",
        "وأفادت", "وبدوره", "وبدورها", "يشار", "ويشار", "وهذا", "وهذه", "هذا", "هذه", "ولم", "وتم",
        "ويعد", "وتعد", "وتعتبر", "ويعتبر", "وأظهرت", "ويقول", "وتقول", "وأردف", "واختتم", "وأعرب", "وأعربت",
        "ومنذ", "وخلال", "وبعد", "وقبل", "وكذلك", "أما", "وأما", "فقد", "وتوقع", "ويتوقع", "وتجدر", "وسبق",
        "ويعتقد", "ووصف", "واعتبر", "وأجرى", "وبحث", "وتناول", "وجرى", "ورأى", "وتأتي", "وعلى", "وإلى", "وأمس",
        "وأخيرا", "أخيرا", "وفجأة", "فجأة", "وبالفعل", "وهكذا", "هكذا", "وعليه", "ولذلك", "لذلك", "وبالتالي", "بالتالي",
        "وعموما", "عموما", "وفي النهاية", "وبعدها", "بعدها", "وحينها", "وعندها", "عندها", "وحتى الآن",
        "واليوم", "وكشف", "وكشفت", "وأوضحت", "وأبلغ", "وسجل", "وسجلت", "وارتفع", "وارتفعت", "وانخفض", "وتراجع",
    ])

    /// Words that continue a sentence after `؟` (`…؟ أو …`).
    public static let arabicContinuations: Set<String> = keySet(["أو", "أم"])

    /// Abbreviations that end a phrase rather than open a name (`ق.م.` = BC, `إلخ.` = etc.):
    /// after them a new Arabic word starts a sentence unless it is a preposition or particle
    /// that carries the same one on.
    public static let arabicEndingAbbreviations: Set<String> = keySet(["ق.م", "إلخ", "الخ", "ق.ه"])
    /// Era markers after a year (`1350 هـ.` = AH, `1990 م.` = AD): there they end a phrase.
    public static let arabicEraMarkers: Set<String> = keySet(["هـ", "ه", "م"])
    public static let arabicCarryOn: Set<String> = keySet([
        "في", "من", "على", "إلى", "عن", "مع", "حتى", "إن", "أن", "التي", "الذي", "الذين", "حيث", "بعد", "قبل", "عند", "و",
        "أو", "ثم", "بل", "لأن", "كي", "منذ", "خلال", "بين", "ضد", "نحو",
    ])

    /// Verbs of saying that follow a quoted question or exclamation as its attribution
    /// (`"…؟" سأل الوزير`); with و/ف before them they open a new sentence instead.
    public static let arabicAttributionVerbs: Set<String> = keySet([
        "قال", "قالت", "سأل", "سألت", "تساءل", "تساءلت", "أضاف", "أضافت", "هتف", "هتفت", "صاح", "صاحت", "أجاب",
        "أجابت", "يقول", "تقول", "يتساءل", "تتساءل", "ردد", "رددت", "علق", "علقت", "كتب", "كتبت", "أكد", "أكدت",
        "صرخ", "صرخت", "يسأل", "تسأل", "قالها", "سألها", "سأله",
    ])

    public static let arabic = SegmentationRules(
        language: .ar,
        icuLocale: "ar",
        terminators: [".", "!", "?", "\u{061F}", "\u{2026}", "\u{06D4}", "\u{203C}", "\u{2049}", "\u{2048}"],
        creditLabels: ["صورة:", "الصورة:", "تصوير:", "Image:", "Photo:"],
        rules: [
            .break("photo credit glued to a caption (… صورة: رويترز)") { $0.nextIsCreditLabel },
            .break("space missing after a full stop between words (غدا.وقال)") {
                $0.isPeriod && !$0.hasSpace && isArabicWord($0.wordBefore) && !isArabicAbbreviation($0.wordBefore)
                    && isArabicWord($0.nextWord)
            },
            .noBreak("no space after the mark (أ.د، 2.5، example.com)") { !$0.hasSpace && $0.next != nil && !$0.nextStartsWithOpener },
            .noBreak("list marker at line start (1. ٢. أ.)") { $0.isPeriod && $0.atParagraphStart && isListLabel($0.wordBefore) },
            .noBreak("numbered item after a sentence (… النار. ٢. تبادل)") { $0.isPeriod && $0.afterSentenceEnd && isNumberLabel($0.wordBefore) },
            .noBreak("question continued by أو/أم") { $0.isQuestionOrExclamation && arabicContinuations.contains(key($0.nextWord)) },
            .noBreak("quoted question or exclamation before its attribution (\"…؟\" سأل الوزير)") {
                $0.isQuestionOrExclamation && $0.hasClosers && arabicAttributionVerbs.contains(key($0.nextWord))
            },
            .break("ellipsis before a sentence opener") {
                $0.isEllipsis && arabicSentenceOpeners.contains(key($0.nextWord)) && !arabicCarryOn.contains(key($0.nextWord))
            },
            .noBreak("ellipsis mid-sentence") { $0.isEllipsis && !$0.hasClosers },
            .noBreak("Latin abbreviation inside a name (U.S. Steel، Acme Inc. إن)") {
                $0.isPeriod && !$0.hasClosers && isLatinAbbreviation($0.wordBefore)
                    && !arabicSentenceOpeners.contains(key($0.nextWord))
            },
            .break("abbreviation that ends a phrase before a new sentence (ق.م. وما، عام 1990 م. وتخرج)") {
                $0.isPeriod && isArabicWord($0.nextWord) && !arabicCarryOn.contains(key($0.nextWord))
                    && (arabicEndingAbbreviations.contains(key($0.wordBefore))
                        || (arabicEraMarkers.contains(key($0.wordBefore)) && isNumberLabel($0.previousWord, maxDigits: 4)))
            },
            .break("abbreviation before a sentence opener") {
                $0.isPeriod && isArabicAbbreviation($0.wordBefore) && arabicSentenceOpeners.contains(key($0.nextWord))
            },
            .noBreak("abbreviation or initial (د. أ.د. م. هـ. ق.م. إلخ. ز.)") { $0.isPeriod && !$0.hasClosers && isArabicAbbreviation($0.wordBefore) },
        ])

    /// An abbreviation from the list, with or without a و/ف prefix, or a single Arabic letter.
    static func isArabicAbbreviation(_ word: String) -> Bool {
        let k = key(word)
        if arabicAbbreviations.contains(k) { return true }
        if let first = k.unicodeScalars.first, first == "\u{0648}" || first == "\u{0641}" {
            let rest = String(k.unicodeScalars.dropFirst())
            if arabicAbbreviations.contains(rest) { return true }
        }
        let letters = k.unicodeScalars.filter { $0 != "." }
        return letters.count == 1 && letters.allSatisfy(CharClass.isArabicLetter)
    }

    /// Two or more Arabic letters and nothing else: a word, not an initial or a dotted abbreviation.
    static func isArabicWord(_ word: String) -> Bool {
        var letters = 0
        for s in word.unicodeScalars {
            if CharClass.isArabicLetter(s) { letters += 1 } else if !CharClass.isArabicDiacritic(s) && s.value != 0x0640 { return false }
        }
        return letters >= 2
    }

    /// A Latin abbreviation English text writes with a dot (`Inc`, `U.S`, `Dr`, `J`).
    static func isLatinAbbreviation(_ word: String) -> Bool {
        let w = word.lowercased()
        return englishTitles.contains(w) || englishAmbiguous.contains(w) || englishBeforeNumber.contains(w) || isInitial(word)
    }

    // MARK: English

    /// Titles and labels that never end a sentence (`Mr.`, `Gen.`, `vs.`).
    public static let englishTitles: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "maj", "capt", "sgt", "cpl", "adm",
        "rev", "hon", "pres", "supt", "insp", "det", "mt", "ft", "vs", "messrs", "mmes", "amb", "fr", "gens", "reps",
        "sens", "cmdr", "brig", "atty", "mssrs", "st",
    ]

    /// Labels that never end a sentence when a number follows (`No. 1`, `Fig. 3`, `Jan. 5`).
    public static let englishBeforeNumber: Set<String> = [
        "no", "nos", "fig", "figs", "vol", "vols", "pp", "p", "art", "sec", "ch", "ref", "tel", "ext", "ed", "op",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "ca", "est",
    ]

    /// Abbreviations that may end a sentence: they break only before a clear sentence starter.
    public static let englishAmbiguous: Set<String> = [
        "u.s", "u.k", "u.n", "e.u", "d.c", "l.a", "n.y", "u.s.a", "inc", "ltd", "co", "corp", "bros", "jr", "sr",
        "etc", "a.m", "p.m", "e.g", "i.e", "al", "ph.d", "cf", "dept", "univ", "assn", "ave", "blvd", "rd",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "b.c", "a.d", "g.d.p",
        "plc", "llc", "mass", "calif", "fla", "wash", "ill", "pa", "va", "ga", "tex", "ariz", "colo", "conn", "mich",
        "minn", "ore", "wis", "ky", "tenn", "okla", "nev", "md", "mo", "ala",
    ]

    /// Words that clearly start an English sentence.
    public static let englishSentenceStarters: Set<String> = [
        "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "this", "that", "these", "those", "there",
        "but", "however", "in", "on", "at", "his", "her", "their", "its", "our", "after", "before", "when", "while",
        "if", "as", "according", "meanwhile", "then", "so", "yet", "also", "last", "earlier", "later", "both",
        "some", "many", "most", "officials", "police", "what", "why", "how", "where", "who", "for", "since",
    ]

    public static let english = SegmentationRules(
        language: .en,
        icuLocale: "en",
        terminators: [".", "!", "?", "\u{2026}", "\u{203C}", "\u{2049}", "\u{2048}"],
        creditLabels: ["Image:", "Photo:", "Photograph:", "Picture:", "Credit:"],
        rules: [
            .break("photo credit glued to a caption (… Image: Jane Doe.)") { $0.nextIsCreditLabel },
            .break("date line glued to the first sentence (May 7, 2015 On Tuesday)") { $0.afterFullDate },
            .noBreak("short unpunctuated tail is an attribution (\"…\" Jane Doe)") {
                $0.isLastInParagraph && !$0.restEndsWithTerminal && $0.restWordCount <= 10
                    && $0.restLast.map { CharClass.isLetter($0) || CharClass.isCloser($0) || CharClass.digitValue($0) != nil } == true
            },
            .break("space missing after a full stop between words (late.The)") {
                $0.isPeriod && !$0.hasSpace && isLowercaseWord($0.wordBefore) && isCapitalisedWord($0.nextWord)
            },
            .noBreak("quoted question or exclamation before its attribution (\"…?\" the minister asked)") {
                $0.isQuestionOrExclamation && $0.nextAfterOpeners.map(CharClass.isLowercase) == true
            },
            .noBreak("no space after the mark (U.S, 2.5, example.com)") { !$0.hasSpace && $0.next != nil && !$0.nextStartsWithOpener },
            .noBreak("list marker at line start (1. a.)") { $0.isPeriod && $0.atParagraphStart && isListLabel($0.wordBefore) },
            .noBreak("numbered item after a sentence (… ceasefire. 2. An)") { $0.isPeriod && $0.afterSentenceEnd && isNumberLabel($0.wordBefore) },
            .break("etc. before a capitalised word (… corn, etc. Rice)") {
                $0.isPeriod && $0.wordBefore.lowercased() == "etc" && startsUppercase($0.nextWord)
            },
            .noBreak("title before a name (Mr. Dr. Gen.)") { $0.isPeriod && englishTitles.contains($0.wordBefore.lowercased()) },
            .noBreak("label before a number (No. 1, Jan. 5)") {
                $0.isPeriod && englishBeforeNumber.contains($0.wordBefore.lowercased())
                    && $0.nextAfterOpeners.map { CharClass.digitValue($0) != nil } == true
            },
            .break("abbreviation before a sentence starter (U.S. The)") {
                $0.isPeriod && (englishAmbiguous.contains($0.wordBefore.lowercased()) || isInitial($0.wordBefore))
                    && englishSentenceStarters.contains($0.nextWord.lowercased()) && startsUppercase($0.nextWord)
            },
            .noBreak("abbreviation mid-sentence (the U.S. Supreme Court)") {
                $0.isPeriod && !$0.hasClosers && englishAmbiguous.contains($0.wordBefore.lowercased())
            },
            .noBreak("initial before a name (L. Ron Hubbard)") { $0.isPeriod && !$0.hasClosers && isInitial($0.wordBefore) },
            .break("ellipsis before a capitalised word (… for hours… Finally)") { $0.isEllipsis && isCapitalisedWord($0.nextWord) },
            .noBreak("ellipsis mid-sentence") { $0.isEllipsis && !$0.hasClosers && !englishSentenceStarters.contains($0.nextWord.lowercased()) },
        ])

    // MARK: Helpers shared by the rules

    /// The matching key of a word (alef/ya forms, diacritics folded), so lists can be written
    /// naturally and still match voweled or variant spellings.
    static func key(_ word: String) -> String {
        Normalizer.matchingKey.normalize(word)
    }

    static func keySet(_ words: [String]) -> Set<String> {
        Set(words.map(key))
    }

    /// `1`, `٢`, `12`, `a`, `أ`, `iv`: labels of numbered or lettered list items.
    static func isListLabel(_ word: String) -> Bool {
        let scalars = Array(word.unicodeScalars)
        if scalars.isEmpty || scalars.count > 3 { return false }
        if scalars.allSatisfy({ CharClass.digitValue($0) != nil }) { return true }
        if scalars.count == 1 && CharClass.isLetter(scalars[0]) { return true }
        return Set(["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]).contains(word.lowercased())
    }

    /// One to `maxDigits` digits of any script: a list item's number, or a year before an era marker.
    static func isNumberLabel(_ word: String, maxDigits: Int = 2) -> Bool {
        !word.isEmpty && word.unicodeScalars.count <= maxDigits && word.unicodeScalars.allSatisfy { CharClass.digitValue($0) != nil }
    }

    /// A single capital Latin letter, or dotted initials (`J`, `J.R`).
    static func isInitial(_ word: String) -> Bool {
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { p in
            p.unicodeScalars.count == 1 && p.unicodeScalars.first.map(CharClass.isUppercase) == true
        }
    }

    /// Two or more Latin letters, all lowercase (`late` in `late.The`; not `U.S`, `www2`, `a/b`).
    static func isLowercaseWord(_ word: String) -> Bool {
        word.unicodeScalars.count >= 2 && word.unicodeScalars.allSatisfy { $0.value < 0x250 && CharClass.isLowercase($0) }
    }

    /// A capital then lowercase letters (`The`, not `NET` or `js`).
    static func isCapitalisedWord(_ word: String) -> Bool {
        let s = Array(word.unicodeScalars)
        return s.count >= 2 && CharClass.isUppercase(s[0]) && s.dropFirst().allSatisfy(CharClass.isLowercase)
    }

    static func startsUppercase(_ word: String) -> Bool {
        word.unicodeScalars.first.map(CharClass.isUppercase) ?? false
    }
}
