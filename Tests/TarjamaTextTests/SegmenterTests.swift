import Testing
@testable import TarjamaText

/// One line per rule: the paragraph and the sentences a translator expects.
struct SegmenterRuleCase: CustomTestStringConvertible, Sendable {
    let rule: String
    let text: String
    let expected: [String]
    var testDescription: String { rule }
    init(_ rule: String, _ text: String, _ expected: [String]) {
        self.rule = rule; self.text = text; self.expected = expected
    }
}

let arabicRuleCases: [SegmenterRuleCase] = [
    .init("ends at a full stop", "وصل الوفد. بدأت المحادثات.", ["وصل الوفد.", "بدأت المحادثات."]),
    .init("ends at the Arabic question mark", "هل انتهى الاجتماع؟ نعم انتهى.", ["هل انتهى الاجتماع؟", "نعم انتهى."]),
    .init("ends at ؟! and keeps both marks", "أحقاً قال ذلك؟! لم يصدقه أحد.", ["أحقاً قال ذلك؟!", "لم يصدقه أحد."]),
    .init("ends at an exclamation mark", "يا له من يوم! عاد الجميع.", ["يا له من يوم!", "عاد الجميع."]),
    .init("ends at the ellipsis character before an opener", "وانتظر الجميع… وقال المتحدث إن الرد سيأتي.", ["وانتظر الجميع…", "وقال المتحدث إن الرد سيأتي."]),
    .init("never ends at the Arabic comma", "وصل الوفد، وبدأت المحادثات.", ["وصل الوفد، وبدأت المحادثات."]),
    .init("never ends at the Arabic semicolon", "تأجل الاجتماع؛ بسبب الطقس.", ["تأجل الاجتماع؛ بسبب الطقس."]),
    .init("never ends at a colon", "قال الوزير: سنبدأ غداً.", ["قال الوزير: سنبدأ غداً."]),
    .init("keeps a closing quote on the left", "قال: \"انتهى الأمر.\" وغادر القاعة.", ["قال: \"انتهى الأمر.\"", "وغادر القاعة."]),
    .init("keeps a closing guillemet on the left", "قال «لن نتراجع.» ثم غادر.", ["قال «لن نتراجع.»", "ثم غادر."]),
    .init("keeps a closing bracket on the left", "ارتفع المؤشر (بنسبة كبيرة.) وتراجع الدولار.", ["ارتفع المؤشر (بنسبة كبيرة.)", "وتراجع الدولار."]),
    .init("keeps a percentage whole", "ارتفع التضخم إلى 25٪. وتراجع النمو.", ["ارتفع التضخم إلى 25٪.", "وتراجع النمو."]),
    .init("keeps a decimal number whole", "بلغ النمو 2.5 في المئة هذا العام.", ["بلغ النمو 2.5 في المئة هذا العام."]),
    .init("keeps an Arabic decimal number whole", "بلغ النمو ٣٫٥ في المئة هذا العام.", ["بلغ النمو ٣٫٥ في المئة هذا العام."]),
    .init("keeps a time whole", "يبدأ الاجتماع في الساعة 10.30 صباحاً.", ["يبدأ الاجتماع في الساعة 10.30 صباحاً."]),
    .init("keeps a year in Arabic-Indic digits", "في عام ٢٠٢٢. وقال الوزير إن العام كان صعباً.", ["في عام ٢٠٢٢.", "وقال الوزير إن العام كان صعباً."]),
    .init("does not end after د.", "قال د. أحمد إن النتائج جيدة.", ["قال د. أحمد إن النتائج جيدة."]),
    .init("does not end after أ.د.", "وأوضح أ.د. سمير خليل أن الدراسة اكتملت.", ["وأوضح أ.د. سمير خليل أن الدراسة اكتملت."]),
    .init("does not end after م.", "وأشرف م. خالد على المشروع.", ["وأشرف م. خالد على المشروع."]),
    .init("does not end after هـ.", "توفي عام 505 هـ. في بغداد.", ["توفي عام 505 هـ. في بغداد."]),
    .init("does not end after ق.م.", "بنيت المدينة عام 300 ق.م. على ضفة النهر.", ["بنيت المدينة عام 300 ق.م. على ضفة النهر."]),
    .init("does not end after ص.ب.", "العنوان ص.ب. 1234 عمان.", ["العنوان ص.ب. 1234 عمان."]),
    .init("does not end after إلخ. mid-sentence", "اشترى الخبز والحليب إلخ. من السوق.", ["اشترى الخبز والحليب إلخ. من السوق."]),
    .init("does not end after a single-letter initial", "وصل ز. حداد إلى المؤتمر.", ["وصل ز. حداد إلى المؤتمر."]),
    .init("does not end after an abbreviation with و", "التقى الوزير ود. ليلى سعيد.", ["التقى الوزير ود. ليلى سعيد."]),
    .init("ends after an abbreviation before a clear opener", "حضر الاجتماع أطباء ومهندسون إلخ. وقال المنظمون إن الحضور كبير.", ["حضر الاجتماع أطباء ومهندسون إلخ.", "وقال المنظمون إن الحضور كبير."]),
    .init("does not end after a list marker at line start", "1. تعزيز التعاون الاقتصادي.", ["1. تعزيز التعاون الاقتصادي."]),
    .init("does not end after an Arabic-Indic list marker", "٢. توسيع التبادل التجاري.", ["٢. توسيع التبادل التجاري."]),
    .init("continues after a mid-sentence ellipsis", "تحدث عن الطاقة والزراعة... وغيرها من المجالات.", ["تحدث عن الطاقة والزراعة... وغيرها من المجالات."]),
    .init("continues a question with أو", "من أين تأتي هذه الطاقة؟ أو ذلك الحماس؟", ["من أين تأتي هذه الطاقة؟ أو ذلك الحماس؟"]),
    .init("does not end inside a web address", "زوروا الموقع example.com للمزيد.", ["زوروا الموقع example.com للمزيد."]),
]

