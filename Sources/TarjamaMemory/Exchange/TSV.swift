import Foundation
import TarjamaText

/// Tab-separated pairs: `source<TAB>target` per line, further columns ignored.
///
/// Reading is streaming and honest: a line without a tab, or with an empty side, is skipped
/// and reported with its line number instead of being imported half-empty.
public enum TSV {
    public typealias Problem = ImportProblem

    /// Reads a TSV file in batches of `batchSize` drafts; `body` gets each batch.
    public static func read(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                            batchSize: Int = 8_000, batchBytes: Int = UnitDraft.batchBytes,
                            _ body: ([UnitDraft]) throws -> Void) throws -> [Problem] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw MemoryError.badInput(file: path, line: 0, message: "cannot open the file; check the path and permissions")
        }
        defer { try? handle.close() }
        var problems: [Problem] = []
        var batch: [UnitDraft] = []
        var batchText = 0
        batch.reserveCapacity(batchSize)
        var lineNumber = 0
        var pending = [UInt8]()
        let origin = (path as NSString).lastPathComponent
        func handleLine(_ raw: ArraySlice<UInt8>) throws {
            lineNumber += 1
            var line = raw
            if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = line.dropFirst(3) }
            if line.last == 0x0D { line = line.dropLast() }
            if line.isEmpty { return }
            guard let tab = line.firstIndex(of: 0x09) else {
                problems.append(Problem(line: lineNumber, message: "no tab between source and target; line skipped"))
                return
            }
            let rest = line[(tab + 1)...]
            let targetEnd = rest.firstIndex(of: 0x09) ?? rest.endIndex
            guard let source = String(validating: line[line.startIndex..<tab], as: UTF8.self),
                  let target = String(validating: rest[rest.startIndex..<targetEnd], as: UTF8.self) else {
                problems.append(Problem(line: lineNumber, message: "not valid UTF-8; line skipped"))
                return
            }
            let s = source.trimmingWhitespace(), t = target.trimmingWhitespace()
            guard !s.isEmpty, !t.isEmpty else {
                problems.append(Problem(line: lineNumber, message: "empty \(s.isEmpty ? "source" : "target"); line skipped"))
                return
            }
            batch.append(UnitDraft(source: s, target: t, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage,
                                   origin: origin, position: lineNumber))
            batchText += s.utf8.count + t.utf8.count
            // Long lines send a batch out early: memory stays bounded whatever the file holds.
            if batch.count >= batchSize || batchText >= batchBytes {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
                batchText = 0
            }
        }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = pending.startIndex
            while let nl = pending[start...].firstIndex(of: 0x0A) {
                try handleLine(pending[start..<nl])
                start = nl + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty { try handleLine(pending[...]) }
        if !batch.isEmpty { try body(batch) }
        return problems
    }

    /// One TSV line for a unit: tabs and newlines inside the text become spaces.
    public static func line(_ unit: TranslationUnit) -> String {
        func clean(_ s: String) -> String {
            s.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\r\n", with: " ")
                .replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
        }
        return clean(unit.source) + "\t" + clean(unit.target)
    }
}
