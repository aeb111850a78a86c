import Foundation
import Testing
import GRDB
@testable import TarjamaMemory
@testable import TarjamaSQLite

/// Large imports run without the unique index on unit keys (duplicates found by `UnitKeys`) and,
/// into an empty memory held alone, through a rollback journal (`BulkLoad`). They must store
/// exactly what an ordinary import stores.
@Suite("Large imports")
struct LargeImportTests {
    /// Lines with repeats: every seventh pair twice, every eleventh source with a second target.
    func pairsWithRepeats(_ n: Int) -> String {
        var lines: [String] = []
        for k in 0..<n {
            let line = "أعلن المكتب في بيانه رقم \(k) عن موعد الاجتماع.\tThe office gave the meeting's date in statement \(k)."
            lines.append(line)
            if k % 7 == 0 { lines.append(line) }
            if k % 11 == 0 { lines.append("أعلن المكتب في بيانه رقم \(k) عن موعد الاجتماع.\tStatement \(k) of the office set the meeting's date.") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func snapshot(_ memory: SQLiteMemory) throws -> [String] {
        var rows: [String] = []
        try memory.forEachUnit { rows.append("\($0.source)|\($0.target)|\($0.occurrences)|\($0.sourceHash)") }
        return rows
    }

    @Test func largeImportStoresWhatAnOrdinaryImportStores() throws {
        let ordinary = try TemporaryMemory(), large = try TemporaryMemory()
        let file = try ordinary.file("pairs.tsv", pairsWithRepeats(3_000))
        let a = try ordinary.memory.importTSV(path: file, largeFrom: .max)
        let b = try large.memory.importTSV(path: file, largeFrom: 1)
        #expect(a.journal == "wal")
        #expect(b.journal == "rollback")
        #expect(a.added == b.added && a.duplicates == b.duplicates)
        #expect(b.duplicates == 429)
        #expect(try snapshot(ordinary.memory) == snapshot(large.memory))
        #expect(try large.memory.check() == "ok")
        #expect(try large.memory.exact("أعلن المكتب في بيانه رقم 77 عن موعد الاجتماع.").count == 2)
    }

    /// A large import writes 64 rows to a statement, binding once what they share where they
    /// share it (units 0-127 here): units whose dates, authors, usage, properties and notes
    /// vary (from 128 on) keep their own, as an ordinary import keeps them.
    @Test func largeTMXImportKeepsEachUnitsOwnMetadata() throws {
        let ordinary = try TemporaryMemory(), large = try TemporaryMemory()
        let units = (0..<300).map { i -> String in
            let varies = i >= 128
            let date = varies && i % 3 == 0 ? " creationdate=\"2023011\(i % 10)T093000Z\"" : ""
            let author = varies && i % 5 == 0 ? " creationid=\"desk\(i % 2)\"" : ""
            let usage = i == 137 ? " usagecount=\"\(i)\"" : ""
            let prop = i >= 192 && i % 7 == 0 ? "<prop type=\"x-domain\">d\(i % 4)</prop>" : ""
            let note = i == 150 ? "<note>checked</note>" : ""
            return tu("جملة رقم \(i) في الخبر.", "Sentence \(i) of the story.", extra: prop + note)
                .replacingOccurrences(of: "<tu>", with: "<tu\(date)\(author)\(usage)>")
        }.joined()
        let file = try ordinary.file("units.tmx", tmx(units))
        _ = try ordinary.memory.importTMX(path: file, largeFrom: .max)
        let report = try large.memory.importTMX(path: file, largeFrom: 1)
        #expect(report.added == 300)
        func rows(_ m: SQLiteMemory) throws -> [String] {
            var out: [String] = []
            try m.forEachUnit { u in
                out.append("\(u.source)|\(u.createdBy ?? "-")|\(u.usageCount)|\(u.properties.sorted { $0.key < $1.key })|\(u.notes)|\(TMXWriter.date(u.createdAt).prefix(8))")
            }
            return out
        }
        let a = try rows(ordinary.memory), b = try rows(large.memory)
        #expect(a == b)
        #expect(b.filter { $0.contains("x-domain") }.count == 15)
        #expect(b[150].contains("checked") && b[137].contains("|137|"))
    }

    /// Every import reports the CPU time of its stages; a large one has them all.
    @Test func importsReportCPUTimeByStage() throws {
        let t = try TemporaryMemory()
        let report = try t.memory.importTSV(path: try t.file("pairs.tsv", pairsWithRepeats(3_000)), largeFrom: 1)
        #expect(Set(report.stageSeconds.keys) == Set(StageClock.Stage.allCases.map(\.rawValue)))
        #expect(report.stageSeconds.values.allSatisfy { $0 >= 0 })
        #expect(report.stageSeconds["preparing"]! > 0 && report.stageSeconds["inserting"]! > 0)
    }

    /// A large import writes new units 64 to a statement: a duplicate of one still held back
    /// (same window) or already written (an earlier window) is found and counted all the same.
    @Test func duplicatesOfUnitsHeldBackOrWrittenAreCounted() throws {
        var lines = (0..<200).map { "بيان رقم \($0) عن الاجتماع.\tStatement \($0) on the meeting." }
        lines.insert(lines[5], at: 10)
        lines.insert(lines[0], at: 150)
        let ordinary = try TemporaryMemory(), large = try TemporaryMemory()
        let file = try ordinary.file("pairs.tsv", lines.joined(separator: "\n") + "\n")
        let a = try ordinary.memory.importTSV(path: file, largeFrom: .max)
        let b = try large.memory.importTSV(path: file, largeFrom: 1)
        #expect(a.duplicates == 2 && b.duplicates == 2 && b.added == 200)
        #expect(try snapshot(ordinary.memory) == snapshot(large.memory))
        #expect(try large.memory.exact("بيان رقم 5 عن الاجتماع.").first?.occurrences == 2)
        #expect(try large.memory.exact("بيان رقم 0 عن الاجتماع.").first?.occurrences == 2)
        let tokens = "SELECT count(*) || ' ' || sum(length(tokens)) FROM unit_tokens"
        #expect(try large.memory.pool.read { try String.fetchOne($0, sql: tokens) }
                == ordinary.memory.pool.read { try String.fetchOne($0, sql: tokens) })
        #expect(try large.memory.check() == "ok")
    }

    @Test func largeImportFindsDuplicatesOfUnitsAlreadyInTheMemory() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "أعلن المكتب في بيانه رقم 5 عن موعد الاجتماع.",
                                    target: "The office gave the meeting's date in statement 5.")])
        let report = try t.memory.importTSV(path: try t.file("pairs.tsv", pairsWithRepeats(100)), largeFrom: 1)
        // The memory was not empty: WAL as usual, the index still dropped and built again.
        #expect(report.journal == "wal")
        #expect(report.duplicates == 15 + 1)
        #expect(try t.memory.exact("أعلن المكتب في بيانه رقم 5 عن موعد الاجتماع.").first?.occurrences == 2)
        #expect(try t.memory.check() == "ok")
        let indexes = try t.memory.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'unit'") }
        #expect(indexes == ["unit_pair"])
    }

    /// Write-behind finds SQLite's descriptor of the memory (Linux) and starts write-out
    /// without changing what the import stores.
    @Test func writeBehindFindsTheMemorysFile() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "وحدة.", target: "A unit.")])
        #if os(Linux)
        let behind = try #require(WriteBehind(path: t.path))
        behind.start()
        #endif
        #expect(WriteBehind(path: t.path + "-none") == nil)
        let report = try t.memory.importTSV(path: try t.file("pairs.tsv", pairsWithRepeats(100)), largeFrom: 1)
        #expect(report.added == 100 + 10)
        #expect(try t.memory.check() == "ok")
    }

    @Test func bulkLoadGoesBackToWAL() throws {
        let t = try TemporaryMemory()
        _ = try t.memory.importTSV(path: try t.file("pairs.tsv", pairsWithRepeats(200)), largeFrom: 1)
        #expect(try t.memory.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(!FileManager.default.fileExists(atPath: t.path + "-journal"))
    }

    @Test func bulkLoadStaysInWALWhileAnotherConnectionHasTheMemoryOpen() throws {
        let t = try TemporaryMemory()
        let other = try DatabaseQueue(path: t.path)
        try other.read { _ = try Int.fetchOne($0, sql: "SELECT count(*) FROM unit") }
        let report = try t.memory.importTSV(path: try t.file("pairs.tsv", pairsWithRepeats(200)), largeFrom: 1)
        #expect(report.journal == "wal")
        #expect(try other.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM unit") } == report.added)
    }

    /// A TMX file that ends inside its second unit.
    func truncatedTMX(in t: TemporaryMemory) throws -> String {
        try t.file("bad.tmx", """
            <?xml version="1.0"?><tmx version="1.4"><header srclang="ar"/><body>
            <tu><tuv xml:lang="ar"><seg>وحدة جديدة.</seg></tuv><tuv xml:lang="en"><seg>A new unit.</seg></tuv></tu>
            <tu><tuv xml:lang="ar"><seg>وحدة
            """)
    }

    @Test func failedLargeImportLeavesTheMemoryAndItsIndexAsTheyWere() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "وحدة قديمة.", target: "An old unit.")])
        let bad = try truncatedTMX(in: t)
        #expect(throws: MemoryError.self) { try t.memory.importTMX(path: bad, largeFrom: 1) }
        #expect(try t.memory.unitCount() == 1)
        #expect(try t.memory.exact("وحدة قديمة.").count == 1)
        #expect(try t.memory.check() == "ok")
        let indexes = try t.memory.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'unit'") }
        #expect(indexes == ["unit_pair"])
    }

    @Test func failedBulkLoadLeavesAnEmptyMemoryInWAL() throws {
        let t = try TemporaryMemory()
        let bad = try truncatedTMX(in: t)
        #expect(throws: MemoryError.self) { try t.memory.importTMX(path: bad, largeFrom: 1) }
        #expect(try t.memory.unitCount() == 0)
        #expect(try t.memory.check() == "ok")
        #expect(try t.memory.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(!BulkLoad.isRunning(on: t.path))
    }
}

