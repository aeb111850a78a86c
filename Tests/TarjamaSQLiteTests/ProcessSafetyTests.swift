import Foundation
import Testing
@testable import TarjamaMemory
@testable import TarjamaSQLite

/// The `tarjama` executable built beside the test runner (swift test builds every product).
let tarjamaExecutable: String? = {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [dir.appendingPathComponent("tarjama"), dir.deletingLastPathComponent().appendingPathComponent("tarjama")]
    return candidates.map(\.path).first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// Pairs written for these tests: distinct numbered sentences.
func numberedPairs(_ range: Range<Int>, tag: String) -> String {
    range.map { "أعلنت الوزارة \(tag) اليوم الرقم \($0) في تقريرها السنوي عن التجارة.\tThe ministry \(tag) announced figure \($0) in its annual trade report today." }
        .joined(separator: "\n") + "\n"
}

@Suite("Memory across processes", .enabled(if: tarjamaExecutable != nil, "the tarjama executable is not built beside the tests: skipped"),
       .serialized)
struct ProcessSafetyTests {
    func importProcess(_ memory: String, _ file: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tarjamaExecutable!)
        p.arguments = ["import", "--create", "--memory", memory, file]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    @Test func killDashNineDuringAnImportLeavesAnIntactMemoryWithNoneOfThatFile() throws {
        let t = try TemporaryMemory()
        try t.memory.add([UnitDraft(source: "وحدة قديمة.", target: "An old unit.")])
        // Large enough that the import's pages spill from SQLite's cache into the WAL well before
        // it commits (a smaller import is written to the WAL only at its commit).
        let file = try t.file("big.tsv", numberedPairs(0..<150_000, tag: "أ"))
        let p = try importProcess(t.path, file)
        // Wait until the import is writing (its WAL grows), then kill it without warning.
        let wal = t.path + "-wal"
        let deadline = Date().addingTimeInterval(20)
        var size = 0
        while Date() < deadline && p.isRunning {
            size = ((try? FileManager.default.attributesOfItem(atPath: wal)[.size]) as? Int) ?? 0
            if size > 2_000_000 { break }
            usleep(20_000)
        }
        let wasRunning = p.isRunning
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let reopened = try SQLiteMemory(path: t.path)
        #expect(try reopened.check() == "ok")
        let count = try reopened.unitCount()
        // One transaction per file: the killed import left nothing.
        #expect(wasRunning, "the import finished before it could be killed; make the file larger")
        #expect(count == 1, "units after kill: \(count), WAL was \(size) bytes")
        #expect(try reopened.exact("وحدة قديمة.").count == 1)
    }

    @Test func killDashNineDuringABulkLoadLeavesAnIntactEmptyMemory() throws {
        let t = try TemporaryMemory()
        // A memory no connection of this process holds, so the import may bulk-load it.
        let fresh = t.dir.appendingPathComponent("new.tmdb").path
        let file = try t.file("big.tsv", numberedPairs(0..<150_000, tag: "أ"))
        let p = try importProcess(fresh, file)
        // Wait until the bulk load has spilled pages into the file (its journal exists).
        let deadline = Date().addingTimeInterval(30)
        var size = 0
        while Date() < deadline && p.isRunning {
            size = ((try? FileManager.default.attributesOfItem(atPath: fresh)[.size]) as? Int) ?? 0
            if BulkLoad.isRunning(on: fresh) && size > 4_000_000 { break }
            usleep(20_000)
        }
        let wasBulkLoading = p.isRunning && BulkLoad.isRunning(on: fresh)
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(wasBulkLoading, "the import was not caught bulk-loading (file \(size) bytes); make the file larger")
        let reopened = try SQLiteMemory(path: fresh)
        #expect(try reopened.check() == "ok")
        #expect(try reopened.unitCount() == 0)
        #expect(try reopened.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(!BulkLoad.isRunning(on: fresh))
    }

    @Test func aSecondImportWaitsForABulkLoadAndBothFinish() throws {
        let t = try TemporaryMemory()
        let fresh = t.dir.appendingPathComponent("new.tmdb").path
        let a = try t.file("a.tsv", numberedPairs(0..<100_000, tag: "أ"))
        let b = try t.file("b.tsv", numberedPairs(0..<2_000, tag: "ب"))
        let first = try importProcess(fresh, a)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline && first.isRunning && !BulkLoad.isRunning(on: fresh) { usleep(5_000) }
        let second = try importProcess(fresh, b)
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        let memory = try SQLiteMemory(path: fresh)
        #expect(try memory.unitCount() == 102_000)
        #expect(try memory.check() == "ok")
    }

    @Test func twoProcessesImportingAtOnceBothFinishWithoutLosingUnits() throws {
        let t = try TemporaryMemory()
        let a = try t.file("a.tsv", numberedPairs(0..<6_000, tag: "أ"))
        let b = try t.file("b.tsv", numberedPairs(0..<6_000, tag: "ب"))
        let first = try importProcess(t.path, a), second = try importProcess(t.path, b)
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(second.terminationStatus == 0)
        #expect(try t.memory.unitCount() == 12_000)
        #expect(try t.memory.check() == "ok")
    }

    @Test func twoProcessesCreatingOneNewMemoryAtOnceAgree() throws {
        let t = try TemporaryMemory()
        let fresh = t.dir.appendingPathComponent("new.tmdb").path
        let a = try t.file("a.tsv", numberedPairs(0..<500, tag: "أ"))
        let b = try t.file("b.tsv", numberedPairs(0..<500, tag: "ب"))
        let first = try importProcess(fresh, a), second = try importProcess(fresh, b)
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        #expect(try SQLiteMemory(path: fresh).unitCount() == 1_000)
    }
}
