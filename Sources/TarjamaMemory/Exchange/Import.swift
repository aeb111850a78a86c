import Foundation
import GRDB

/// What an import did, per file: counts and every skipped line with its number.
public struct ImportReport: Sendable, Codable {
    public var file: String
    public var format: String
    public var added = 0
    public var duplicates = 0
    public var skipped: [TSV.Problem] = []
    public var seconds = 0.0
}

extension Memory {
    /// Imports a TSV file in one transaction: a failure part-way imports nothing.
    public func importTSV(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                          user: String? = nil, progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        let start = Date()
        var report = ImportReport(file: path, format: "tsv")
        try pool.writeWithoutTransaction { db in
            try db.inTransaction {
                report.skipped = try TSV.read(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage) { batch in
                    let s = try Memory.add(batch, user: user, in: db)
                    report.added += s.added
                    report.duplicates += s.duplicates
                    progress?(report.added + report.duplicates)
                }
                return .commit
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
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
