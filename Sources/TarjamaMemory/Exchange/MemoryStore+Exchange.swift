import Foundation
import TarjamaText

/// A line (TSV) or unit (TMX, the line where `<tu>` starts) that was skipped or repaired, and why.
public struct ImportProblem: Sendable, Equatable, Codable {
    public let line: Int
    public let message: String

    /// Problems kept per list in a report; the counts go on beyond.
    static let kept = 1_000
}

/// What an import does with a translation whose source the memory already holds with another
/// target (the same pair is always one unit whose occurrences grow).
public enum DuplicatePolicy: String, Sendable, CaseIterable, Codable {
    /// A translation from the same origin (file, article) as a stored one, and not older,
    /// replaces it, history kept: a re-imported, corrected file corrects its units. From
    /// elsewhere it is stored beside it, as another translation.
    case auto
    /// The stored translation stays; the new one is left out (counted as kept).
    case keep
    /// The new translation replaces the stored one (from the same origin if there is one, else
    /// the most frequent), history kept.
    case replace
    /// Every translation is stored beside the others.
    case variant
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
    /// Translations left out because their source was stored (`DuplicatePolicy.keep`).
    public var kept = 0
}

/// Where an import's reader hands what it read: batches of drafts to store, and corrections
/// of stored units (applied after the batches, each with its history).
struct ImportSink {
    let write: ([UnitDraft]) throws -> Void
    let corrections: Corrections

    /// Written by the reader thread only; read by the importing thread after the pipeline ended.
    final class Corrections: @unchecked Sendable {
        var list: [(unit: Int64, draft: UnitDraft)] = []
        /// Translations left out by `DuplicatePolicy.keep`.
        var kept = 0
        func append(_ c: (unit: Int64, draft: UnitDraft)) { list.append(c) }
    }
}

extension MemoryStore {
    /// Imports a TSV file (`source<TAB>target` a line) in one transaction: a failure part-way
    /// imports nothing. Bad lines are skipped and listed with their numbers.
    public func importTSV(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                          user: String? = nil, onDuplicate: DuplicatePolicy = .auto,
                          progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        try importTSV(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user,
                      onDuplicate: onDuplicate, progress: progress, largeFrom: nil)
    }

