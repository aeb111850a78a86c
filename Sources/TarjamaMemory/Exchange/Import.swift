import Foundation
import GRDB

/// A line (TSV) or unit (TMX, the line where `<tu>` starts) that was skipped or repaired, and why.
public struct ImportProblem: Sendable, Equatable, Codable {
    public let line: Int
    public let message: String

    /// Problems kept per list in a report; the counts go on beyond.
    static let kept = 1_000
}

/// What an import did, per file: counts, and skipped or repaired lines with their numbers.
public struct ImportReport: Sendable, Codable {
    public var file: String
    public var format: String
    public var added = 0
    public var duplicates = 0
    public var skipped: [ImportProblem] = []
    public var repaired: [ImportProblem] = []
    public var skippedCount = 0
    public var repairedCount = 0
    /// DOCTYPE entity declarations seen and ignored (never expanded).
    public var ignoredEntityDeclarations = 0
    /// How the import wrote: "wal", or "rollback" for a new memory it held alone (`BulkLoad`).
    public var journal = "wal"
    public var seconds = 0.0
    /// CPU seconds per stage of the import (`StageClock.Stage`), summed over its threads.
    public var stageSeconds: [String: Double] = [:]
}

extension Memory {
    /// Imports a TSV file in one transaction: a failure part-way imports nothing.
    public func importTSV(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                          user: String? = nil, progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        try importTSV(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user, progress: progress,
                      largeFrom: BulkLoad.minimumUnits)
    }

    /// `importTSV`, treating files of `largeFrom` units or more as large (tests lower it).
    func importTSV(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                   user: String? = nil, progress: ((Int) -> Void)? = nil, largeFrom: Int) throws -> ImportReport {
        try importBatches(path: path, format: "tsv", user: user, progress: progress, largeFrom: largeFrom) { report, write in
            let problems = try TSV.read(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, write)
            report.skipped = Array(problems.prefix(ImportProblem.kept))
            report.skippedCount = problems.count
        }
    }

    /// Imports a TMX file in one transaction: a malformed or truncated file imports nothing and
    /// throws `MemoryError.badInput` with the line. Arabic (`sourceLanguage`) variants become
    /// sources and English (`targetLanguage`) variants targets, whatever the file's srclang.
    public func importTMX(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                          user: String? = nil, progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        try importTMX(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user, progress: progress,
                      largeFrom: BulkLoad.minimumUnits)
    }

    /// `importTMX`, treating files of `largeFrom` units or more as large (tests lower it).
    func importTMX(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                   user: String? = nil, progress: ((Int) -> Void)? = nil, largeFrom: Int) throws -> ImportReport {
        try importBatches(path: path, format: "tmx", user: user, progress: progress, largeFrom: largeFrom) { report, write in
            let outcome = try TMXReader(sourceLanguage: sourceLanguage, targetLanguage: targetLanguage).read(path: path, write)
            report.skipped = outcome.skipped
            report.skippedCount = outcome.skippedCount
            report.repaired = outcome.repaired
            report.repairedCount = outcome.repairedCount
            report.ignoredEntityDeclarations = outcome.ignoredEntityDeclarations
        }
    }

