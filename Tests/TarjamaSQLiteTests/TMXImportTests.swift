import Foundation
import Testing
@testable import TarjamaMemory
@testable import TarjamaSQLite

/// TMX written for these tests, in the shapes other tools write.
func tmx(header: String = "<header srclang=\"en\" creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" datatype=\"plaintext\"/>",
         doctype: String = "", _ units: String) -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\(doctype)<tmx version=\"1.4\">\n\(header)\n<body>\n\(units)\n</body>\n</tmx>\n"
}

func tu(_ ar: String, _ en: String, arLang: String = "ar", enLang: String = "en", attribute: String = "xml:lang", extra: String = "") -> String {
    "<tu>\(extra)<tuv \(attribute)=\"\(enLang)\"><seg>\(en)</seg></tuv><tuv \(attribute)=\"\(arLang)\"><seg>\(ar)</seg></tuv></tu>\n"
}

@Suite("TMX import")
struct TMXImportTests {
    func pairs(_ m: SQLiteMemory) throws -> [String] {
        var out: [String] = []
        try m.forEachUnit { out.append($0.source + "|" + $0.target) }
        return out
    }

    @Test func arabicVariantsBecomeSourcesWhateverTheSrclang() throws {
        let t = try TemporaryMemory()
        let r = try t.memory.importTMX(path: try t.file("a.tmx", tmx(tu("وصل الوفد.", "The delegation arrived."))))
        #expect(r.added == 1)
        #expect(try pairs(t.memory) == ["وصل الوفد.|The delegation arrived."])
    }

    @Test(arguments: [("ar", "en"), ("AR", "EN"), ("ar-SA", "en-GB"), ("ar_EG", "en_US"), ("Ar-sa", "En")])
    func languageCodesMatchInAnyCaseAndRegion(ar: String, en: String) throws {
        let t = try TemporaryMemory()
        let r = try t.memory.importTMX(path: try t.file("a.tmx", tmx(tu("مرحبا.", "Hello.", arLang: ar, enLang: en))))
        #expect(r.added == 1)
    }

    @Test func theOldLangAttributeAndAllSrclangAreRead() throws {
        let t = try TemporaryMemory()
        let header = "<header srclang=\"*all*\" creationtool=\"t\" creationtoolversion=\"1\" segtype=\"block\" o-tmf=\"t\" adminlang=\"en\" datatype=\"plaintext\"/>"
        let r = try t.memory.importTMX(path: try t.file("a.tmx", tmx(header: header, tu("شكرا.", "Thanks.", attribute: "lang"))))
        #expect(r.added == 1)
    }

