import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TarjamaPostgres

/// Runs the `tarjama` binary built beside the tests, in a temporary folder, and gives its exit
/// status, standard output and standard error.
struct CLI {
    static let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("tarjama").path
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    var memory: String { dir.appendingPathComponent("desk.tmdb").path }

    func sample(_ path: String) -> String { Self.packageRoot.appendingPathComponent(path).path }

    func file(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = arguments
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["TARJAMA_MEMORY"] = nil
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Each line of `text` parsed as a JSON object.
    static func objects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }

    /// The seed article and its translation aligned into `memory`.
    func alignSample() throws {
        let r = try run(["align", "--store", "--create", "--memory", memory, sample("Samples/putin-xi/ar.txt"), sample("Samples/putin-xi/en.txt")])
        #expect(r.status == 0, "\(r.err)")
    }
}

@Suite("Command line")
struct CLITests {
    @Test func helpListsTheTranslatorsCommandsAndNoDeveloperOnes() throws {
        let r = try CLI().run(["--help"])
        #expect(r.status == 0)
        for command in ["segment", "align", "memory", "lookup", "concordance", "pretranslate", "import", "export", "lexicon"] {
            #expect(r.out.contains("  \(command)"), "missing \(command)")
        }
        #expect(!r.out.contains("  bench"))
        #expect(!r.out.contains("  eval"))
    }

    @Test func memoryMayBeNamedBeforeTheCommandAfterItOrBetweenMemoryAndItsSubcommand() throws {
        let cli = try CLI()
        try cli.alignSample()
        for arguments in [["--memory", cli.memory, "memory", "stats", "--json"], ["memory", "--memory", cli.memory, "stats", "--json"],
                          ["memory", "stats", "--memory", cli.memory, "--json"]] {
            let r = try cli.run(arguments)
            #expect(r.status == 0, "\(arguments): \(r.err)")
            let stats = try #require(try CLI.objects(r.out).first)
            #expect(stats["units"] as? Int == 19, "\(arguments)")
            #expect(stats["path"] as? String == cli.memory)
        }
        let env = try cli.run(["memory", "stats", "--json"], environment: ["TARJAMA_MEMORY": cli.memory])
        #expect(try CLI.objects(env.out).first?["units"] as? Int == 19)
    }

    @Test func lookupJSONGivesTheQueryAndScoredMatchesWithTheSubstitutedTarget() throws {
        let cli = try CLI()
        try cli.alignSample()
        let query = "وأشار بوتين إلى أن “حجم مبيعات البضائع في روسيا الاتحادية والصين سينمو بنحو 30٪ بحلول عام 2024 ، مع وصول الدول إلى معايير 250 مليار دولار في وقت مبكر”."
        let r = try cli.run(["lookup", "--memory", cli.memory, "--json", query])
        #expect(r.status == 0, "\(r.err)")
        let line = try #require(try CLI.objects(r.out).first)
        #expect(line["query"] as? String == query)
        let best = try #require((line["matches"] as? [[String: Any]])?.first)
        #expect((best["score"] as? Int ?? 0) >= 95)
        #expect((best["target"] as? String)?.contains("250 billion dollar") == true)
        #expect(best["unitID"] is Int)
        #expect(best["band"] is String)
    }

    @Test func concordanceFindsAPhraseOnEitherSide() throws {
        let cli = try CLI()
        try cli.alignSample()
        let source = try cli.run(["concordance", "--memory", cli.memory, "--json", "شي جين بينغ"])
        #expect(source.status == 0, "\(source.err)")
        let units = try CLI.objects(source.out)
        #expect(!units.isEmpty)
        #expect(units.allSatisfy { $0["id"] is Int && $0["source"] is String && $0["target"] is String })
        let target = try cli.run(["concordance", "--memory", cli.memory, "--side", "target", "--json", "video call"])
        #expect(try CLI.objects(target.out).contains { ($0["target"] as? String)?.lowercased().contains("video call") == true })
    }

