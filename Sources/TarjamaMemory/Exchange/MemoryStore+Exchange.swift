import Foundation

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
    /// How the store wrote (`WriteOutcome.method`): for SQLite "wal", or "rollback" for a new
    /// memory it held alone.
    public var journal = "wal"
    public var seconds = 0.0
    /// CPU seconds per stage of the import (`StageClock.Stage`), summed over its threads.
    public var stageSeconds: [String: Double] = [:]
}

extension MemoryStore {
    /// Imports a TSV file (`source<TAB>target` a line) in one transaction: a failure part-way
    /// imports nothing. Bad lines are skipped and listed with their numbers.
    public func importTSV(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                          user: String? = nil, progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        try importTSV(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user,
                      progress: progress, largeFrom: nil)
    }

    /// `importTSV`, with the store's size from which an import is large overridden (tests).
    package func importTSV(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                           user: String? = nil, progress: ((Int) -> Void)? = nil, largeFrom: Int?) throws -> ImportReport {
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
        try importTMX(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user,
                      progress: progress, largeFrom: nil)
    }

    /// `importTMX`, with the store's size from which an import is large overridden (tests).
    package func importTMX(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                           user: String? = nil, progress: ((Int) -> Void)? = nil, largeFrom: Int?) throws -> ImportReport {
        try importBatches(path: path, format: "tmx", user: user, progress: progress, largeFrom: largeFrom) { report, write in
            let outcome = try TMXReader(sourceLanguage: sourceLanguage, targetLanguage: targetLanguage).read(path: path, write)
            report.skipped = outcome.skipped
            report.skippedCount = outcome.skippedCount
            report.repaired = outcome.repaired
            report.repairedCount = outcome.repairedCount
            report.ignoredEntityDeclarations = outcome.ignoredEntityDeclarations
        }
    }

    /// One file's import: a reader thread parses the file into batches of drafts, each is
    /// prepared on the other cores (`ImportPipeline`), and this thread hands them to the
    /// store's `write`, which writes them in one transaction.
    private func importBatches(path: String, format: String, user: String?, progress: ((Int) -> Void)?, largeFrom: Int?,
                               read: @escaping (inout ImportReport, ([UnitDraft]) throws -> Void) throws -> Void) throws -> ImportReport {
        let start = Date()
        let clock = StageClock()
        let pipeline = ImportPipeline<ImportReport>(clock: clock) { write in
            var report = ImportReport(file: path, format: format)
            try read(&report, write)
            return report
        }
        defer { pipeline.close() }
        var request = WriteRequest(expectedUnits: ImportReport.expectedUnits(path: path, format: format), user: user,
                                   clock: clock, progress: progress)
        request.largeFrom = largeFrom
        let outcome = try write(request) { try pipeline.next() }
        var report = pipeline.result ?? ImportReport(file: path, format: format)
        report.added = outcome.summary.added
        report.duplicates = outcome.summary.duplicates
        report.journal = outcome.method
        report.seconds = Date().timeIntervalSince(start)
        report.stageSeconds = clock.totals
        return report
    }

    /// Imports a file by its kind: TMX (by extension or an XML start) or TSV.
    public func importFile(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                           user: String? = nil, progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        if ImportReport.looksLikeTMX(path) {
            return try importTMX(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user, progress: progress)
        }
        return try importTSV(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user, progress: progress)
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

extension ImportReport {
    /// Units a file probably holds, from its size (news sentence pairs: about 250 bytes a TSV
    /// line, 600 a TMX unit), so a store can choose how to write them.
    package static func expectedUnits(path: String, format: String) -> Int {
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return bytes / (format == "tmx" ? 600 : 250)
    }

    /// `.tmx` or `.xml`, or a file whose first bytes are XML (after a BOM, in UTF-8 or UTF-16).
    package static func looksLikeTMX(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "tmx" || ext == "xml" { return true }
        if ext == "tsv" || ext == "txt" || ext == "tab" { return false }
        guard let h = FileHandle(forReadingAtPath: path), let head = try? h.read(upToCount: 8) else { return false }
        try? h.close()
        let b = [UInt8](head).filter { $0 != 0 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF && $0 != 0xFF && $0 != 0xFE }
        return b.first == 0x3C
    }
}