let englishRuleCases: [SegmenterRuleCase] = [
    .init("ends at a full stop", "The talks began. They ended late.", ["The talks began.", "They ended late."]),
    .init("does not end after Mr.", "Mr. Smith arrived.", ["Mr. Smith arrived."]),
    .init("does not end after Dr.", "He met Dr. Jones today.", ["He met Dr. Jones today."]),
    .init("does not end after U.S. mid-sentence", "The U.S. Supreme Court ruled.", ["The U.S. Supreme Court ruled."]),
    .init("ends after U.S. before a sentence starter", "He moved to the U.S. The family followed.", ["He moved to the U.S.", "The family followed."]),
    .init("does not end after Jan. before a day", "It started on Jan. 5 this year.", ["It started on Jan. 5 this year."]),
    .init("does not end after No. before a number", "He is ranked No. 1 in the world.", ["He is ranked No. 1 in the world."]),
    .init("does not end after an initial", "The book by L. Ron Hubbard sold well.", ["The book by L. Ron Hubbard sold well."]),
    .init("keeps a decimal whole", "Growth was 2.5 percent.", ["Growth was 2.5 percent."]),
    .init("keeps closing quotes on the left", "He said \"Yes.\" Then he left.", ["He said \"Yes.\"", "Then he left."]),
    .init("continues after a mid-sentence ellipsis", "people... who identified themselves left.", ["people... who identified themselves left."]),
    .init("does not end inside an e-mail address", "Write to desk@example.com for details.", ["Write to desk@example.com for details."]),
    .init("does not end inside a URL", "See www.example.org/news today.", ["See www.example.org/news today."]),
    .init("ends at a question mark", "Will it work? Nobody knows.", ["Will it work?", "Nobody knows."]),
    .init("splits a photo credit from its caption", "A robot demo Image: Jane Doe.", ["A robot demo", "Image: Jane Doe."]),
    .init("keeps a pull-quote attribution", "\"We will win.\" Jane Doe", ["\"We will win.\" Jane Doe"]),
    .init("splits a dateline glued to the first sentence", "Thursday, May 7, 2015 On Tuesday, the vote began.", ["Thursday, May 7, 2015", "On Tuesday, the vote began."]),
]

@Suite("Segmenter rules")
struct SegmenterRuleTests {
    @Test("Arabic", arguments: arabicRuleCases)
    func arabic(_ c: SegmenterRuleCase) throws {
        #expect(try Segmenter(language: .ar).sentences(c.text) == c.expected)
    }

    @Test("English", arguments: englishRuleCases)
    func english(_ c: SegmenterRuleCase) throws {
        #expect(try Segmenter(language: .en).sentences(c.text) == c.expected)
    }
}

@Suite("Segmenter documents")
struct SegmenterDocumentTests {
    @Test func newlinesAreHardParagraphBreaks() throws {
        let segments = try Segmenter(language: .ar).segment("الأول بلا نقطة\n\nالثاني بلا نقطة أيضاً وهو أطول من الأول بكثير جداً جداً جداً جداً جداً جداً جداً جداً جداً جداً جداً جداً جداً")
        #expect(segments.map(\.paragraph) == [0, 1])
    }

    @Test func offsetsAreCharacterOffsetsIntoTheOriginal() throws {
        let text = "عنوان المقال\nجملة أولى. جملة ثانية."
        let segments = try Segmenter(language: .ar).segment(text)
        let scalars = Array(text.unicodeScalars)
        for s in segments {
            #expect(String(String.UnicodeScalarView(scalars[s.start..<s.end])) == s.text)
        }
    }

    @Test func emptyTextGivesNoSegments() throws {
        #expect(try Segmenter(language: .en).segment(" \n\n ").isEmpty)
    }

    @Test func crlfLineEndingsAreParagraphBreaks() throws {
        let segments = try Segmenter(language: .en).segment("One sentence here.\r\nAnother one here.\r\n")
        #expect(segments.map(\.text) == ["One sentence here.", "Another one here."])
    }

    @Test func bidiMarksAtLineEndsAreTrimmed() throws {
        let segments = try Segmenter(language: .ar).segment("\u{200F}جملة أولى هنا.\u{200F}")
        #expect(segments.map(\.text) == ["جملة أولى هنا."])
    }
}