    @Test func importThenExportRoundTripsAndReportsAsJSON() throws {
        let cli = try CLI()
        let tsv = try cli.file("pairs.tsv", "وصل الوفد إلى موسكو.\tThe delegation arrived in Moscow.\nغادر الوفد بكين.\tThe delegation left Beijing.\nسطر بلا ترجمة\n")
        let r = try cli.run(["import", "--create", "--memory", cli.memory, "--json", tsv])
        #expect(r.status == 0, "\(r.err)")
        let report = try #require(try CLI.objects(r.out).first)
        #expect(report["added"] as? Int == 2)
        #expect(report["skippedCount"] as? Int == 1)
        let tmx = cli.dir.appendingPathComponent("out.tmx").path
        #expect(try cli.run(["export", "--memory", cli.memory, "--format", "tmx", "--out", tmx]).status == 0)
        let text = try String(contentsOfFile: tmx, encoding: .utf8)
        #expect(text.contains("<seg>The delegation left Beijing.</seg>"))
    }

    @Test func pretranslateWritesOutputsAndAJSONAnalysis() throws {
        let cli = try CLI()
        try cli.alignSample()
        let out = cli.dir.appendingPathComponent("out").path
        let r = try cli.run(["pretranslate", "--memory", cli.memory, "--json", "--format", "xliff", "--out", out, cli.sample("Samples/new-articles")])
        #expect(r.status == 0, "\(r.err)")
        let analysis = try #require(try CLI.objects(r.out).first)
        #expect(analysis["total"] != nil)
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(files.contains("report.json"))
        #expect(files.contains { $0.hasSuffix(".xlf") })
    }

    /// An export never overwrites the memory, a folder or a FIFO, and leaves no temporary file.
    @Test func exportRefusesToWriteOverTheMemoryOrANonRegularFile() throws {
        let cli = try CLI()
        try cli.alignSample()
        let before = try Data(contentsOf: URL(fileURLWithPath: cli.memory))
        for target in [cli.memory, cli.memory + "-wal", cli.dir.path] {
            let r = try cli.run(["export", "--memory", cli.memory, "--format", "tsv", "--out", target])
            #expect(r.status != 0, "\(target)")
            #expect(r.err.contains("refusing to write"), "\(target): \(r.err)")
        }
        let fifo = cli.dir.appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let r = try cli.run(["export", "--memory", cli.memory, "--out", fifo])
        #expect(r.err.contains("not a regular file"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.memory)) == before)
        #expect(try cli.run(["memory", "check", "--memory", cli.memory]).out.contains("ok"))
        let tsv = cli.dir.appendingPathComponent("out.tsv").path
        #expect(try cli.run(["export", "--memory", cli.memory, "--format", "tsv", "--out", tsv]).status == 0)
        #expect(try String(contentsOfFile: tsv, encoding: .utf8).split(separator: "\n").count == 19)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.dir.path).allSatisfy { !$0.contains(".tarjama-") })
    }

    @Test func aUnitIsAddedCorrectedWithItsHistoryShownAndDeleted() throws {
        let cli = try CLI()
        let env = ["TARJAMA_USER": "hala"]
        let added = try cli.run(["unit", "add", "--create", "--memory", cli.memory, "--source", "وصل الوفد إلى موسكو.",
                                 "--target", "The delegation arrived in Moscow.", "--json"], environment: env)
        #expect(added.status == 0, "\(added.err)")
        let id = try #require(try CLI.objects(added.out).first?["id"] as? Int)
        let edited = try cli.run(["unit", "edit", "--memory", cli.memory, "\(id)", "--target", "The delegation reached Moscow."],
                                 environment: ["TARJAMA_USER": "omar"])
        #expect(edited.out == "edited unit \(id)\n")
        let shown = try CLI.objects(try cli.run(["unit", "show", "--memory", cli.memory, "\(id)", "--json"]).out).first
        let unit = try #require(shown?["unit"] as? [String: Any])
        #expect(unit["target"] as? String == "The delegation reached Moscow.")
        #expect(unit["created_by"] as? String == "hala")
        #expect(unit["changed_by"] as? String == "omar")
        #expect((unit["changed_at"] as? String)?.hasPrefix("20") == true)
        let history = try #require(shown?["history"] as? [[String: Any]])
        #expect(history.map { $0["target"] as? String } == ["The delegation arrived in Moscow."])
        #expect(history.first?["replaced_by"] as? String == "omar")
        let lookup = try cli.run(["lookup", "--memory", cli.memory, "--json", "وصل الوفد إلى موسكو."])
        #expect(lookup.out.contains("reached Moscow") && !lookup.out.contains("arrived"))
        #expect(try cli.run(["unit", "delete", "--memory", cli.memory, "\(id)"]).status == 0)
        let gone = try cli.run(["unit", "show", "--memory", cli.memory, "\(id)"])
        #expect(gone.status != 0)
        #expect(gone.err.contains("no unit with id \(id)"))
    }

