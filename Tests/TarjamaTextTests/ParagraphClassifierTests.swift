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

    @Test func theSeedArticleGivesTheExpectedBody() throws {
        let url = packageRoot.appendingPathComponent("Samples/putin-xi/ar.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        let segments = try Segmenter(language: .ar).segment(text)
        #expect(segments.filter { $0.kind == .body }.count == 15)
        #expect(segments.filter { $0.kind == .boilerplate }.count == 6)
        #expect(segments.first?.kind == .headline)
    }
}