    /// `importTSV`, with the store's size from which an import is large overridden (tests).
    package func importTSV(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                           user: String? = nil, onDuplicate: DuplicatePolicy = .auto, progress: ((Int) -> Void)? = nil,
                           largeFrom: Int?) throws -> ImportReport {
        try importBatches(path: path, format: "tsv", user: user, policy: onDuplicate, progress: progress, largeFrom: largeFrom) { report, sink in
            let problems = try TSV.read(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, sink.write)
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
                          user: String? = nil, includeUnreviewed: Bool = false, onDuplicate: DuplicatePolicy = .auto,
                          progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        try importTMX(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user,
                      includeUnreviewed: includeUnreviewed, onDuplicate: onDuplicate, progress: progress, largeFrom: nil)
    }

    /// `importTMX`, with the store's size from which an import is large overridden (tests).
    package func importTMX(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                           user: String? = nil, includeUnreviewed: Bool = false, onDuplicate: DuplicatePolicy = .auto,
                           progress: ((Int) -> Void)? = nil, largeFrom: Int?) throws -> ImportReport {
        try importBatches(path: path, format: "tmx", user: user, policy: onDuplicate, progress: progress, largeFrom: largeFrom) { report, sink in
            var reader = TMXReader(sourceLanguage: sourceLanguage, targetLanguage: targetLanguage)
            reader.includeUnreviewed = includeUnreviewed
            let outcome = try reader.read(path: path, sink.write)
            report.unreviewed = outcome.unreviewed
            report.skipped = outcome.skipped
            report.skippedCount = outcome.skippedCount
            report.repaired = outcome.repaired
            report.repairedCount = outcome.repairedCount
            report.ignoredEntityDeclarations = outcome.ignoredEntityDeclarations
        }
    }

    /// One file's import: a reader thread parses the file into batches of drafts, each is
    /// checked against the memory as it was before the import (`policy`), prepared on the
    /// other cores (`ImportPipeline`), and handed by this thread to the store's `write`, which
    /// writes them in one transaction. Replacements of stored targets follow, each an edit that
    /// keeps the earlier target.
    private func importBatches(path: String, format: String, user: String?, policy: DuplicatePolicy,
                               progress: ((Int) -> Void)?, largeFrom: Int?,
                               read: @escaping (inout ImportReport, ImportSink) throws -> Void) throws -> ImportReport {
        let start = Date()
        let clock = StageClock()
        // An empty memory has nothing to replace or keep: a first bulk import pays nothing.
        let checks = try policy != .variant && unitCount() > 0
        let corrections = ImportSink.Corrections()
        let pipeline = ImportPipeline<ImportReport>(clock: clock) { write in
            var report = ImportReport(file: path, format: format)
            try withoutActuallyEscaping(write) { write in
                let sink = ImportSink(write: { drafts in
                    try write(checks ? try self.applying(policy, to: drafts, corrections: corrections) : drafts)
                }, corrections: corrections)
                try read(&report, sink)
            }
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
        report.kept = corrections.kept
        for (id, draft) in corrections.list {
            if try unit(id: id)?.target == draft.target {
                report.duplicates += 1   // this correction was imported before
            } else if try editUnit(id: id, target: draft.target, user: draft.createdBy ?? user) != nil {
                report.corrected += 1
            } else {
                // The unit was deleted since: the pair is stored as new.
                let summary = try add([draft], user: user)
                report.added += summary.added
                report.duplicates += summary.duplicates
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        report.stageSeconds = clock.totals
        return report
    }

    /// The drafts of a batch that are stored as they are under `policy`; the others are left
    /// out (`keep`) or become corrections of a stored unit (`replace`, `auto`).
    private func applying(_ policy: DuplicatePolicy, to drafts: [UnitDraft], corrections: ImportSink.Corrections) throws -> [UnitDraft] {
        let keys = drafts.map { SegmentKey.key($0.source) }
        let hashes = keys.map(SegmentKey.hash)
        let stored = try translationCounts(sourceHashes: Array(Set(hashes)))
        guard !stored.isEmpty else { return drafts }
        var units: [Int64: [TranslationUnit]] = [:]
        var kept: [UnitDraft] = []
        kept.reserveCapacity(drafts.count)
        for (k, draft) in drafts.enumerated() {
            guard stored[hashes[k]] != nil else { kept.append(draft); continue }
            if units[hashes[k]] == nil { units[hashes[k]] = try self.units(sourceHash: hashes[k]) }
            let same = units[hashes[k]]!.filter { $0.sourceKey == keys[k] }
            // The same pair stays a duplicate the store counts; a new source is simply new.
            guard !same.isEmpty, !same.contains(where: { $0.target == draft.target }) else { kept.append(draft); continue }
            let sameOrigin = same.first { $0.origin != nil && $0.origin == draft.origin }
            switch policy {
            case .variant:
                kept.append(draft)
            case .keep:
                corrections.kept += 1
            case .replace:
                corrections.append(((sameOrigin ?? same[0]).id!, draft))
            case .auto:
                if let unit = sameOrigin, (draft.changedAt ?? draft.createdAt ?? Date()) >= unit.changedAt {
                    corrections.append((unit.id!, draft))
                } else {
                    kept.append(draft)
                }
            }
        }
        return kept
    }

    /// Imports the segments of an XLIFF file (1.2 or 2.0) that a person translated, reviewed or
    /// approved (`XLIFFUnit.reviewed`; every segment with a target when `includeUnreviewed`),
    /// each with its file as origin and its neighbours as context, in one transaction. A
    /// reviewed target that differs from the exact match Tarjama proposed corrects that stored
    /// unit (`editUnit`, history kept) instead of becoming a second translation.
    public func importXLIFF(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                            user: String? = nil, includeUnreviewed: Bool = false, onDuplicate: DuplicatePolicy = .auto,
                            progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        let wantSource = TMXReader.primary(sourceLanguage), wantTarget = TMXReader.primary(targetLanguage)
        return try importBatches(path: path, format: "xliff", user: user, policy: onDuplicate, progress: progress, largeFrom: nil) { report, sink in
            var batch: [UnitDraft] = []
            var pending: (unit: XLIFFUnit, draft: UnitDraft)?
            var previous: (file: String, source: String)?
            func finish(next: XLIFFUnit?) throws {
                guard var p = pending else { return }
                pending = nil
                if let next, next.file == p.unit.file { p.draft.nextSource = next.source }
                if let unit = p.unit.matchedUnit, p.unit.edited, p.unit.matchKind == "exact" || p.unit.matchKind == "context" {
                    sink.corrections.append((unit, p.draft))
                    return
                }
                batch.append(p.draft)
                if batch.count >= 2_000 {
                    try sink.write(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try XLIFFReader().read(path: path) { unit in
                defer { previous = (unit.file, unit.source) }
                var (source, target) = (unit.source, unit.target)
                var (sourceCodes, targetCodes) = (unit.sourceCodes, unit.targetCodes)
                let languages = (TMXReader.primary(unit.sourceLanguage), TMXReader.primary(unit.targetLanguage))
                if languages == (wantTarget, wantSource) {
                    // A file translated the other way holds the same pairs.
                    swap(&source, &target)
                    swap(&sourceCodes, &targetCodes)
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
                // Only the codes the text holds (a segmented unit's segments share their codes).
                for (name, text, codes) in [("x-codes-source", source, sourceCodes), ("x-codes-target", target, targetCodes)] {
                    let held = Set(InlineCodes.placeholders(in: text).map(\.text))
                    let used = codes.filter { held.contains($0.key) }
                    if !used.isEmpty { properties[name] = JSONText.object(used) }
                }
                if !unit.reviewed { properties["x-state"] = unit.state ?? "unreviewed" }
                // The file's codes, regions kept (ar-SA, en-GB), else the ones asked for.
                var tags = (unit.sourceLanguage.isEmpty ? sourceLanguage : TMXReader.tag(unit.sourceLanguage),
                            unit.targetLanguage.isEmpty ? targetLanguage : TMXReader.tag(unit.targetLanguage))
                if languages == (wantTarget, wantSource) { swap(&tags.0, &tags.1) }
                var draft = UnitDraft(source: source, target: target, sourceLanguage: tags.0, targetLanguage: tags.1,
                                      origin: unit.file, position: unit.paragraph, createdBy: user, properties: properties)
                if let previous, previous.file == unit.file { draft.previousSource = previous.source }
                try finish(next: unit)
                pending = (unit, draft)
            }
            try finish(next: nil)
            if !batch.isEmpty { try sink.write(batch) }
        }
    }

    /// Imports a file by its kind (`ImportReport.format`): TMX, XLIFF or TSV.
    public func importFile(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                           user: String? = nil, includeUnreviewed: Bool = false, onDuplicate: DuplicatePolicy = .auto,
                           progress: ((Int) -> Void)? = nil) throws -> ImportReport {
        switch ImportReport.format(of: path) {
        case "xliff":
            return try importXLIFF(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user,
                                   includeUnreviewed: includeUnreviewed, onDuplicate: onDuplicate, progress: progress)
        case "tmx":
            return try importTMX(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user,
                                 includeUnreviewed: includeUnreviewed, onDuplicate: onDuplicate, progress: progress)
        default:
            return try importTSV(path: path, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage, user: user,
                                 onDuplicate: onDuplicate, progress: progress)
        }
    }

    /// Writes every unit `filter` accepts as TMX 1.4 through `emit`, in constant memory, with
    /// its neighbours in its article as `prev`/`next` props (`ArticleContext`).
    public func exportTMX(sourceLanguage: String = "ar", filter: UnitFilter = .all, emit: @escaping (String) throws -> Void) throws -> Int {
        let writer = TMXWriter(sourceLanguage: sourceLanguage, emit: emit)
        try writer.begin()
        var n = 0
        var context = ArticleContext()
        func write(_ entries: [ArticleContext.Entry]) throws {
            for e in entries where filter.accepts(e.unit) {
                try writer.write(e.unit, previous: e.previous, next: e.next)
                n += 1
            }
        }
        var last: Int64 = 0
        while true {
            let page = try units(after: last, limit: 2_000)
            guard let end = page.last?.id else { break }
            try write(context.feed(page))
            last = end
        }
        try write(context.finish())
        try writer.end()
        return n
    }

    /// Writes every unit `filter` accepts as `source<TAB>target` lines.
    public func exportTSV(filter: UnitFilter = .all, emit: (String) throws -> Void) throws -> Int {
        var n = 0
        try forEachUnit { u in
            guard filter.accepts(u) else { return }
            try emit(TSV.line(u) + "\n")
            n += 1
        }
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
