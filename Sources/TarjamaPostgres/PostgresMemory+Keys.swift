import Foundation
import PostgresNIO
import TarjamaMemory

extension PostgresMemory {
    public func addKey(digest: String, prefix: String, name: String, role: AccessRole) throws -> AccessKey {
        let role = role.rawValue
        return try run { c in
            let rows = try await c.query("""
                INSERT INTO access_key (digest, prefix, name, role) VALUES (\(digest), \(prefix), \(name), \(role))
                RETURNING id, name, role, prefix, created_at, revoked_at
                """, logger: Self.logger)
            for try await row in rows { return try Self.key(row) }
            throw MemoryError.failed("access_key", "the new key was not stored")
        }
    }

    public func keys() throws -> [AccessKey] {
        try run { c in
            var keys: [AccessKey] = []
            for try await row in try await c.query("SELECT id, name, role, prefix, created_at, revoked_at FROM access_key ORDER BY id",
                                                   logger: Self.logger) { keys.append(try Self.key(row)) }
            return keys
        }
    }

    public func revokeKey(id: Int64) throws -> Bool {
        try run { c in
            var revoked = false
            for try await _ in try await c.query("""
                UPDATE access_key SET revoked_at = now() WHERE id = \(id) AND revoked_at IS NULL RETURNING id
                """, logger: Self.logger) { revoked = true }
            return revoked
        }
    }

    public func key(digest: String) throws -> AccessKey? {
        try run { c in
            for try await row in try await c.query("""
                SELECT id, name, role, prefix, created_at, revoked_at FROM access_key WHERE digest = \(digest) AND revoked_at IS NULL
                """, logger: Self.logger) { return try Self.key(row) }
            return nil
        }
    }

    private static func key(_ row: PostgresRow) throws -> AccessKey {
        let (id, name, role, prefix, created, revoked) = try row.decode((Int64, String, String, String, Date, Date?).self)
        return AccessKey(id: id, name: name, role: AccessRole(rawValue: role) ?? .read, prefix: prefix, createdAt: created, revokedAt: revoked)
    }
}
