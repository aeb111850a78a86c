import Foundation
import Testing

/// Inputs a user may hand over by mistake: an output folder that is the input folder, a file in
/// another encoding, binary data. Nothing is overwritten, nothing stored as garbage.
@Suite("Command line safety")
struct SafetyCLITests {
    @Test func segmentRefusesToWriteOverItsInput() throws {
        let cli = try CLI()
        let article = try cli.file("art.txt", "وصل الرئيس إلى القاهرة. وقال إن الزيارة مهمة.\n")
        let before = try Data(contentsOf: URL(fileURLWithPath: article))
        let r = try cli.run(["segment", "--out", cli.dir.path, article])
        #expect(r.status != 0)
        #expect(r.err.contains("refusing to write") && r.err.contains("input"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: article)) == before)
        let json = try cli.run(["segment", "--json", "--out", cli.dir.appendingPathComponent("out").path, article])
        #expect(json.status == 0)
        #expect(try CLI.objects(String(contentsOf: cli.dir.appendingPathComponent("out/art.jsonl"), encoding: .utf8)).count == 2)
    }

    @Test func pretranslateRefusesAnOutputFolderHoldingItsArticles() throws {
        let cli = try CLI()
        try FileManager.default.createDirectory(at: cli.dir.appendingPathComponent("wires"), withIntermediateDirectories: true)
        let article = try cli.file("wires/a.txt", "وصل الرئيس إلى القاهرة.\n")
        #expect(try cli.run(["memory", "create", "--memory", cli.memory]).status == 0)
        let r = try cli.run(["pretranslate", "wires", "--out", "wires", "--format", "txt", "--memory", cli.memory])
        #expect(r.status != 0)
        #expect(r.err.contains("refusing to write"))
        #expect(try String(contentsOfFile: article, encoding: .utf8) == "وصل الرئيس إلى القاهرة.\n")
        #expect(!FileManager.default.fileExists(atPath: cli.dir.appendingPathComponent("wires/report.json").path))
        let ok = try cli.run(["pretranslate", "wires", "--out", "out", "--format", "txt", "--memory", cli.memory])
        #expect(ok.status == 0, "\(ok.err)")
    }

