import ArgumentParser
import Foundation
import Synchronization
import TarjamaText

/// An error that tells the user what went wrong and what to do; printed without a stack trace.
public struct UserError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}

extension Language: ExpressibleByArgument {}

/// Reads a text file as UTF-8 (with or without BOM), or standard input for `-`.
public func readText(_ path: String) throws -> String {
    let data: Data
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard FileManager.default.fileExists(atPath: path) else {
            throw UserError("cannot read '\(path)': no such file. Check the path, or pass - to read standard input.")
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int {
            do { try TextDecoding.checkSize(size, name: path) } catch let f as TextDecoding.Failure { throw UserError(f.description) }
        }
        guard let d = FileManager.default.contents(atPath: path) else {
            throw UserError("cannot read '\(path)': permission denied or not a regular file.")
        }
        data = d
    }
    do {
        return try TextDecoding.decode([UInt8](data), name: path == "-" ? "standard input" : path)
    } catch let failure as TextDecoding.Failure {
        throw UserError(failure.description)
    }
}

/// Who is at the keyboard, for the author and editor of what a command writes:
/// `$TARJAMA_USER`, else the login name.
public func currentUser() -> String? {
    let env = ProcessInfo.processInfo.environment
    if let name = [env["TARJAMA_USER"], env["USER"], env["LOGNAME"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) { return name }
    return getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
}

/// Arabic or English, by the script most of the letters are in (`LanguageGuess`).
public func detectLanguage(_ text: String) -> Language {
    LanguageGuess(text).arabicLetters >= 0.5 ? .ar : .en
}

/// Writes one JSON value per line (JSON Lines), keys sorted so output is stable.
public struct JSONLines {
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    public init() {}

    public func line<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// Standard error, for progress and warnings that must not mix with data on standard output.
public func warn(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A progress bar on standard error, drawn only when it is a terminal (scripts get clean logs).
/// Safe to update from worker threads.
public final class ProgressBar: Sendable {
    private let total: Int
    private let label: String
    private let start = Date()
    private let enabled = isatty(STDERR_FILENO) == 1
    private let lastDraw = Mutex(Date.distantPast)

    /// Shows a line that is overwritten in place; it is cleared by `finish()` when the total is
    /// not known in advance (`total` ≤ 0).
    public func finish() {
        guard enabled, total <= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    public init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    public func update(_ done: Int) {
        guard enabled else { return }
        // One thread draws at a time; others skip a frame drawn less than 0.1 s ago.
        lastDraw.withLock { lastDraw in
            guard done == total || Date().timeIntervalSince(lastDraw) > 0.1 else { return }
            lastDraw = Date()
            draw(done)
        }
    }

    private func draw(_ done: Int) {
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        if total <= 0 {   // open-ended: a count and a rate
            FileHandle.standardError.write(Data(String(format: "\r%@ %d  %.0f/s ", label, done, rate).utf8))
            return
        }
        let width = 30, filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "\r%@ %@ %d/%d  %.1f %@/s  ETA %.0fs ", bar, label, done, total, rate, label, eta)
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Files named on the command line, with each folder replaced by the files under it whose
/// names end in `suffix` (sorted, so batches run in a stable order).
/// - Parameter verb: what the command does, for the error ("import", "pre-translate").
public func expandInputs(_ paths: [String], suffixes: [String], verb: String) throws -> [String] {
    var files: [String] = []
    for p in paths {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
            throw UserError("cannot \(verb) '\(p)': no such file or folder.")
        }
        if isDir.boolValue {
            let found = (FileManager.default.enumerator(atPath: p)?.allObjects as? [String] ?? [])
                .filter { name in suffixes.contains { name.lowercased().hasSuffix($0) } }.sorted()
            if found.isEmpty { warn("tarjama: '\(p)' holds no \(suffixes.joined(separator: " or ")) files") }
            files += found.map { (p as NSString).appendingPathComponent($0) }
        } else {
            files.append(p)
        }
    }
    return files
}