    @Test func alignStoreRefusesSwappedSameLanguageAndIdenticalFiles() throws {
        let cli = try CLI()
        let ar = cli.sample("Samples/putin-xi/ar.txt"), en = cli.sample("Samples/putin-xi/en.txt")
        let other = cli.sample("Samples/new-articles/xi-visit.txt")
        for (files, says) in [([en, ar], "look swapped"), ([ar, other], "both files look Arabic"), ([en, en], "hold the same text")] {
            let r = try cli.run(["align", "--store", "--create", "--memory", cli.memory] + files)
            #expect(r.status == 1, "\(files)")
            #expect(r.err.contains(says) && r.err.contains("nothing was stored"), "\(r.err)")
        }
        if FileManager.default.fileExists(atPath: cli.memory) {
            #expect(try cli.run(["memory", "stats", "--memory", cli.memory]).out.contains("units           0"))
        }
        let swapped = try cli.run(["align", en, ar])
        #expect(swapped.err.contains("warning: the files look swapped"))
    }

    @Test func heldBackBeadsGoToAReviewFileThatIsStoredAfterEditing() throws {
        let cli = try CLI()
        let held = cli.dir.appendingPathComponent("held.tsv").path
        let r = try cli.run(["align", "--store", "--create", "--memory", cli.memory, "--min-confidence", "0.9", "--review", held,
                             cli.sample("Samples/putin-xi/ar.txt"), cli.sample("Samples/putin-xi/en.txt")])
        #expect(r.status == 0, "\(r.err)")
        let lines = try String(contentsOfFile: held, encoding: .utf8).split(separator: "\n")
        let pairs = lines.filter { !$0.hasPrefix("#") }
        #expect(!pairs.isEmpty && pairs.allSatisfy { $0.split(separator: "\t").count == 4 })
        // The reviewer deletes the first pair and keeps the others.
        try (lines.filter { $0.hasPrefix("#") } + pairs.dropFirst()).joined(separator: "\n").write(toFile: held, atomically: true, encoding: .utf8)
        let stored = try cli.run(["align", "--store-reviewed", held, "--memory", cli.memory])
        #expect(stored.status == 0 && stored.out.contains("stored \(pairs.count - 1) reviewed pairs"), "\(stored.out)\(stored.err)")
        try "# header\nonly two\tcolumns\n".write(toFile: held, atomically: true, encoding: .utf8)
        let bad = try cli.run(["align", "--store-reviewed", held, "--memory", cli.memory])
        #expect(bad.status != 0 && bad.err.contains("held.tsv:2:"))
    }

    @Test func theSourceLineShowsTheStoredTextWithTheChangesMarked() throws {
        let cli = try CLI()
        _ = try cli.run(["unit", "add", "--create", "--memory", cli.memory, "--source", "وقال إن الطرف الآخر - أعظم قوة - رفض العرض.",
                         "--target", "He said the other side - the greater power - refused the offer."])
        let r = try cli.run(["lookup", "--memory", cli.memory, "وقال إن الطرف الآخر - أعظم قوة - قبل العرض."])
        #expect(r.out.contains("src  وقال إن الطرف الآخر - أعظم قوة - {-رفض-}{+قبل+} العرض."), "\(r.out)")
        #expect(r.out.contains("% fuzzy"))
        let exact = try cli.run(["lookup", "--memory", cli.memory, "وقال إن الطرف الآخر - أعظم قوة - رفض العرض."])
        #expect(exact.out.contains("100% exact"))
    }

