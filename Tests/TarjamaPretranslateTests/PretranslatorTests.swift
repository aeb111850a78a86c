import Foundation
import FoundationXML
import Testing
import TarjamaMemory
@testable import TarjamaSQLite
import TarjamaMatch
import TarjamaTestStore
@testable import TarjamaPretranslate

/// A memory and article files in a temporary folder, written for these tests.
/// `kind` says which store: every pre-translation test runs on SQLite and on the dictionary store.
final class Desk {
    let dir: URL
    let memory: any MemoryStore

    init(_ kind: StoreKind = .sqlite) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-pt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        memory = try kind.make(in: dir)
        try memory.add([
            UnitDraft(source: "ارتفع حجم التبادل التجاري بين البلدين بنسبة 25٪ في عام 2022.",
                      target: "Trade between the two countries rose by 25% in 2022."),
            UnitDraft(source: "تراجعت أسعار النفط في الأسواق العالمية اليوم.", target: "Oil prices fell on world markets today."),
        ])
    }

    func article(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    deinit { try? FileManager.default.removeItem(at: dir) }
}

@Suite("Pre-translation")
struct PretranslatorTests {
    let text = """
        ارتفع حجم التبادل التجاري بين البلدين بنسبة 30٪ في عام 2023. تراجعت أسعار النفط في الأسواق العالمية اليوم.
        سجلت درجات الحرارة انخفاضا كبيرا في العاصمة.
        شارك هذه المقالة
        """

    @Test(arguments: StoreKind.available) func segmentsGetExactFuzzyAndNoMatchBands(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let batch = try Pretranslator(store: desk.memory, options: PretranslateOptions(minimum: 75, workers: 2))
            .run(paths: [try desk.article("a.txt", text)])
        let a = try #require(batch.articles.first)
        #expect(a.error == nil)
        #expect(a.segments.map(\.band) == [.fuzzy95, .exact, .noMatch])
        #expect(a.segments[0].best?.target == "Trade between the two countries rose by 30% in 2023.")
        #expect(a.boilerplate.map(\.text) == ["شارك هذه المقالة"])
        #expect(batch.analysis.total.segments(.exact) == 1)
        #expect(batch.analysis.total.words(.noMatch) == 7)
    }

    @Test(arguments: StoreKind.available) func aSegmentSeenEarlierInTheBatchIsARepetition(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let repeated = "سجلت درجات الحرارة انخفاضا كبيرا في العاصمة."
        let batch = try Pretranslator(store: desk.memory)
            .run(paths: [try desk.article("a.txt", repeated), try desk.article("b.txt", repeated)])
        #expect(batch.articles.map { $0.segments.map(\.band) } == [[.noMatch], [.repetition]])
        #expect(batch.analysis.total.segments(.repetition) == 1)
    }

    @Test(arguments: StoreKind.available) func outputFollowsTheGivenOrderWhateverTheWorkers(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let paths = try (0..<8).map { try desk.article("a\($0).txt", "تراجعت أسعار النفط \($0) في الأسواق العالمية اليوم.") }
        let batch = try Pretranslator(store: desk.memory, options: PretranslateOptions(workers: 4)).run(paths: paths)
        #expect(batch.articles.map(\.path) == paths)
    }

    @Test(arguments: StoreKind.available) func aMissingOrNonArabicFileIsReportedAndTheBatchGoesOn(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let english = try desk.article("en.txt", "Oil prices fell on world markets today.")
        let batch = try Pretranslator(store: desk.memory)
            .run(paths: [desk.dir.appendingPathComponent("missing.txt").path, english, try desk.article("a.txt", text)])
        #expect(batch.articles[0].error?.contains("cannot read") == true)
        #expect(batch.articles[1].error?.contains("is not Arabic") == true)
        #expect(batch.articles[2].error == nil)
        #expect(batch.analysis.failed.count == 2)
    }

    @Test(arguments: StoreKind.available) func xliffIsWellFormedWithStatesAndAlternatives(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let batch = try Pretranslator(store: desk.memory).run(paths: [try desk.article("a.txt", text)])
        let xliff = XLIFFWriter.document(batch.articles[0])
        let collector = ElementCollector()
        let parser = XMLParser(data: Data(xliff.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "XLIFF must be well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.attributes("file").first?["source-language"] == "ar")
        #expect(collector.attributes("file").first?["target-language"] == "en")
        #expect(collector.attributes("target").compactMap { $0["state"] }
                == ["needs-review-translation", "final", "new"])
        #expect(collector.attributes("alt-trans").compactMap { $0["match-quality"] } == ["98", "100"])
        #expect(collector.attributes("trans-unit").last?["translate"] == "no")
    }

    @Test(arguments: StoreKind.available) func reportCountsEveryBandAndRendersHTMLWithoutScripts(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let batch = try Pretranslator(store: desk.memory).run(paths: [try desk.article("a.txt", text)])
        let html = batch.analysis.html()
        #expect(html.contains("<table>"))
        #expect(!html.contains("<script"))
        #expect(batch.analysis.table().contains("No match"))
        #expect(batch.analysis.total.totalSegments == 3)
    }
}

final class ElementCollector: NSObject, XMLParserDelegate {
    private var seen: [(String, [String: String])] = []
    func attributes(_ name: String) -> [[String: String]] { seen.filter { $0.0 == name }.map(\.1) }
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        seen.append((elementName, attributeDict))
    }
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs python3 with arguments; nil when it cannot run.
func python(_ arguments: [String]) -> (status: Int32, output: String)? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3"] + arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

let translateToolkit = python(["-c", "import translate.storage.xliff"])?.status == 0

@Suite("XLIFF read by translate-toolkit", .enabled(if: translateToolkit, "translate-toolkit absent (pip install translate-toolkit): skipped"))
struct XLIFFOutsideReaderTests {
    @Test(arguments: StoreKind.available) func translateToolkitReadsUnitsLanguagesStatesAndAlternatives(_ kind: StoreKind) throws {
        let desk = try Desk(kind)
        let batch = try Pretranslator(store: desk.memory).run(paths: [try desk.article("a.txt", PretranslatorTests().text)])
        let path = desk.dir.appendingPathComponent("a.xlf").path
        try XLIFFWriter.document(batch.articles[0]).write(toFile: path, atomically: true, encoding: .utf8)
        let result = try #require(python([packageRoot.appendingPathComponent("scripts/ttk-read.py").path, path]))
        #expect(result.status == 0)
        let seen = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(seen["class"] as? String == "Xliff1File")
        #expect(seen["sourcelanguage"] as? String == "ar")
        #expect(seen["targetlanguage"] as? String == "en")
        #expect(seen["units"] as? Int == 4)   // three segments and the boilerplate line
        #expect(seen["states"] as? [String: Int] == ["needs-review-translation": 1, "final": 1, "new": 1, "none": 1])
        #expect(seen["alt_trans"] as? Int == 2)
        let first = (seen["first"] as? [[String: String]])?.first
        #expect(first?["target"] == "Trade between the two countries rose by 30% in 2023.")
    }
}

