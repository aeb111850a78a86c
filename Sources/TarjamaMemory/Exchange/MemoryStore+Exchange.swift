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
    /// XLIFF: segments left out because no person translated or approved them (fuzzy or
    /// needs-review proposals; stored with `includeUnreviewed`), segments without a target,
    /// and stored units a reviewed target corrected (their earlier target kept in history).
    public var unreviewed = 0
    public var untranslated = 0
    public var corrected = 0
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
    ///
    /// Units marked as unreviewed proposals (`x-state` `needs-review…`, as Tarjama's
    /// pre-translation TMX marks its fuzzy adaptations) are left out unless `includeUnreviewed`.
    public func importTMX(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                          user: String? = nil, includeUnreviewed: Bool = false, progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        try importTMX(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user,
                      includeUnreviewed: includeUnreviewed, progress: progress, largeFrom: nil)
    }

    /// `importTMX`, with the store's size from which an import is large overridden (tests).
    package func importTMX(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                           user: String? = nil, includeUnreviewed: Bool = false, progress: ((Int) -> Void)? = nil,
                           largeFrom: Int?) throws -> ImportReport {
        try importBatches(path: path, format: "tmx", user: user, progress: progress, largeFrom: largeFrom) { report, write in
            var reader = TMXReader(sourceLanguage: sourceLanguage, targetLanguage: targetLanguage)
            reader.includeUnreviewed = includeUnreviewed
            let outcome = try reader.read(path: path, write)
            report.unreviewed = outcome.unreviewed
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

    /// Imports the segments of an XLIFF file (1.2 or 2.0) that a person translated, reviewed or
    /// approved (`XLIFFUnit.reviewed`; every segment with a target when `includeUnreviewed`),
    /// each with its file as origin and its neighbours as context, in one transaction. A
    /// reviewed target that differs from the exact match Tarjama proposed corrects that stored
    /// unit (`editUnit`, history kept) instead of becoming a second translation.
    public func importXLIFF(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                            user: String? = nil, includeUnreviewed: Bool = false,
                            progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        var corrections: [(unit: Int64, draft: UnitDraft)] = []
        let wantSource = TMXReader.primary(sourceLanguage), wantTarget = TMXReader.primary(targetLanguage)
        var report = try importBatches(path: path, format: "xliff", user: user, progress: progress, largeFrom: nil) { report, write in
            var batch: [UnitDraft] = []
            var pending: (unit: XLIFFUnit, draft: UnitDraft)?
            var previous: (file: String, source: String)?
            func finish(next: XLIFFUnit?) throws {
                guard var p = pending else { return }
                pending = nil
                if let next, next.file == p.unit.file { p.draft.nextSource = next.source }
                if let unit = p.unit.matchedUnit, p.unit.edited, p.unit.matchKind == "exact" || p.unit.matchKind == "context" {
                    corrections.append((unit, p.draft))
                    return
                }
                batch.append(p.draft)
                if batch.count >= 2_000 {
                    try write(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try XLIFFReader().read(path: path) { unit in
                defer { previous = (unit.file, unit.source) }
                var (source, target) = (unit.source, unit.target)
                let languages = (TMXReader.primary(unit.sourceLanguage), TMXReader.primary(unit.targetLanguage))
                if languages == (wantTarget, wantSource) {
                    swap(&source, &target)   // a file translated the other way holds the same pairs
                } else if !languages.0.isEmpty && languages.0 != wantSource || !languages.1.isEmpty && languages.1 != wantTarget {
                    report.skippedCount += 1
                    if report.skipped.count < ImportProblem.kept {
                        report.skipped.append(ImportProblem(line: unit.line, message: "languages \(unit.sourceLanguage) → \(unit.targetLanguage), not \(sourceLanguage) → \(targetLanguage)"))
                    }
                    return
                }
                guard unit.translatable else { return }
                guard !unit.target.isEmpty else { report.untranslated += 1; return }
                guard unit.reviewed || includeUnreviewed else { report.unreviewed += 1; return }
                var properties: [String: String] = [:]
                if let kind = unit.kind { properties["x-segment-kind"] = kind }
                if !unit.reviewed { properties["x-state"] = unit.state ?? "unreviewed" }
                var draft = UnitDraft(source: source, target: target, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage,
                                      origin: unit.file, position: unit.paragraph, createdBy: user, properties: properties)
                if let previous, previous.file == unit.file { draft.previousSource = previous.source }
                try finish(next: unit)
                pending = (unit, draft)
            }
            try finish(next: nil)
            if !batch.isEmpty { try write(batch) }
        }
        for (id, draft) in corrections {
            if try unit(id: id)?.target == draft.target {
                report.duplicates += 1   // this correction was imported before
            } else if try editUnit(id: id, target: draft.target, user: user) != nil {
                report.corrected += 1
            } else {
                // The proposal's unit was deleted since: the reviewed pair is stored as new.
                let summary = try add([draft], user: user)
                report.added += summary.added
                report.duplicates += summary.duplicates
            }
        }
        return report
    }

    /// Imports a file by its kind (`ImportReport.format`): TMX, XLIFF or TSV.
    public func importFile(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                           user: String? = nil, includeUnreviewed: Bool = false,
                           progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        switch ImportReport.format(of: path) {
        case "xliff":
            return try importXLIFF(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user,
                                   includeUnreviewed: includeUnreviewed, progress: progress)
        case "tmx":
            return try importTMX(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user,
                                 includeUnreviewed: includeUnreviewed, progress: progress)
        default:
            return try importTSV(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user, progress: progress)
        }
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

    /// The kind of an exchange file: "xliff" (`.xlf`, `.xliff`, `.sdlxliff`, `.mqxliff`, or an
    /// XML file whose root is `xliff`), "tmx" (`.tmx`, or any other XML file) or "tsv".
    package static func format(of path: String) -> String {
        let ext = (path as NSString).pathExtension.lowercased()
        if ["xlf", "xliff", "sdlxliff", "mqxliff"].contains(ext) { return "xliff" }
        if ext == "tmx" { return "tmx" }
        if ext == "tsv" || ext == "txt" || ext == "tab" { return "tsv" }
        guard let h = FileHandle(forReadingAtPath: path), let head = try? h.read(upToCount: 4_096) else { return "tsv" }
        try? h.close()
        // UTF-16 files: their ASCII letters with the zero bytes and the BOM left out.
        let b = [UInt8](head).filter { $0 != 0 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF && $0 != 0xFF && $0 != 0xFE }
        guard b.first == 0x3C else { return "tsv" }
        // The root is the first element that is not a declaration, comment or DOCTYPE.
        var k = 0
        while k < b.count - 1 {
            if b[k] == 0x3C && b[k + 1] != 0x3F && b[k + 1] != 0x21 {
                let name = b[(k + 1)...].prefix { $0 != 0x20 && $0 != 0x3E && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 && $0 != 0x2F }
                let root = String(decoding: name, as: UTF8.self).split(separator: ":").last.map(String.init) ?? ""
                return root == "xliff" ? "xliff" : "tmx"
            }
            k += 1
        }
        return "tmx"
    }
}