    @Test func aReviewFileNeverLandsOnAnArticleOrTheMemory() throws {
        let cli = try CLI()
        let ar = try cli.file("ar.txt", try String(contentsOfFile: cli.sample("Samples/putin-xi/ar.txt"), encoding: .utf8))
        let en = try cli.file("en.txt", try String(contentsOfFile: cli.sample("Samples/putin-xi/en.txt"), encoding: .utf8))
        let before = try Data(contentsOf: URL(fileURLWithPath: en))
        for target in [en, cli.memory] {
            let r = try cli.run(["align", "--store", "--create", "--min-confidence", "0.99", "--review", target, "--memory", cli.memory, ar, en])
            #expect(r.status != 0)
            #expect(r.err.contains("refusing to write") && r.err.contains("another --review file"), "\(r.err)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: en)) == before)
    }

    @Test func utf16AndNULAreNeverStoredAsText() throws {
        let cli = try CLI()
        #expect(try cli.run(["memory", "create", "--memory", cli.memory]).status == 0)
        let pair = "وصل الرئيس\tThe president arrived\n"
        let withBOM = cli.dir.appendingPathComponent("bom.tsv"), noBOM = cli.dir.appendingPathComponent("nobom.tsv")
        try (Data([0xFF, 0xFE]) + pair.data(using: .utf16LittleEndian)!).write(to: withBOM)
        try pair.data(using: .utf16LittleEndian)!.write(to: noBOM)
        for file in [withBOM, noBOM] {
            let r = try cli.run(["import", file.path, "--memory", cli.memory])
            #expect(r.status != 0)
            #expect(r.err.contains("UTF-16") && r.err.contains("iconv -f UTF-16"))
        }
        let nul = try cli.file("nul.tsv", "وصل\u{0}الرئيس\tThe president\nغادر الوزير\tThe minister left\n")
        let r = try cli.run(["import", nul, "--memory", cli.memory])
        #expect(r.err.contains("nul.tsv:1") && r.err.contains("NUL"))
        let stats = try cli.run(["export", "--format", "tsv", "--memory", cli.memory])
        #expect(stats.out == "غادر الوزير\tThe minister left\n")
    }

    @Test func articlesInUTF16AreReadAndLegacyCodePagesNamed() throws {
        let cli = try CLI()
        let article = cli.dir.appendingPathComponent("u16.txt")
        try (Data([0xFF, 0xFE]) + "وصل الرئيس إلى القاهرة.\n".data(using: .utf16LittleEndian)!).write(to: article)
        let r = try cli.run(["segment", article.path])
        #expect(r.status == 0)
        #expect(r.out == "وصل الرئيس إلى القاهرة.\n")
        let cp1256 = cli.dir.appendingPathComponent("old.txt")
        // "مرحبا" in Windows-1256.
        try Data([0xE3, 0xD1, 0xCD, 0xC8, 0xC7, 0x20, 0xC8, 0xDF, 0xE3]).write(to: cp1256)
        let old = try cli.run(["segment", cp1256.path])
        #expect(old.status != 0)
        #expect(old.err.contains("iconv -f CP1256"))
        let latin = cli.dir.appendingPathComponent("latin.txt")
        try Data("caf".utf8 + [0xE9] + " and more text here".utf8).write(to: latin)
        #expect(try cli.run(["segment", latin.path]).err.contains("iconv -f CP1252"))
        let binary = cli.dir.appendingPathComponent("bin.txt")
        try Data("text\nmore\u{0}x".utf8).write(to: binary)
        let b = try cli.run(["segment", binary.path])
        #expect(b.status != 0)
        #expect(b.err.contains("bin.txt':2") && b.err.contains("NUL"))
    }
}

@Suite("Opening the wrong file")
struct WrongFileCLITests {
    /// Another application's database, a file that is not SQLite and a memory of a newer schema
    /// are refused by a writing command and left byte for byte as they were.
    @Test func foreignAndNewerFilesAreLeftUntouched() throws {
        let cli = try CLI()
        let pairs = try cli.file("pairs.tsv", "غادر الوزير\tThe minister left\n")
        let foreign = cli.dir.appendingPathComponent("crm.db").path
        try Self.sqlite(foreign, "CREATE TABLE customers (id INTEGER, name TEXT); INSERT INTO customers VALUES (1, 'x');")
        let notSQLite = try cli.file("notes.tmdb", "not a database\n")
        #expect(try cli.run(["memory", "create", "--memory", cli.memory]).status == 0)
        let newer = cli.dir.appendingPathComponent("newer.tmdb").path
        try FileManager.default.copyItem(atPath: cli.memory, toPath: newer)
        try Self.sqlite(newer, "INSERT INTO grdb_migrations VALUES ('v99 from the future');")
        for (file, says) in [(foreign, "another application"), (notSQLite, "not an SQLite database"), (newer, "newer Tarjama")] {
            let before = try Data(contentsOf: URL(fileURLWithPath: file))
            let r = try cli.run(["import", pairs, "--memory", file])
            #expect(r.status != 0)
            #expect(r.err.contains(says), "\(r.err)")
            #expect(!r.err.contains("upgrading"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        }
        // Not switched to WAL (a memory would be): the other application's journal mode stays.
        #expect(!FileManager.default.fileExists(atPath: foreign + "-wal"))
        #expect(try cli.run(["import", pairs, "--memory", cli.memory]).status == 0)
    }

    static func sqlite(_ path: String, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", path, sql]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }
}

@Suite("A memory in a read-only folder")
struct ReadOnlyMemoryCLITests {
    /// Another user (or this one, when not root) reads a memory whose file and folder it may not
    /// write; a writing command says why it cannot, and the files stay as they were.
    @Test func aReadOnlyMemoryCanBeReadByAnotherUser() throws {
        let cli = try CLI()
        let folder = cli.dir.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let memory = folder.appendingPathComponent("desk.tmdb").path
        let pairs = try cli.file("pairs.tsv", "غادر الوزير القاهرة\tThe minister left Cairo\n")
        #expect(try cli.run(["import", "--create", pairs, "--memory", memory]).status == 0)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: memory)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path) }
        let before = try Data(contentsOf: URL(fileURLWithPath: memory))
        // As root every file is writable: the reader is then `nobody`.
        let asOther = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "nobody", "--", CLI.binary] : [CLI.binary]
        func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: asOther[0])
            p.arguments = Array(asOther.dropFirst()) + arguments
            p.currentDirectoryURL = URL(fileURLWithPath: "/")
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
        }
        let lookup = try run(["lookup", "غادر الوزير القاهرة", "--memory", memory])
        #expect(lookup.status == 0, "\(lookup.err)")
        #expect(lookup.out.contains("The minister left Cairo"))
        let export = try run(["export", "--format", "tsv", "--memory", memory])
        #expect(export.out == "غادر الوزير القاهرة\tThe minister left Cairo\n")
        let write = try run(["import", pairs, "--memory", memory])
        #expect(write.status != 0)
        #expect(write.err.contains("may not write"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: memory)) == before)
    }
}