    @Test func aMissingMemorySaysHowToCreateIt() throws {
        let cli = try CLI()
        let r = try cli.run(["lookup", "--memory", cli.dir.appendingPathComponent("none.tmdb").path, "وصل الوفد."])
        #expect(r.status != 0)
        #expect(r.err.contains("does not exist"))
        #expect(r.err.contains("tarjama memory create"))
    }

    @Test func aMistypedMemoryIsNotCreatedAndOtherMistakesSayWhatToDo() throws {
        let cli = try CLI()
        let typo = cli.dir.appendingPathComponent("Memoires/desk.tmdb").path
        let tsv = try cli.file("a.tsv", "وصل الوفد.\tThe delegation arrived.\n")
        let r = try cli.run(["import", "--memory", typo, tsv])
        #expect(r.status != 0 && r.err.contains("does not exist") && r.err.contains("--create"))
        #expect(!FileManager.default.fileExists(atPath: typo))
        #expect(try cli.run(["lookup", "--memory", cli.dir.path, "وصل"]).err.contains("is a folder"))
        // Standard input, and a file whose every line is skipped.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["import", "--create", "--memory", cli.memory, "-"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data("وصل الوفد.\tThe delegation arrived.\n".utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(said.hasPrefix("-: 1 added"))
        let bad = try cli.run(["import", "--memory", cli.memory, try cli.file("bad.tsv", "no tab\nnone here\n")])
        #expect(bad.status == 1 && bad.err.contains("nothing imported"))
        let english = try cli.run(["lookup", "--memory", cli.memory, "the delegation arrived in the capital"])
        #expect(english.err.contains("looks English") && english.err.contains("concordance --side target"))
    }

    @Test func badOptionValuesAreRefusedWithTheRange() throws {
        let cli = try CLI()
        let r = try cli.run(["lookup", "--memory", cli.memory, "--min", "200", "وصل الوفد."])
        #expect(r.status == 64)
        #expect(r.err.contains("--min must be between 0 and 101"))
        let c = try cli.run(["concordance", "--memory", cli.memory, "--limit", "0", "الوفد"])
        #expect(c.status == 64)
        #expect(c.err.contains("--limit must be at least 1"))
    }

    @Test func segmentJSONMarksBoilerplateAndKinds() throws {
        let cli = try CLI()
        let r = try cli.run(["segment", "--json", cli.sample("Samples/putin-xi/ar.txt")])
        #expect(r.status == 0, "\(r.err)")
        let segments = try CLI.objects(r.out)
        #expect(segments.first?["kind"] as? String == "headline")
        #expect(segments.contains { $0["kind"] as? String == "boilerplate" })
        #expect(segments.allSatisfy { $0["text"] is String && $0["index"] is Int })
    }
}

/// The same commands on a PostgreSQL memory, when the test script provides a server.
@Suite("Command line on PostgreSQL", .enabled(if: ProcessInfo.processInfo.environment["TARJAMA_TEST_POSTGRES"] != nil,
                                              "no TARJAMA_TEST_POSTGRES: run through scripts/test.sh"))
struct PostgresCLITests {
    let server = ProcessInfo.processInfo.environment["TARJAMA_TEST_POSTGRES"] ?? ""

