import Foundation
import PostgresNIO
import TarjamaAlign
import TarjamaMemory
import TarjamaText

/// A translation memory in a PostgreSQL database, for a desk that outgrows one file: many
/// writers, several servers, the same matches as SQLite.
///
/// It carries Tarjama's own term index into PostgreSQL (terms with document frequencies,
/// posting lists of delta-coded ids in blocks, stored match tokens), so candidate retrieval
/// reads a few rows per query term instead of scanning trigram similarities; the scoring is
/// the matcher's, shared with every store. Units get ids from a sequence, duplicates are
/// decided by the unique (source hash, pair hash) key inside `INSERT … ON CONFLICT`, a batch
/// is written through `COPY`, and each writer appends its own posting blocks: no step needs
/// a single writer.
/// ```swift
/// let memory = try PostgresMemory(address: "postgres://tarjama@localhost:5432/newsroom")
/// try memory.add([UnitDraft(source: "وصل الوفد.", target: "The delegation arrived.")])
/// ```
public final class PostgresMemory: MemoryStore {
    let connections: PostgresConnections
    public var location: String { connections.address.description }

    /// Connects to an existing database and creates or upgrades Tarjama's tables in it
    /// (versioned migrations under an advisory lock, so two processes starting at once are safe).
    public init(address: String) throws {
        connections = PostgresConnections(try PostgresAddress(address))
        try migrate()
    }

    /// Runs `body` on a lent connection, turning PostgreSQL's errors into the memory's.
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) throws -> T {
        do {
            return try connections.run(body)
        } catch let error as MemoryError {
            throw error
        } catch {
            throw MemoryError.failed(location, PostgresConnections.message(error))
        }
    }

    static let logger = PostgresConnections.logger
}

extension PostgresConnection {
    /// Runs statements whose rows are not needed.
    func execute(_ query: PostgresQuery) async throws {
        try await self.query(query, logger: PostgresMemory.logger)
    }

    /// Runs statements separated by semicolons (no parameters, no semicolons inside them), one
    /// after the other: the extended protocol takes one statement at a time.
    func executeScript(_ sql: String) async throws {
        for statement in sql.split(separator: ";") {
            let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { try await self.query(PostgresQuery(unsafeSQL: text), logger: PostgresMemory.logger) }
        }
    }
}

extension PostgresMemory {
    /// Creates an empty database `name` on the server of `server` (an address of a database
    /// there, e.g. its `postgres` database) and gives the new database's address. For tests
    /// and setup scripts; Tarjama never creates the database it is pointed at.
    package static func createDatabase(server: String, name: String) throws -> String {
        let address = try PostgresAddress(server)
        let connections = PostgresConnections(address)
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw MemoryError.failed(name, "a database name of letters, digits and underscores only")
        }
        _ = try connections.run { c in try await c.executeScript("CREATE DATABASE \(name)") }
        var created = address
        created.database = name
        return "postgres://\(created.user)\(created.password.map { ":" + $0 } ?? "")@\(created.host):\(created.port)/\(name)"
    }
}

extension PostgresMemory {
    /// The address of database `name` on the server of `server`, if it exists.
    package static func databaseAddress(server: String, name: String) throws -> String? {
        let connections = PostgresConnections(try PostgresAddress(server))
        let exists: Bool = try connections.run { c in
            for try await (n) in try await c.query("SELECT count(*) FROM pg_database WHERE datname = \(name)", logger: logger).decode(Int64.self) {
                return n > 0
            }
            return false
        }
        return exists ? try address(server, name) : nil
    }

    /// Drops database `name` (closing its sessions) and creates it empty again.
    package static func recreateDatabase(server: String, name: String) throws -> String {
        let connections = PostgresConnections(try PostgresAddress(server))
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw MemoryError.failed(name, "a database name of letters, digits and underscores only")
        }
        _ = try connections.run { c in
            try await c.executeScript("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try await c.executeScript("CREATE DATABASE \(name)")
        }
        return try address(server, name)
    }

    private static func address(_ server: String, _ name: String) throws -> String {
        let a = try PostgresAddress(server)
        return "postgres://\(a.user)\(a.password.map { ":" + $0 } ?? "")@\(a.host):\(a.port)/\(name)"
    }

    /// Milliseconds of each query as a trigram similarity search, the way Weblate searches its
    /// PostgreSQL memory (`pg_trgm`, a GIN index on the sources, similarity above 0.5, the best
    /// five): the comparison the PostgreSQL store is measured against.
    package func trigramSearchMilliseconds(_ queries: [String]) throws -> [Double] {
        try run { c in
            try await c.executeScript("""
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
                CREATE INDEX IF NOT EXISTS unit_source_trgm ON unit USING gin (source gin_trgm_ops);
                SET pg_trgm.similarity_threshold = 0.5
                """)
            var times: [Double] = []
            for q in queries {
                let start = DispatchTime.now().uptimeNanoseconds
                let rows = try await c.query("""
                    SELECT id, similarity(source, \(q)) AS s FROM unit WHERE source % \(q) ORDER BY s DESC LIMIT 5
                    """, logger: Self.logger)
                for try await _ in rows {}
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            return times
        }
    }
}