@Suite("Bounds and leftovers")
struct BoundsCLITests {
    /// A file without line breaks stops the import with the line, memory bounded; nothing stored.
    @Test func aTSVWithoutLineBreaksStopsTheImport() throws {
        let cli = try CLI()
        let endless = cli.dir.appendingPathComponent("endless.tsv")
        try Data(repeating: 0x41, count: 9 << 20).write(to: endless)
        let r = try cli.run(["import", "--create", endless.path, "--memory", cli.memory])
        #expect(r.status != 0)
        #expect(r.err.contains("endless.tsv:1") && r.err.contains("no line break"))
    }

    /// An article past the size limit is refused before it is read (64 MB; 1 MB here).
    @Test func anOversizedArticleIsRefusedBeforeReading() throws {
        let cli = try CLI()
        let big = try cli.file("big.txt", String(repeating: "وصل الرئيس إلى القاهرة. ", count: 60_000))
        let r = try cli.run(["segment", big], environment: ["TARJAMA_MAX_FILE_MB": "1"])
        #expect(r.status != 0)
        #expect(r.err.contains("big.txt") && r.err.contains("at most 1 MB"))
        #expect(try cli.run(["segment", big]).status == 0)
    }

    @Test func numericOptionsOutOfRangeAreRefused() throws {
        let cli = try CLI()
        for (arguments, says) in [(["align", "--store", "--min-confidence", "nan", "a.txt", "b.txt"], "--min-confidence"),
                                  (["align", "--store", "--min-confidence", "2", "a.txt", "b.txt"], "--min-confidence"),
                                  (["lexicon", "train", "--iterations", "1000000000"], "--iterations"),
                                  (["lexicon", "train", "--max-pairs", "0"], "--max-pairs"),
                                  (["lookup", "--limit", "0", "وصل"], "--limit")] {
            let r = try cli.run(arguments)
            #expect(r.status != 0)
            #expect(r.err.contains(says), "\(arguments): \(r.err)")
        }
    }

    /// An empty journal beside a memory is no import running; a journal a killed import left is
    /// rolled back before a reading command reads.
    @Test func leftoverJournalsDoNotStopReaders() throws {
        let cli = try CLI()
        let pairs = try cli.file("pairs.tsv", "غادر الوزير القاهرة\tThe minister left Cairo\n")
        #expect(try cli.run(["import", "--create", pairs, "--memory", cli.memory]).status == 0)
        FileManager.default.createFile(atPath: cli.memory + "-journal", contents: Data())
        let r = try cli.run(["lookup", "غادر الوزير القاهرة", "--memory", cli.memory])
        #expect(r.status == 0)
        #expect(!r.err.contains("being filled"))
        #expect(r.out.contains("The minister left Cairo"))
    }
}

@Suite("Listing memories")
struct ListingCLITests {
    @Test func aBadFileDoesNotStopTheListing() throws {
        let cli = try CLI()
        let folder = cli.dir.appendingPathComponent("Memories").path
        #expect(try cli.run(["memory", "create", "--memory", folder + "/a.tmdb"]).status == 0)
        _ = try cli.file("Memories/b.tmdb", "not a database\n")
        #expect(try cli.run(["memory", "create", "--memory", folder + "/c.tmdb"]).status == 0)
        let r = try cli.run(["memory", "list", folder])
        #expect(r.status == 1)
        #expect(r.out.contains("a.tmdb") && r.out.contains("b.tmdb\tunreadable") && r.out.contains("c.tmdb\t0 units"))
    }
}

@Suite("A full disk")
struct FullDiskCLITests {
    /// Standard output on a full device: the command fails and says so, never "ok".
    @Test func printingToAFullDeviceFails() throws {
        let cli = try CLI()
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        for arguments in [["segment", cli.sample("Samples/putin-xi/ar.txt")], ["segment", "--json", cli.sample("Samples/putin-xi/en.txt")]] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLI.binary)
            p.arguments = arguments
            p.currentDirectoryURL = cli.dir
            let err = Pipe()
            p.standardOutput = full
            p.standardError = err
            try p.run()
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 1, "\(arguments)")
            #expect(e.contains("standard output") && e.contains("space"), "\(e)")
        }
    }
}

