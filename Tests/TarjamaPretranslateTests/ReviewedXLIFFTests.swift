import Foundation
import Testing
import TarjamaMemory
import TarjamaTestStore
@testable import TarjamaPretranslate

/// The translator's loop: pre-translate to XLIFF, review it as a CAT tool would, import it back
/// and merge the English article.
@Suite("Reviewed XLIFF back into the memory")
struct ReviewedXLIFFTests {
    /// A fuzzy (30% for 25%), an exact and an unmatched segment, in two paragraphs.
    let text = """
        ارتفع حجم التبادل التجاري بين البلدين بنسبة 30٪ في عام 2023. تراجعت أسعار النفط في الأسواق العالمية اليوم.
        سجلت درجات الحرارة انخفاضا كبيرا في العاصمة.
        شارك هذه المقالة
        """

    /// The pre-translated XLIFF of `text`, as a translator leaves it after review: the empty
    /// target translated (state set), the exact one corrected (state untouched), the fuzzy
    /// proposal left as proposed.
    func reviewed(_ desk: Desk) throws -> String {
        let batch = try Pretranslator(store: desk.memory).run(paths: [try desk.article("a.txt", text)])
        var xliff = XLIFFWriter.document(batch.articles[0])
        xliff = xliff.replacingOccurrences(of: #"<target xml:lang="en" state="new"></target>"#,
                                           with: #"<target xml:lang="en" state="translated">Temperatures fell sharply in the capital.</target>"#)
        xliff = xliff.replacingOccurrences(of: ">Oil prices fell on world markets today.</target>",
                                           with: ">Oil prices fell on global markets today.</target>")
        let path = desk.dir.appendingPathComponent("a.xlf").path
        try xliff.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: StoreKind.available) func reviewedSegmentsComeBackAndACorrectedExactMatchReplacesItsUnit(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let path = try reviewed(desk)
        let oil = try #require(try desk.memory.exact("تراجعت أسعار النفط في الأسواق العالمية اليوم.").first)
        let report = try desk.memory.importXLIFF(path: path, user: "hala")
        #expect(report.added == 1)
        #expect(report.corrected == 1)
        #expect(report.unreviewed == 1)
        #expect(report.untranslated == 0)
        let new = try #require(try desk.memory.exact("سجلت درجات الحرارة انخفاضا كبيرا في العاصمة.").first)
        #expect(new.target == "Temperatures fell sharply in the capital.")
        #expect(new.origin == "a.txt")
        #expect(new.createdBy == "hala")
        #expect(try desk.memory.exact("تراجعت أسعار النفط في الأسواق العالمية اليوم.").map(\.target) == ["Oil prices fell on global markets today."])
        #expect(try desk.memory.revisions(id: oil.id!).map(\.target) == ["Oil prices fell on world markets today."])
        #expect(try desk.memory.exact("ارتفع حجم التبادل التجاري بين البلدين بنسبة 30٪ في عام 2023.").isEmpty)
        // Importing the same file again changes nothing but counts.
        let again = try desk.memory.importXLIFF(path: path, user: "hala")
        #expect(again.added == 0 && again.corrected == 0)
        #expect(try desk.memory.unitCount() == 3)
    }

    @Test func unreviewedProposalsComeInOnlyWhenAskedAndSayWhatTheyAre() throws {
        let desk = try Desk()
        let report = try desk.memory.importXLIFF(path: try reviewed(desk), includeUnreviewed: true)
        #expect(report.added == 2 && report.unreviewed == 0)
        let fuzzy = try #require(try desk.memory.exact("ارتفع حجم التبادل التجاري بين البلدين بنسبة 30٪ في عام 2023.").first)
        #expect(fuzzy.target == "Trade between the two countries rose by 30% in 2023.")
        #expect(fuzzy.properties["x-state"] == "needs-review-translation")
    }

    @Test func mergeWritesTheArticleParagraphByParagraphAndFlagsGaps() throws {
        let desk = try Desk()
        let merged = try ArticleMerge.merge(path: try reviewed(desk))
        #expect(merged.text == """
            Trade between the two countries rose by 30% in 2023. Oil prices fell on global markets today.
            Temperatures fell sharply in the capital.

            """)
        #expect(merged.untranslated.isEmpty)
        #expect(merged.unreviewed == 1)
        let batch = try Pretranslator(store: desk.memory).run(paths: [try desk.article("b.txt", text)])
        let raw = desk.dir.appendingPathComponent("b.xlf").path
        try XLIFFWriter.document(batch.articles[0]).write(toFile: raw, atomically: true, encoding: .utf8)
        let unfinished = try ArticleMerge.merge(path: raw)
        #expect(unfinished.untranslated.map(\.source) == ["سجلت درجات الحرارة انخفاضا كبيرا في العاصمة."])
        #expect(unfinished.text.hasSuffix("سجلت درجات الحرارة انخفاضا كبيرا في العاصمة.\n"))
    }

    @Test func theKindAndTheLockSurviveInOurXLIFF() throws {
        let desk = try Desk()
        let article = try desk.article("h.txt", "تراجعت أسعار النفط في الأسواق العالمية اليوم\nسجلت درجات الحرارة انخفاضا كبيرا في العاصمة. تراجعت أسعار النفط في الأسواق العالمية اليوم.\n")
        let batch = try Pretranslator(store: desk.memory).run(paths: [article])
        let path = desk.dir.appendingPathComponent("h.xlf").path
        try XLIFFWriter.document(batch.articles[0], lockExact: true).write(toFile: path, atomically: true, encoding: .utf8)
        var units: [XLIFFUnit] = []
        try XLIFFReader().read(path: path) { units.append($0) }
        #expect(units.first?.kind == "headline")
        #expect(units.last?.translatable == false && units.last?.approved == true)
        #expect(units.map(\.paragraph) == [1, 2, 2])
    }

    @Test func otherToolsXLIFFIsReadWithSegmentsCodesAndStates() throws {
        let desk = try Desk()
        // XLIFF 1.2 as segmenting tools write it: seg-source with mrk segments, codes in g and x.
        let v12 = try desk.article("omegat.xlf", """
            <?xml version="1.0" encoding="UTF-8"?>
            <xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
              <file original="wire-7.html" source-language="ar-SA" target-language="en-GB" datatype="html">
                <body>
                  <trans-unit id="u1">
                    <source>وصل الوفد إلى <g id="1">موسكو</g>. وغادر مساء.</source>
                    <seg-source><mrk mtype="seg" mid="1">وصل الوفد إلى <g id="1">موسكو</g>.</mrk> <mrk mtype="seg" mid="2">وغادر مساء.</mrk></seg-source>
                    <target state="translated"><mrk mtype="seg" mid="1">The delegation reached <g id="1">Moscow</g>.</mrk> <mrk mtype="seg" mid="2">It left in the evening.</mrk></target>
                    <alt-trans match-quality="80"><target>Not this one.</target></alt-trans>
                  </trans-unit>
                  <trans-unit id="u2"><source>نص <x id="2"/> آخر.</source><target state="needs-review-translation">Other <x id="2"/> text.</target></trans-unit>
                  <trans-unit id="u3" approved="yes"><source>جملة ثالثة.</source><target>A third sentence.</target></trans-unit>
                </body>
              </file>
            </xliff>
            """.replacingOccurrences(of: ".txt", with: ""))
        var units: [XLIFFUnit] = []
        try XLIFFReader().read(path: v12) { units.append($0) }
        #expect(units.map(\.id) == ["u1#1", "u1#2", "u2", "u3"])
        #expect(units[0].source == "وصل الوفد إلى {1}موسكو{/1}.")
        #expect(units[0].target == "The delegation reached {1}Moscow{/1}.")
        #expect(units.map(\.reviewed) == [true, true, false, true])
        #expect(units[2].target == "Other {2/} text.")
        #expect(units[0].file == "wire-7.html" && units[0].sourceLanguage == "ar-SA")
        #expect(units[0].sourceCodes["{1}"] == #"<bpt i="1"/>"# && units[0].targetCodes["{/1}"] == #"<ept i="1"/>"#)
        let report = try desk.memory.importXLIFF(path: v12)
        #expect(report.added == 3 && report.unreviewed == 1)
        var tmx = ""
        _ = try desk.memory.exportTMX { tmx += $0 }
        #expect(tmx.contains(#"<seg>The delegation reached <bpt i="1"/>Moscow<ept i="1"/>.</seg>"#))
        #expect(try desk.memory.exact("وغادر مساء.").first?.previousHash != nil)

        let v20 = try desk.article("okapi.xlf", """
            <?xml version="1.0" encoding="UTF-8"?>
            <xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" trgLang="en">
              <file id="f1" original="wire-8.txt">
                <unit id="1">
                  <segment state="final"><source>ارتفعت <pc id="1">الأسعار</pc>.</source><target>Prices <pc id="1">rose</pc>.</target></segment>
                  <segment state="initial"><source>انخفض الطلب.</source><target>Demand fell.</target></segment>
                </unit>
              </file>
            </xliff>
            """)
        units = []
        let read = try XLIFFReader().read(path: v20) { units.append($0) }
        #expect(read.version == "2.0")
        #expect(units.map(\.target) == ["Prices {1}rose{/1}.", "Demand fell."])
        #expect(units.map(\.reviewed) == [true, false])
        #expect(units.map(\.paragraph) == [1, 1])
        #expect(throws: MemoryError.self) { try XLIFFReader().read(path: try desk.article("t.tmx", "<tmx version=\"1.4\"><body/></tmx>")) { _ in } }
    }

    @Test func ourPreTranslationTMXKeepsItsAdaptationsOutOfTheMemory() throws {
        let desk = try Desk()
        let batch = try Pretranslator(store: desk.memory).run(paths: [try desk.article("a.txt", text)])
        let path = desk.dir.appendingPathComponent("a.tmx").path
        try OutputFormat.tmx.render(batch.articles[0]).write(toFile: path, atomically: true, encoding: .utf8)
        let other = try Desk()
        let report = try other.memory.importTMX(path: path)
        #expect(report.unreviewed == 1)
        #expect(try other.memory.exact("ارتفع حجم التبادل التجاري بين البلدين بنسبة 30٪ في عام 2023.").isEmpty)
        #expect(try other.memory.importTMX(path: path, includeUnreviewed: true).added == 1)
    }

    static let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { FileManager.default.fileExists(atPath: $0) }
    static let schema: String? = {
        let path = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/xliff/xliff-core-1.2-strict.xsd").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    @Test(.enabled(if: xmllint != nil && schema != nil, "xmllint or ../shared/data/xliff absent: schema validation skipped"))
    func ourXLIFFValidatesAgainstTheStrictSchema() throws {
        let desk = try Desk()
        let batch = try Pretranslator(store: desk.memory).run(paths: [try desk.article("a.txt", text)])
        let path = desk.dir.appendingPathComponent("a.xlf").path
        try XLIFFWriter.document(batch.articles[0], lockExact: true).write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.xmllint!)
        p.arguments = ["--noout", "--schema", Self.schema!, path]
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }
}