    @Test func utf8WithBOMAndUTF16BothWays() throws {
        let t = try TemporaryMemory()
        let text = tmx(tu("السلام عليكم.", "Peace be upon you."))
        let bom = try t.file("bom.tmx", "\u{FEFF}" + text)
        #expect(try t.memory.importTMX(path: bom).added == 1)
        for (name, encoding) in [("le.tmx", String.Encoding.utf16LittleEndian), ("be.tmx", .utf16BigEndian)] {
            let other = try TemporaryMemory()
            let url = other.dir.appendingPathComponent(name)
            var data = Data(encoding == .utf16LittleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF])
            data.append(text.replacingOccurrences(of: "UTF-8", with: "UTF-16").data(using: encoding)!)
            try data.write(to: url)
            #expect(try other.memory.importTMX(path: url.path).added == 1, "\(name)")
            #expect(try pairs(other.memory) == ["السلام عليكم.|Peace be upon you."])
        }
    }

    @Test func inlineCodesBecomePlaceholders() throws {
        let t = try TemporaryMemory()
        let unit = "<tu><tuv xml:lang=\"ar\"><seg>قال <bpt i=\"1\">&lt;b&gt;</bpt>الوزير<ept i=\"1\">&lt;/b&gt;</ept> إن<ph x=\"2\">&lt;br/&gt;</ph> <hi>الاتفاق</hi> جاهز.</seg></tuv>"
            + "<tuv xml:lang=\"en\"><seg>The <bpt i=\"1\">&lt;b&gt;</bpt>minister<ept i=\"1\">&lt;/b&gt;</ept> said<ph x=\"2\"/> the <hi>deal</hi> is ready.</seg></tuv></tu>"
        _ = try t.memory.importTMX(path: try t.file("a.tmx", tmx(unit)))
        #expect(try pairs(t.memory) == ["قال {1}الوزير{/1} إن{2/} {h3}الاتفاق{/h3} جاهز.|The {1}minister{/1} said{2/} the {h3}deal{/h3} is ready."])
    }

    @Test func propsNotesDatesAndAuthorsAreKept() throws {
        let t = try TemporaryMemory()
        let unit = "<tu tuid=\"n-7\" creationdate=\"20230115T093000Z\" creationid=\"hala\" usagecount=\"4\"><note>checked by desk</note><prop type=\"x-domain\">economy</prop>"
            + "<tuv xml:lang=\"ar\"><seg>ارتفع التضخم.</seg></tuv><tuv xml:lang=\"en\"><seg>Inflation rose.</seg></tuv></tu>"
        _ = try t.memory.importTMX(path: try t.file("a.tmx", tmx(unit)))
        let u = try #require(t.memory.exact("ارتفع التضخم.").first)
        #expect(u.properties == ["tuid": "n-7", "x-domain": "economy"])
        #expect(u.notes == ["checked by desk"])
        #expect(u.createdBy == "hala")
        #expect(u.usageCount == 4)
        #expect(TMXWriter.date(u.createdAt) == "20230115T093000Z")
    }

    @Test func severalEnglishVariantsGiveSeveralUnits() throws {
        let t = try TemporaryMemory()
        let unit = "<tu><tuv xml:lang=\"ar\"><seg>بدأت القمة.</seg></tuv><tuv xml:lang=\"en\"><seg>The summit began.</seg></tuv><tuv xml:lang=\"en-US\"><seg>The summit started.</seg></tuv></tu>"
        #expect(try t.memory.importTMX(path: try t.file("a.tmx", tmx(unit))).added == 2)
        #expect(try t.memory.exact("بدأت القمة.").count == 2)
    }

    @Test func unitsWithoutBothLanguagesAreSkippedWithTheirLine() throws {
        let t = try TemporaryMemory()
        let body = tu("نعم.", "Yes.") + "<tu><tuv xml:lang=\"fr\"><seg>Oui.</seg></tuv><tuv xml:lang=\"en\"><seg>Yes.</seg></tuv></tu>\n"
        let r = try t.memory.importTMX(path: try t.file("a.tmx", tmx(body)))
        #expect(r.added == 1)
        #expect(r.skipped.map(\.line) == [6])
        #expect(r.skipped.first?.message.contains("no ar variant") == true)
    }

    @Test func invalidCharactersAreRemovedAndReported() throws {
        let t = try TemporaryMemory()
        let r = try t.memory.importTMX(path: try t.file("a.tmx", tmx(tu("خبر\u{1}عاجل.", "Breaking&#1; news."))))
        #expect(try pairs(t.memory) == ["خبرعاجل.|Breaking news."])
        #expect(r.repairedCount == 2)
        #expect(r.repaired.allSatisfy { $0.line == 5 })
    }

    @Test func externalEntitiesAreNeverResolved() throws {
        let t = try TemporaryMemory()
        let secret = try t.file("secret.txt", "TOP SECRET")
        let doctype = "<!DOCTYPE tmx [ <!ENTITY xxe SYSTEM \"file://\(secret)\"> ]>\n"
        let r = try t.memory.importTMX(path: try t.file("a.tmx", tmx(doctype: doctype, tu("سر.", "A &xxe; secret."))))
        #expect(try pairs(t.memory) == ["سر.|A &xxe; secret."])
        #expect(r.ignoredEntityDeclarations == 1)
        #expect(r.repaired.contains { $0.message.contains("never expanded") })
    }

    @Test func entityExpansionIsBoundedAgainstBillionLaughs() throws {
        let t = try TemporaryMemory()
        var decls = "<!ENTITY lol \"lol\">"
        for k in 1...9 { decls += "<!ENTITY lol\(k) \"" + String(repeating: "&lol\(k == 1 ? "" : String(k - 1));", count: 10) + "\">" }
        let doctype = "<!DOCTYPE tmx [ \(decls) ]>\n"
        let r = try t.memory.importTMX(path: try t.file("a.tmx", tmx(doctype: doctype, tu("ضحك.", "&lol9;"))))
        #expect(try pairs(t.memory) == ["ضحك.|&lol9;"])
        #expect(r.ignoredEntityDeclarations == 10)
    }

    @Test func aTruncatedFileImportsNothingAndSaysWhere() throws {
        let t = try TemporaryMemory()
        // More units than one batch, so a batch was already written when the end is found.
        var body = ""
        for k in 0..<6_000 { body += tu("جملة رقم \(k).", "Sentence number \(k).") }
        let whole = tmx(body)
        let cut = String(whole.prefix(whole.count - 40))
        #expect {
            try t.memory.importTMX(path: try t.file("cut.tmx", cut))
        } throws: { error in
            guard case MemoryError.badInput(_, let line, let message) = error else { return false }
            return line > 6_000 && message.contains("truncated")
        }
        #expect(try t.memory.unitCount() == 0)
        #expect(try t.memory.check() == "ok")
    }

    @Test func mismatchedTagsAreAnErrorWithTheLine() throws {
        let t = try TemporaryMemory()
        let bad = tmx(tu("أ.", "A.") + "<tu><tuv xml:lang=\"ar\"><seg>ب.</tuv></seg></tu>\n")
        #expect {
            try t.memory.importTMX(path: try t.file("bad.tmx", bad))
        } throws: { error in
            guard case MemoryError.badInput(_, let line, let message) = error else { return false }
            return line == 6 && message.contains("does not close <seg>")
        }
        #expect(try t.memory.unitCount() == 0)
    }

    @Test func aFileThatIsNotTMXIsRefused() throws {
        let t = try TemporaryMemory()
        #expect(throws: MemoryError.self) { try t.memory.importTMX(path: try t.file("x.tmx", "<html><body>hi</body></html>")) }
        #expect(throws: MemoryError.self) { try t.memory.importTMX(path: try t.file("y.tmx", "")) }
    }

    @Test func anUnsupportedEncodingSaysHowToConvert() throws {
        let t = try TemporaryMemory()
        let text = tmx(tu("أ.", "A.")).replacingOccurrences(of: "UTF-8", with: "windows-1256")
        #expect {
            try t.memory.importTMX(path: try t.file("w.tmx", text))
        } throws: { error in "\(error)".contains("iconv") }
    }

    @Test func exportThenImportGivesTheSameUnits() throws {
        let a = try TemporaryMemory(), b = try TemporaryMemory()
        try a.memory.add([
            UnitDraft(source: "قال <د.> أحمد & رفاقه.", target: "Dr. Ahmed & co. said \"no\".", origin: "a.txt", position: 3,
                      previousSource: "جملة سابقة.", confidence: 0.9, createdBy: "hala", properties: ["x-domain": "news"], notes: ["checked"]),
            UnitDraft(source: "ب.", target: "B."),
        ])
        var xml = ""
        _ = try a.memory.exportTMX { xml += $0 }
        _ = try b.memory.importTMX(path: try b.file("round.tmx", xml))
        var left: [TranslationUnit] = [], right: [TranslationUnit] = []
        try a.memory.forEachUnit { left.append($0) }
        try b.memory.forEachUnit { right.append($0) }
        func comparable(_ u: TranslationUnit) -> [String] {
            [u.source, u.target, u.sourceLanguage, u.targetLanguage, u.origin ?? "", String(u.position ?? -1),
             String(format: "%.3f", u.confidence ?? -1), String(u.previousHash ?? 0), u.createdBy ?? "",
             TMXWriter.date(u.createdAt), u.properties.description, u.notes.description]
        }
        #expect(left.map(comparable) == right.map(comparable))
    }

    @Test func importFileRecognisesTMXAndTSV() throws {
        let t = try TemporaryMemory()
        #expect(try t.memory.importFile(path: try t.file("a.xml", tmx(tu("أ.", "A.")))).format == "tmx")
        #expect(try t.memory.importFile(path: try t.file("b.tsv", "ب.\tB.\n")).format == "tsv")
    }
}

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let sharedTMX = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data/tmx/tico19-en-ar.tmx").path

