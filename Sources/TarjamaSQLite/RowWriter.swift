import Foundation
import GRDB
import GRDBSQLite

/// Binds and runs one of GRDB's prepared statements through SQLite's C API, for the import's
/// per-unit inserts: GRDB's `setUncheckedArguments` boxes every value as an existential in an
/// array, which was a fifth of the writer thread's time. Everything else goes through GRDB.
///
/// It holds the statement GRDB cached: make row writers after any schema change in the same
/// transaction (GRDB finalises its cached statements when the schema changes).
struct RowWriter {
    private let statement: OpaquePointer
    private let connection: OpaquePointer?
    /// GRDB's statement, asked for its SQL only for an error: `Statement.sql` trims the text
    /// with Foundation, a million instructions for a 64-row insert, which had been paid each
    /// time an import made a writer (seven a batch, three of them for 64-row statements).
    private let source: Statement
    private var index: Int32 = 0

    /// SQLite copies the bytes before the call returns (`SQLITE_TRANSIENT`, a macro Swift
    /// cannot import).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// A valid address for zero bytes (SQLite reads none of it).
    nonisolated(unsafe) private static let empty = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1))

    init(_ statement: Statement, in db: Database) {
        self.statement = statement.sqliteStatement
        connection = db.sqliteConnection
        source = statement
    }

    mutating func text(_ s: String?) {
        guard let s else { index += 1; sqlite3_bind_null(statement, index); return }
        text(s)
    }

    mutating func text(_ s: String) {
        // A native string's bytes are read in place; only a bridged one is copied first.
        if s.utf8.withContiguousStorageIfAvailable({ text(bytes: $0) }) == nil {
            var copy = s
            copy.withUTF8 { text(bytes: $0) }
        }
    }

    mutating func text(bytes b: UnsafeBufferPointer<UInt8>) {
        index += 1
        // An empty string may have no storage; a null pointer would bind NULL, not "".
        let bytes = UnsafeRawPointer(b.baseAddress) ?? Self.empty
        _ = sqlite3_bind_text(statement, index, bytes.assumingMemoryBound(to: CChar.self), Int32(b.count), Self.transient)
    }

    /// Binds bytes SQLite reads in place (`SQLITE_STATIC`): they must stay valid and unchanged
    /// until the statement has run. Empty text binds as '', not NULL.
    mutating func text(static b: UnsafeBufferPointer<UInt8>) {
        index += 1
        let bytes = UnsafeRawPointer(b.baseAddress) ?? Self.empty
        _ = sqlite3_bind_text(statement, index, bytes.assumingMemoryBound(to: CChar.self), Int32(b.count), nil)
    }

    /// Binds `text[range]` in place (`SQLITE_STATIC`), or `fallback` when there is no range,
    /// or NULL when there is neither. A method, not a closure over the writer: a nested
    /// function capturing it paid for an exclusivity check on every call.
    @inline(__always)
    mutating func text(_ range: Range<Int32>?, in text: UnsafeBufferPointer<UInt8>, or fallback: UnsafeMutableBufferPointer<UInt8>?) {
        if let range {
            self.text(static: UnsafeBufferPointer(rebasing: text[Int(range.lowerBound)..<Int(range.upperBound)]))
        } else if let fallback {
            self.text(static: UnsafeBufferPointer(fallback))
        } else {
            null()
        }
    }

    mutating func blob(static b: UnsafeBufferPointer<UInt8>) {
        index += 1
        _ = sqlite3_bind_blob(statement, index, UnsafeRawPointer(b.baseAddress) ?? Self.empty, Int32(b.count), nil)
    }

    mutating func null() {
        index += 1
        sqlite3_bind_null(statement, index)
    }

    mutating func int(_ v: Int64?) {
        index += 1
        if let v { sqlite3_bind_int64(statement, index, v) } else { sqlite3_bind_null(statement, index) }
    }

    mutating func int(_ v: Int?) { int(v.map(Int64.init)) }

    mutating func double(_ v: Double?) {
        index += 1
        if let v { sqlite3_bind_double(statement, index, v) } else { sqlite3_bind_null(statement, index) }
    }

    mutating func blob(_ d: Data) {
        index += 1
        d.withUnsafeBytes { b in
            _ = sqlite3_bind_blob(statement, index, b.baseAddress ?? Self.empty, Int32(b.count), Self.transient)
        }
    }

    mutating func blob(bytes b: UnsafeBufferPointer<UInt8>) {
        index += 1
        _ = sqlite3_bind_blob(statement, index, UnsafeRawPointer(b.baseAddress) ?? Self.empty, Int32(b.count), Self.transient)
    }

    /// Runs a statement that returns one row of integers (`RETURNING`), and gives them.
    mutating func runReturning(columns: Int32) throws -> [Int64] {
        index = 0
        var code = sqlite3_step(statement)
        var values: [Int64] = []
        if code == SQLITE_ROW {
            values = (0..<columns).map { sqlite3_column_int64(statement, $0) }
            while code == SQLITE_ROW { code = sqlite3_step(statement) }
        }
        sqlite3_reset(statement)
        guard code == SQLITE_DONE, values.count == Int(columns) else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code == SQLITE_DONE ? SQLITE_ERROR : code),
                                message: connection.map { String(cString: sqlite3_errmsg($0)) }, sql: source.sql)
        }
        return values
    }

    /// Runs the statement and makes it ready for the next row.
    mutating func run() throws {
        index = 0
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: connection.map { String(cString: sqlite3_errmsg($0)) }, sql: source.sql)
        }
    }

    /// Rows the last statement on the connection changed.
    var changes: Int32 { sqlite3_changes(connection) }
    var lastRowID: Int64 { sqlite3_last_insert_rowid(connection) }
}
