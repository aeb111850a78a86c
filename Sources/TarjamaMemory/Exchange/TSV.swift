import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TarjamaText

/// Tab-separated pairs: `source<TAB>target` per line, further columns ignored.
///
/// Reading is streaming and honest: a line without a tab, or with an empty side, is skipped
/// and reported with its line number instead of being imported half-empty.
public enum TSV {
    public typealias Problem = ImportProblem

    /// Reads a TSV file in batches of `batchSize` drafts; `body` gets each batch. A line longer
    /// than `maxLineBytes` (`TextDecoding.maximumFieldBytes`) stops the read with an error.
    public static func read(path: String, sourceLanguage: String = "ar", targetLanguage: String = "en",
                            batchSize: Int = 8_000, batchBytes: Int = UnitDraft.batchBytes, maxLineBytes: Int = TextDecoding.maximumFieldBytes,
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
        let origin = (path as NSString).lastPathComponent
        /// One line, on bytes: split at the first tab, each side trimmed, then validated and made
        /// a string once (validating, trimming and copying whole strings had been a tenth of an
        /// import's preparation).
        func handleLine(_ b: UnsafeMutableBufferPointer<UInt8>, _ line: Range<Int>) throws {
            lineNumber += 1
            var lo = line.lowerBound, hi = line.upperBound
            if lineNumber == 1, hi - lo >= 3, b[lo] == 0xEF, b[lo + 1] == 0xBB, b[lo + 2] == 0xBF { lo += 3 }
            if hi > lo, b[hi - 1] == 0x0D { hi -= 1 }
            if lo == hi { return }
            if firstIndex(of: 0x00, in: b, lo..<hi) != nil {
                problems.append(Problem(line: lineNumber, message: "holds a NUL character, which text never does (binary data?); line skipped"))
                return
            }
            guard let tab = firstIndex(of: 0x09, in: b, lo..<hi) else {
                problems.append(Problem(line: lineNumber, message: "no tab between source and target; line skipped"))
                return
            }
            let targetEnd = firstIndex(of: 0x09, in: b, (tab + 1)..<hi) ?? hi
            let s = UTF8Scan.trimmingWhitespace(lo..<tab, in: UnsafeBufferPointer(b)), t = UTF8Scan.trimmingWhitespace((tab + 1)..<targetEnd, in: UnsafeBufferPointer(b))
            guard let source = string(b, s), let target = string(b, t) else {
                problems.append(Problem(line: lineNumber, message: "not valid UTF-8; line skipped"))
                return
            }
            guard !source.isEmpty, !target.isEmpty else {
                problems.append(Problem(line: lineNumber, message: "empty \(source.isEmpty ? "source" : "target"); line skipped"))
                return
            }
            batch.append(UnitDraft(source: source, target: target, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage,
                                   origin: origin, position: lineNumber))
            batchText += s.count + t.count
            // Long lines send a batch out early: memory stays bounded whatever the file holds.
            if batch.count >= batchSize || batchText >= batchBytes {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
                batchText = 0
            }
        }
        // One buffer for the whole file: a chunk is read in after the unfinished line the last
        // one left (moved to the front), and the buffer doubles only for a line longer than
        // itself. A fresh 1 MB `Data` per read had been a new mapping to fault in each time.
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0
        let fd = handle.fileDescriptor
        while true {
            if filled == buffer.count {
                // A line this long is no pair of sentences: binary data, /dev/zero, a file without
                // line breaks. Stopping keeps memory bounded; the import's transaction stores nothing.
                guard buffer.count < maxLineBytes else {
                    throw MemoryError.badInput(file: path, line: lineNumber + 1, message: "a line longer than \(maxLineBytes >> 20) MB (no line break): not a TSV file, or one whose line breaks were lost; nothing was imported (TARJAMA_MAX_FIELD_MB raises the limit)")
                }
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let n = buffer.withUnsafeMutableBytes { readBytes(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw MemoryError.badInput(file: path, line: lineNumber + 1,
                                           message: "reading failed (\(String(cString: strerror(errno)))); check the file and try again")
            }
            if n == 0 { break }
            if filled == 0 && lineNumber == 0 {
                // UTF-16 read as UTF-8 would import every line as NUL-laced text: refused whole.
                if TextDecoding.utf16Order(Array(buffer[..<n])) != nil {
                    throw MemoryError.badInput(file: path, line: 1, message: "the file is UTF-16 text; Tarjama reads UTF-8 TSV. Convert it first: iconv -f UTF-16 -t UTF-8 '\(path)' > '\(TextDecoding.converted(path))'")
                }
            }
            filled += n
            let consumed = try buffer.withUnsafeMutableBufferPointer { whole -> Int in
                let b = UnsafeMutableBufferPointer(rebasing: whole[..<filled])
                var start = 0
                while let nl = firstIndex(of: 0x0A, in: b, start..<b.count) {
                    try handleLine(b, start..<nl)
                    start = nl + 1
                }
                return start
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { _ = memmove($0.baseAddress!, $0.baseAddress! + consumed, filled - consumed) }
                filled -= consumed
            }
        }
        if filled > 0 { try buffer.withUnsafeMutableBufferPointer { try handleLine($0, 0..<filled) } }
        if !batch.isEmpty { try body(batch) }
        return problems
    }

    /// `read(2)` (the name `read` is this type's own).
    private static func readBytes(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.read(fd, p, count)
        #else
        return Darwin.read(fd, p, count)
        #endif
    }

    /// `b[r]` as a string if it is valid UTF-8. Read as a C string, with the byte after the
    /// field set to NUL for the call and put back: `String(validating:as:)` is generic and
    /// looked up type metadata twice per call (a third of reading a line). A field holding a
    /// NUL (valid UTF-8, where a C string would end) or ending the buffer goes the generic way.
    private static func string(_ b: UnsafeMutableBufferPointer<UInt8>, _ r: Range<Int>) -> String? {
        let start = b.baseAddress! + r.lowerBound
        guard r.upperBound < b.count, memchr(start, 0, r.count) == nil else {
            return String(validating: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
        }
        let after = b[r.upperBound]
        b[r.upperBound] = 0
        defer { b[r.upperBound] = after }
        return start.withMemoryRebound(to: CChar.self, capacity: r.count + 1) { String(validatingCString: $0) }
    }

    /// Where `byte` first occurs in `b[range]` (memchr).
    private static func firstIndex(of byte: UInt8, in b: UnsafeMutableBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, let p = memchr(b.baseAddress! + range.lowerBound, Int32(byte), range.count) else { return nil }
        return b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
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
