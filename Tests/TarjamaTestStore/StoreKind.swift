import Foundation
import TarjamaMemory
import TarjamaPostgres
import TarjamaSQLite

/// The stores the store-neutral tests run on: SQLite, the dictionary store, and PostgreSQL when
/// a server is given (`TARJAMA_TEST_POSTGRES`, an address of a database the tests may create
/// databases from, as `scripts/test.sh` sets it).
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, dictionary, postgres

    public var description: String { rawValue }

    /// The PostgreSQL server's address for tests, if any.
    public static var postgresServer: String? {
        ProcessInfo.processInfo.environment["TARJAMA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The kinds this run can make.
    public static var available: [StoreKind] {
        postgresServer == nil ? [.sqlite, .dictionary] : [.sqlite, .dictionary, .postgres]
    }

    /// A new, empty store of this kind: a file in `folder`, dictionaries, or a database of its
    /// own on the test server (dropped by `TestDatabases.dropAll()` or when the test process ends).
    public func make(in folder: URL) throws -> any MemoryStore {
        switch self {
        case .sqlite: return try SQLiteMemory(path: folder.appendingPathComponent("m.tmdb").path)
        case .dictionary: return DictionaryStore()
        case .postgres:
            guard let server = Self.postgresServer else { throw StoreKindError.noServer }
            let name = "tarjama_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let address = try PostgresMemory.createDatabase(server: server, name: String(name))
            return try PostgresMemory(address: address)
        }
    }

    /// Another store object on the memory at `location` (as a second process would open it);
    /// the dictionary store has no location and gives nothing.
    public func reopen(_ location: String) throws -> any MemoryStore {
        switch self {
        case .sqlite: return try SQLiteMemory(path: location)
        case .postgres: return try PostgresMemory(address: location)
        case .dictionary: throw StoreKindError.noLocation
        }
    }

    public enum StoreKindError: Error { case noServer, noLocation }
}