    /// One file's import: a transaction, a reader thread handing batches of drafts to `write`,
    /// each prepared on the other cores, and this thread inserting them in order.
    ///
    /// A large import (by the file's size, at least as many units as the memory holds) runs
    /// without the unique index on unit keys, finding duplicates in `UnitKeys`, and builds the
    /// index from sorted keys at its end. An import into an empty memory that no other
    /// connection has open also leaves WAL for a rollback journal while it runs (`BulkLoad`).
    private func importBatches(path: String, format: String, user: String?, progress: ((Int) -> Void)?, largeFrom: Int,
                               read: @escaping (inout ImportReport, ([UnitDraft]) throws -> Void) throws -> Void) throws -> ImportReport {
        let start = Date()
        let expected = Self.expectedUnits(path: path, format: format)
        // Only a file that may be large needs the memory's size (a count reads the whole index).
        let existing = expected >= largeFrom ? try pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM unit") ?? 0 } : 0
        let defersIndex = expected >= largeFrom && expected >= existing
        // Our own idle readers would keep the memory from leaving WAL.
        if existing == 0 && defersIndex { pool.releaseMemory() }
        let clock = StageClock()
        let pipeline = ImportPipeline<ImportReport>(clock: clock) { write in
            var report = ImportReport(file: path, format: format)
            try read(&report, write)
            return report
        }
        defer { pipeline.close() }
        var added = 0, duplicates = 0
        var journal = "wal"
        try pool.writeWithoutTransaction { db in
            let bulk = existing == 0 && defersIndex ? BulkLoad.begin(db) : nil
            defer { bulk?.end(db) }
            journal = bulk == nil ? "wal" : "rollback"
            try Memory.sortingInFiles(if: defersIndex, db) { try db.inTransaction {
                var keys: UnitKeys?
                if defersIndex {
                    keys = try UnitKeys.loading(from: db, capacity: max(min(expected, UnitKeys.limit), existing * 2))
                    try db.execute(sql: "DROP INDEX unit_pair")
                    // Appends need few pages in SQLite's cache once the index is gone; the
                    // memory goes to the keys instead.
                    try db.execute(sql: "PRAGMA cache_size = -8192")
                }
                defer { if defersIndex { try? db.execute(sql: "PRAGMA cache_size = \(Memory.cacheSize)") } }
                let postings = PostingIndexer(clock: clock)
                let writeBehind = defersIndex ? WriteBehind(path: self.path) : nil
                while let batch = try pipeline.next() {
                    // Inserted while the previous batch's terms are being added.
                    let (s, ids) = try clock.measure(.inserting) { try Memory.insert(batch, user: user, keys: &keys, in: db) }
                    if keys?.isFull == true {
                        try clock.measure(.keyIndex) { try Memory.createPairIndex(db) }
                        keys = nil
                    }
                    try postings.withAccumulator { acc in try clock.measure(.flushing) { try acc.flush(into: db, over: Memory.postingBudget) } }
                    postings.add(batch.postings, ids: ids)
                    added += s.added
                    duplicates += s.duplicates
                    progress?(added + duplicates)
                    writeBehind?.start()
                }
                // The last lists written and the keys (24 bytes a unit) freed before SQLite
                // sorts the keys for the index: the three had made the import's peak memory.
                try postings.withAccumulator { acc in
                    try clock.measure(.flushing) { try acc.flush(into: db) }
                    acc = PostingAccumulator()
                }
                if keys != nil {
                    keys = nil
                    try clock.measure(.keyIndex) { try Memory.createPairIndex(db) }
                }
                return .commit
            } }
        }
        var report = pipeline.result ?? ImportReport(file: path, format: format)
        report.added = added
        report.duplicates = duplicates
        report.journal = journal
        report.seconds = Date().timeIntervalSince(start)
        report.stageSeconds = clock.totals
        return report
    }

    /// Units a file probably holds, from its size (news sentence pairs: about 250 bytes a TSV
    /// line, 600 a TMX unit), to choose how the import writes.
    static func expectedUnits(path: String, format: String) -> Int {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return bytes / (format == "tmx" ? 600 : 250)
    }

    /// Imports a file by its kind: TMX (by extension or an XML start) or TSV.
    public func importFile(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                           user: String? = nil, progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        if Self.looksLikeTMX(path) {
            return try importTMX(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user, progress: progress)
        }
        return try importTSV(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user, progress: progress)
    }

    /// `.tmx` or `.xml`, or a file whose first bytes are XML (after a BOM, in UTF-8 or UTF-16).
    static func looksLikeTMX(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "tmx" || ext == "xml" { return true }
        if ext == "tsv" || ext == "txt" || ext == "tab" { return false }
        guard let h = FileHandle(forReadingAtPath: path), let head = try? h.read(upToCount: 8) else { return false }
        try? h.close()
        let b = [UInt8](head).filter { $0 != 0 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF && $0 != 0xFF && $0 != 0xFE }
        return b.first == 0x3C
    }

    /// Writes every unit as TMX 1.4 through `emit`, in constant memory.
    public func exportTMX(sourceLanguage: String = "ar", emit: @escaping (String) throws -> Void) throws -> Int {
        let writer = TMXWriter(sourceLanguage: sourceLanguage, emit: emit)
        try writer.begin()
        var n = 0
        try forEachUnit { try writer.write($0); n += 1 }
        try writer.end()
        return n
    }

    /// Writes every unit as `source<TAB>target` lines.
    public func exportTSV(emit: (String) throws -> Void) throws -> Int {
        var n = 0
        try forEachUnit { try emit(TSV.line($0) + "\n"); n += 1 }
        return n
    }
}