    @Test func importLookupConcordanceStatsAndExportWorkOnADatabase() throws {
        let cli = try CLI()
        let name = "tarjama_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        let memory = try PostgresMemory.createDatabase(server: server, name: String(name))
        try cli.alignSampleInto(memory)
        let stats = try cli.run(["memory", "stats", "--memory", memory, "--json"])
        #expect(stats.status == 0, "\(stats.err)")
        #expect(try CLI.objects(stats.out).first?["units"] as? Int == 19)
        let query = "وأشار بوتين إلى أن “حجم مبيعات البضائع في روسيا الاتحادية والصين سينمو بنحو 30٪ بحلول عام 2024 ، مع وصول الدول إلى معايير 250 مليار دولار في وقت مبكر”."
        let sqlite = try CLI()
        try sqlite.alignSample()
        let onPostgres = try cli.run(["--memory", memory, "lookup", "--json", query])
        let onSQLite = try sqlite.run(["--memory", sqlite.memory, "lookup", "--json", query])
        #expect(onPostgres.status == 0, "\(onPostgres.err)")
        let best = try #require((try CLI.objects(onPostgres.out).first?["matches"] as? [[String: Any]])?.first)
        let same = try #require((try CLI.objects(onSQLite.out).first?["matches"] as? [[String: Any]])?.first)
        #expect(best["score"] as? Int == same["score"] as? Int)
        #expect(best["target"] as? String == same["target"] as? String)
        let concordance = try cli.run(["concordance", "--memory", memory, "--json", "شي جين بينغ"])
        #expect(try CLI.objects(concordance.out).count == CLI.objects(try sqlite.run(["concordance", "--memory", sqlite.memory, "--json", "شي جين بينغ"]).out).count)
        let tmx = cli.dir.appendingPathComponent("pg.tmx").path
        #expect(try cli.run(["export", "--memory", memory, "--out", tmx]).status == 0)
        #expect(try String(contentsOfFile: tmx, encoding: .utf8).components(separatedBy: "<tu ").count - 1 == 19)
    }

    @Test func aMissingDatabaseIsAnErrorThatSaysHowToCreateIt() throws {
        let cli = try CLI()
        let slash = server.range(of: "/", options: .backwards)!.lowerBound
        let address = String(server[..<slash]) + "/no_such_newsroom"
        let r = try cli.run(["memory", "stats", "--memory", address])
        #expect(r.status != 0)
        #expect(r.err.contains("does not exist"))
        #expect(r.err.contains("createdb"))
    }
}

extension CLI {
    func alignSampleInto(_ memory: String) throws {
        let r = try run(["align", "--store", "--create", "--memory", memory, sample("Samples/putin-xi/ar.txt"), sample("Samples/putin-xi/en.txt")])
        #expect(r.status == 0, "\(r.err)")
    }
}

@Suite("Serving from the command line")
struct ServeCLITests {
    /// A free loopback port.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs curl (a real HTTP client from outside the process) and gives status and body.
    static func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["curl", "-s", "-w", "\n%{http_code}"] + arguments
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl absent"))
    func aKeyMadeOnTheCommandLineWritesThroughTheServerWhichStopsCleanlyOnSIGTERM() throws {
        let cli = try CLI()
        try cli.alignSample()
        let created = try cli.run(["key", "create", "--create", "--memory", cli.memory, "--role", "write", "--name", "desk"])
        #expect(created.status == 0, "\(created.err)")
        let key = try #require(created.out.split(separator: "\n").last.map(String.init))
        #expect(key.hasPrefix("tj_"))
        #expect(try cli.run(["key", "list", "--memory", cli.memory]).out.contains("write\tdesk\ttj_"))

        let port = try Self.freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: CLI.binary)
        server.arguments = ["serve", "--memory", cli.memory, "--port", String(port)]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let base = "http://127.0.0.1:\(port)"
        var up = false
        for _ in 0..<100 where !up {
            up = (try? Self.curl(["\(base)/healthz"]).status) == 200
            if !up { usleep(100_000) }
        }
        #expect(up)
        let source = "وصل وفد تجاري صيني إلى موسكو.".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let put = try Self.curl(["-X", "PUT", "-H", "Authorization: Bearer \(key)", "-d", #"{"target": "A Chinese trade delegation arrived in Moscow."}"#,
                                 "\(base)/tmserver/ar/en/unit/\(source)"])
        #expect(put.status == 200, "\(put.body)")
        let refused = try Self.curl(["-X", "PUT", "-d", #"{"target": "x"}"#, "\(base)/tmserver/ar/en/unit/\(source)"])
        #expect(refused.status == 401)
        let found = try Self.curl(["\(base)/get?q=\(source)&langpair=ar%7Cen"])
        #expect(found.body.contains("A Chinese trade delegation arrived in Moscow."))

        kill(server.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while server.isRunning && Date() < deadline { usleep(50_000) }
        #expect(!server.isRunning)
        #expect(server.terminationReason == .exit)
        #expect(server.terminationStatus == 0)
        #expect(try cli.run(["memory", "check", "--memory", cli.memory]).out.contains("ok"))
    }
}