/// Runs a program and returns its exit status and standard output.
func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [program] + arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// translate-toolkit present (pip install translate-toolkit)?
let translateToolkit: Bool = (try? run("python3", ["-c", "import translate.storage.tmx"]).status == 0) ?? false

@Suite("TMX with outside data and readers")
struct TMXOutsideTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: sharedTMX), "../shared/data/tmx absent: skipped"))
    func tico19ImportsEveryUnit() throws {
        let t = try TemporaryMemory()
        let r = try t.memory.importTMX(path: sharedTMX)
        // 3,071 <tu> elements, one of them an exact repeat: 3,070 distinct units.
        #expect(r.added == 3_070)
        #expect(r.duplicates == 1)
        #expect(r.skippedCount == 0)
    }

    @Test(.enabled(if: translateToolkit, "translate-toolkit absent (pip install translate-toolkit): skipped"))
    func translateToolkitReadsOurExportWithTheRightLanguages() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "وصل الوفد إلى موسكو.", target: "The delegation arrived in Moscow."),
                          UnitDraft(source: "قال <د.> أحمد & رفاقه.", target: "Dr. Ahmed & co. said \"no\".", notes: ["n"])])
        var xml = ""
        _ = try t.memory.exportTMX { xml += $0 }
        let path = try t.file("out.tmx", xml)
        let (status, output) = try run("python3", [packageRoot.appendingPathComponent("scripts/ttk-read.py").path, path])
        #expect(status == 0)
        let seen = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        #expect(seen?["units"] as? Int == 2)
        #expect(seen?["sourcelanguage"] as? String == "ar")
        #expect(seen?["variant_languages"] as? [String] == ["ar/en"])
        let first = (seen?["first"] as? [[String: String]])?.last
        #expect(first?["source"] == "قال <د.> أحمد & رفاقه.")
        #expect(first?["target"] == "Dr. Ahmed & co. said \"no\".")
    }
}