@Suite("Unit keys")
struct UnitKeysTests {
    @Test func findsOnlyKeysItHoldsAcrossGrowth() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE unit(id INTEGER PRIMARY KEY, source_hash INTEGER, pair_hash INTEGER)")
            var keys = UnitKeys(capacity: 4)
            for id in Int64(1)...5_000 {
                try db.execute(sql: "INSERT INTO unit VALUES (?, ?, ?)", arguments: [id, id * 7919, id &* -31])
                keys.add(id * 7919, id &* -31, id: id)
            }
            #expect(keys.count == 5_000)
            #expect(try keys.find(42 * 7919, 42 &* -31, in: db) == 42)
            #expect(try keys.find(42 * 7919, 43 &* -31, in: db) == nil)
            #expect(try keys.find(0, 0, in: db) == nil)
        }
    }

    @Test func aFingerprintMatchIsConfirmedOnTheRow() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE unit(id INTEGER PRIMARY KEY, source_hash INTEGER, pair_hash INTEGER)")
            // The row says other hashes than the ones filed: the key must not be found.
            try db.execute(sql: "INSERT INTO unit VALUES (1, 10, 20)")
            var keys = UnitKeys()
            keys.add(11, 21, id: 1)
            #expect(try keys.find(11, 21, in: db) == nil)
        }
    }
}
