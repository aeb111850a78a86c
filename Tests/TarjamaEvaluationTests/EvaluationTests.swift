import Foundation
import Testing
import TarjamaAlign
import TarjamaEvaluation
import TarjamaMatch
import TarjamaMemory
import TarjamaPretranslate
import TarjamaSQLite

@Suite("Alignment scores")
struct AlignmentScoreTests {
    @Test func scoreCountsStrictAndLaxHits() {
        let gold = [Bead(source: [0], target: [0]), Bead(source: [1], target: [1, 2])]
        let test = [Bead(source: [0], target: [0]), Bead(source: [1], target: [1]), Bead(source: [], target: [2])]
        let s = AlignmentScore.score([(gold, test)])
        #expect(abs(s.strictPrecision - 1.0 / 3.0) < 1e-9)
        #expect(abs(s.laxRecall - 1.0) < 1e-9)
    }
}

@Suite("Indexed matcher against the exhaustive scan")
struct ReferenceScanTests {
    @Test func indexedTopHitEqualsTheExhaustiveScan() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-scan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let memory = try SQLiteMemory(path: dir.appendingPathComponent("m.tmdb").path)
        try memory.add([
            UnitDraft(source: "أجرى الرئيس الروسي فلاديمير بوتين اتصالاً مرئياً مع نظيره الصيني.",
                      target: "Russian President Vladimir Putin held a video call with his Chinese counterpart."),
            UnitDraft(source: "ارتفع حجم التبادل التجاري بين البلدين بنسبة 25٪ في عام 2022.",
                      target: "Trade between the two countries rose by 25% in 2022."),
            UnitDraft(source: "وأكد الكرملين أن المحادثات جرت في أجواء ودية.",
                      target: "The Kremlin said the talks were held in a friendly atmosphere."),
        ])
        let matcher = Matcher(store: memory)
        let scan = try ReferenceScan(memory: memory)
        for q in ["أجرى الرئيس الصيني اتصالا مع نظيره الروسي.", "وأكد الكرملين أن المباحثات جرت في أجواء ودية.",
                  "ارتفع حجم التبادل بين البلدين بنسبة 5٪."] {
            let best = try #require(scan.best(q))
            let top = try #require(try matcher.lookup(q, options: MatchOptions(minimum: 50)).first)
            #expect(top.breakdown.intrinsicScore == best.score)
            #expect(best.units.contains(top.unitID))
        }
    }
}

@Suite("Alignment on gold sets", .enabled(if: FileManager.default.fileExists(atPath: alignData + "/ar-en-ntrex40"), "../shared/data/align absent: skipped"))
struct AlignmentEvaluationTests {
    @Test func ntrexStrictF1IsAtLeast090WithoutLexicon() throws {
        #expect(try AlignmentEvaluation.run(directory: alignData + "/ar-en-ntrex40", aligner: Aligner()).score.strictF1 >= 0.90)
    }

    /// The lexicon is learned from the shared 33k pairs minus every pair that shares a sentence
    /// with the 40 evaluated documents.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: parallelPairs), "ar-en-33k.tsv absent: skipped"))
    func ntrexStrictF1IsAtLeast093WithLexicon() throws {
        let set = alignData + "/ar-en-ntrex40"
        let (pairs, _) = try AlignmentEvaluation.heldOutPairs(tsv: parallelPairs, excluding: set)
        let (lexicon, _) = LexiconTrainer().train(pairs)
        #expect(try AlignmentEvaluation.run(directory: set, aligner: Aligner(lexicon: lexicon)).score.strictF1 >= 0.93)
    }

    /// Each document alone (as `tarjama align AR EN` aligns one), not the set as a batch.
    @Test func ntrexStrictF1IsAtLeast090PerDocument() throws {
        #expect(try AlignmentEvaluation.run(directory: alignData + "/ar-en-ntrex40", aligner: Aligner(), perDocument: true).score.strictF1 >= 0.90)
    }

    /// The bar on documents never tuned on: the shared NTREX and TICO-19 documents outside
    /// the 40 (scripts/make-unseen-set.py), made harsh by scripts/make-harsh-set.py at full scale
    /// (a third of the beads not one-to-one: 1-3, 3-1, omissions, sentences from other articles;
    /// hunalign .56 there), aligned as a batch without a memory lexicon.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: sharedData + "/docs"), "../shared/data/docs absent: skipped"))
    func unseenHarshSetStrictF1IsAtLeast090AsABatch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-unseen-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try runScript("make-unseen-set.py", [sharedData, dir + "/clean"])
        try runScript("make-harsh-set.py", [dir + "/clean", dir + "/harsh", "7", "1.0"])
        let e = try AlignmentEvaluation.run(directory: dir + "/harsh", aligner: Aligner(), part: .all)
        #expect(e.documents >= 60)
        #expect(e.score.strictF1 >= 0.90)
    }

    @Test func textBergStrictF1IsAtLeast085() throws {
        #expect(try AlignmentEvaluation.run(directory: alignData + "/textberg-dev", aligner: Aligner()).score.strictF1 >= 0.85)
    }
}

let parallelPairs = sharedData + "/parallel/ar-en-33k.tsv"

/// Runs one of the project's Python scripts; throws with its error output when it fails.
func runScript(_ name: String, _ arguments: [String]) throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", root.appendingPathComponent("scripts/" + name).path] + arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    if process.terminationStatus != 0 {
        throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(name) failed: " + String(decoding: message, as: UTF8.self)])
    }
}

let alignData = sharedData + "/align"

@Suite("Bands against brute force", .enabled(if: FileManager.default.fileExists(atPath: sharedData + "/parallel/ar-en-33k.tsv"), "../shared/data absent: skipped"))
struct BandCheckTests {
    /// A memory of 8,000 of the real pairs (the full 33k check is `tarjama eval pretranslate`,
    /// too slow for a debug test), three NTREX articles pre-translated, and the segments the
    /// matcher did not find exactly (then some it did) compared with an exhaustive scan.
    @Test func ntrexBandsEqualTheExhaustiveScansOnASample() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-bands-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let memory = try SQLiteMemory(path: dir.appendingPathComponent("m.tmdb").path)
        let lines = try String(contentsOfFile: sharedData + "/parallel/ar-en-33k.tsv", encoding: .utf8).split(separator: "\n")
        let part = dir.appendingPathComponent("part.tsv")
        try lines.prefix(8_000).joined(separator: "\n").write(to: part, atomically: true, encoding: .utf8)
        _ = try memory.importTSV(path: part.path)
        let docs = try FileManager.default.contentsOfDirectory(atPath: sharedData + "/docs").filter { $0.hasPrefix("ntrex-") }.sorted()
        let paths = docs.prefix(3).map { sharedData + "/docs/" + $0 + "/ar.txt" }
        let batch = try Pretranslator(store: memory, options: PretranslateOptions(minimum: 50)).run(paths: Array(paths))
        #expect(batch.analysis.failed.isEmpty)
        let check = BandCheck.run(batch, scan: try ReferenceScan(memory: memory), minimum: 50, sample: 12)
        #expect(check.checked == 12)
        #expect(check.agree == check.checked, "\(check.disagreements)")
    }
}

let sharedData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/data").path