@Suite("Index damage, reruns and saved fuzz inputs")
struct ReliabilityCLITests {
    /// Damaged posting blocks make lookups miss without an error: `memory check --deep` finds
    /// them (exit 1, the terms named, the command to run) and `memory reindex` mends them.
    @Test func aDamagedIndexIsFoundAndRebuilt() throws {
        let cli = try CLI()
        let pairs = try cli.file("pairs.tsv", """
            وصل الرئيس إلى القاهرة صباح الأحد.\tThe president arrived in Cairo on Sunday morning.
            قال الوزير إن المحادثات بناءة.\tThe minister said the talks were constructive.
            ارتفعت الأسعار بنسبة ٣٪ في ٢٠٢٦.\tPrices rose by 3% in 2026.

            """)
        #expect(try cli.run(["import", "--create", pairs, "--memory", cli.memory]).status == 0)
        let clean = try cli.run(["memory", "check", "--deep", "--memory", cli.memory])
        #expect(clean.status == 0 && clean.out.contains("index           ok (3 units"), "\(clean.out)\(clean.err)")
        try WrongFileCLITests.sqlite(cli.memory, "UPDATE posting SET ids = x'ffffffffffffffffff7f05' WHERE term IN (SELECT id FROM term WHERE side = 0 AND text = 'وزير')")
        let damaged = try cli.run(["memory", "check", "--deep", "--json", "--memory", cli.memory])
        #expect(damaged.status == 1)
        let report = try #require(CLI.objects(damaged.out).first)
        #expect(report["ok"] as? Bool == false)
        let index = try #require(report["index"] as? [String: Any])
        #expect((index["problems"] as? [String])?.contains { $0.contains("'وزير'") } == true, "\(damaged.out)")
        #expect(try cli.run(["memory", "reindex", "--memory", cli.memory]).status == 0)
        let mended = try cli.run(["memory", "check", "--deep", "--memory", cli.memory])
        #expect(mended.status == 0, "\(mended.out)")
        let lookup = try cli.run(["lookup", "--memory", cli.memory, "قال الوزير إن المحادثات بناءة."])
        #expect(lookup.out.contains("The minister said the talks were constructive."))
    }

    /// A `<seg>` past the field limit stops a TMX import with its line; nothing is stored.
    @Test func anOversizedSegmentStopsTheImport() throws {
        let cli = try CLI()
        let huge = String(repeating: "كلمة ", count: 300_000)   // 3 MB
        let tmx = try cli.file("huge.tmx", """
            <?xml version="1.0" encoding="UTF-8"?>
            <tmx version="1.4"><header srclang="ar" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="t" creationtool="t" creationtoolversion="1"/><body>
            <tu><tuv xml:lang="ar"><seg>قصيرة</seg></tuv><tuv xml:lang="en"><seg>Short</seg></tuv></tu>
            <tu><tuv xml:lang="ar"><seg>\(huge)</seg></tuv><tuv xml:lang="en"><seg>Long</seg></tuv></tu>
            </body></tmx>
            """)
        let r = try cli.run(["import", "--create", tmx, "--memory", cli.memory], environment: ["TARJAMA_MAX_FIELD_MB": "2"])
        #expect(r.status != 0)
        #expect(r.err.contains("huge.tmx:4") && r.err.contains("longer than 2 MB"), "\(r.err)")
        #expect(try cli.run(["import", tmx, "--memory", cli.memory]).status == 0)
    }

    /// Storing the same batch of articles twice adds nothing and counts nothing again.
    @Test func aRerunOfAnAlignedBatchCountsNothingTwice() throws {
        let cli = try CLI()
        #expect(try cli.run(["memory", "create", "--memory", cli.memory]).status == 0)
        let store = ["align", "--store", "--memory", cli.memory, cli.sample("Samples/putin-xi/ar.txt"), cli.sample("Samples/putin-xi/en.txt")]
        #expect(try cli.run(store).status == 0)
        let first = try cli.run(["memory", "stats", "--json", "--memory", cli.memory])
        let again = try cli.run(store)
        #expect(again.out.contains("stored 0 pairs"), "\(again.out)")
        let second = try cli.run(["memory", "stats", "--json", "--memory", cli.memory])
        let a = try #require(CLI.objects(first.out).first), b = try #require(CLI.objects(second.out).first)
        #expect(a["units"] as? Int == b["units"] as? Int)
        #expect(a["occurrences"] as? Int == b["occurrences"] as? Int)
    }

    /// Every saved fuzz input (seeds and crashes once fixed) goes through the readers without a
    /// crash, in the ordinary build.
    @Test func savedFuzzInputsReplayWithoutACrash() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().appendingPathComponent("tarjama-fuzz")
        p.arguments = [CLI.packageRoot.appendingPathComponent("Tests/Fuzz/seeds").path,
                       CLI.packageRoot.appendingPathComponent("Tests/Fuzz/crashes").path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(text.hasPrefix("replayed "))
    }
}
