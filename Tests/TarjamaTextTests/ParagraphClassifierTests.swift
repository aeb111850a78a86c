import Testing
@testable import TarjamaText

@Suite("Boilerplate and kinds")
struct ParagraphClassifierTests {
    let article = """
    عنوان الخبر الرئيسي اليوم
    قراءة 2 دقيقة
    بيروت - وكالات
    الأحد 5 مارس 2023 - 10:00 ص
    صورة الوزير في المؤتمر
    افتتح الوزير المؤتمر صباح اليوم. وحضر الافتتاح عدد كبير من الضيوف.
    صورة الوزير في المؤتمر
    وقال الوزير إن المؤتمر سيستمر ثلاثة أيام.
    شارك هذه المقالة
    عنوان الخبر الرئيسي اليوم
    © 2023 جميع الحقوق محفوظة
    Exit mobile version
    """

    func kinds() throws -> [(String, SegmentKind, String?)] {
        try Segmenter(language: .ar).segment(article).map { ($0.text, $0.kind, $0.reason) }
    }

    @Test func aRepeatedFullSentenceStaysBodyWhileARepeatedCaptionIsBoilerplate() throws {
        let text = "عنوان الخبر\nقال الوزير إن المحادثات كانت مثمرة.\nصورة الوزير\nوأضاف أن الوفدين اتفقا.\nصورة الوزير\nقال الوزير إن المحادثات كانت مثمرة.\n"
        let segments = try Segmenter(language: .ar).segment(text)
        #expect(segments.filter { $0.text == "قال الوزير إن المحادثات كانت مثمرة." }.map(\.kind) == [.body, .body])
        #expect(segments.last { $0.text == "صورة الوزير" }?.kind == .boilerplate)
    }

    @Test func firstShortLineIsTheHeadline() throws {
        #expect(try kinds()[0].1 == .headline)
    }

    @Test func readingTimeIsBoilerplate() throws {
        #expect(try kinds()[1] == ("قراءة 2 دقيقة", .boilerplate, "reading time"))
    }

    @Test func agencyLineIsTheByline() throws {
        #expect(try kinds()[2].1 == .byline)
    }

    @Test func dateLineIsTheDateline() throws {
        #expect(try kinds()[3].1 == .dateline)
    }

    @Test func shortLineAfterTheHeadlineIsACaption() throws {
        #expect(try kinds()[4].1 == .caption)
    }

    @Test func repeatedCaptionIsBoilerplate() throws {
        #expect(try kinds()[7] == ("صورة الوزير في المؤتمر", .boilerplate, "repeated line"))
    }

    @Test func repeatedTitleIsBoilerplate() throws {
        #expect(try kinds()[10] == ("عنوان الخبر الرئيسي اليوم", .boilerplate, "repeated line"))
    }

    @Test func shareCopyrightAndExitLinesAreBoilerplate() throws {
        let tail = try kinds().suffix(4).filter { $0.0 != "عنوان الخبر الرئيسي اليوم" }
        #expect(tail.map(\.2) == ["share line", "copyright", "navigation"])
    }

    @Test func bodySentencesStayBody() throws {
        let body = try kinds().filter { $0.1 == .body }.map(\.0)
        #expect(body == ["افتتح الوزير المؤتمر صباح اليوم.", "وحضر الافتتاح عدد كبير من الضيوف.",
                         "وقال الوزير إن المؤتمر سيستمر ثلاثة أيام."])
    }

    @Test func englishInterfaceLinesAreBoilerplate() throws {
        let segments = try Segmenter(language: .en).segment("Title of the story\n5 min read\nShare this article\nThe story begins here.")
        #expect(segments.map(\.kind) == [.headline, .boilerplate, .boilerplate, .body])
    }

    /// The seed article as scraped: headline once, its two repetitions boilerplate, the writer's
    /// name a byline, reading time, both caption forms, share and exit lines never body.
    @Test func theSeedArticleAsScrapedIsClassifiedLineByLine() throws {
        let url = packageRoot.appendingPathComponent("Samples/putin-xi/ar.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        let segments = try Segmenter(language: .ar).segment(text)
        let headline = "بوتين: روسيا والصين تواصلان التعاون في المجال العسكري التقني"
        #expect(segments.filter { $0.text == headline }.map(\.kind) == [.headline, .boilerplate, .boilerplate])
        #expect(segments.first { $0.text == "ماهر الزياتي" }?.kind == .byline)
        for furniture in ["قراءة 2 دقيقة", "الرئيس الروسي فلاديمير بوتين", "الرئيس الروسي", "شارك هذه المقالة", "Exit mobile version"] {
            let kinds = segments.filter { $0.text == furniture }.map(\.kind)
            #expect(!kinds.isEmpty && !kinds.contains(.body), "\(furniture): \(kinds)")
        }
        let body = segments.filter { $0.kind == .body }
        #expect(body.count == 16)
        // Every article sentence ends in punctuation; the odd break at "مع دولة." stays two segments.
        #expect(body.allSatisfy { $0.text.hasSuffix(".") || $0.text.hasSuffix("”.") || $0.text.hasSuffix("“.") })
        #expect(body.contains { $0.text == "نحن في انتظارك الربيع المقبل مع دولة." })
    }

    @Test func aWritersNameUnderTheHeadlineIsABylineInBothLanguagesButATitleIsNot() throws {
        let ar = try Segmenter(language: .ar).segment("عنوان الخبر اليوم\nسلمى الحداد\nالرئيس الروسي\nبدأ الاجتماع صباح اليوم.")
        #expect(ar.map(\.kind) == [.headline, .byline, .caption, .body])
        let en = try Segmenter(language: .en).segment("Talks begin in Moscow\nMaher al-Zayati\nThe talks began this morning.")
        #expect(en.map(\.kind) == [.headline, .byline, .body])
        let title = try Segmenter(language: .en).segment("Talks begin in Moscow\nRussian President Vladimir Putin\nThe talks began.")
        #expect(title.map(\.kind) == [.headline, .caption, .body])
    }
}
