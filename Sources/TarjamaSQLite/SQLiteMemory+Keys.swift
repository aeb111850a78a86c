import Foundation
import GRDB
import TarjamaMemory

extension SQLiteMemory {
    public func addKey(digest: String, prefix: String, name: String, role: AccessRole) throws -> AccessKey {
        let now = Date()
        return try pool.write { db in
            try db.execute(sql: "INSERT INTO access_key (digest, prefix, name, role, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [digest, prefix, name, role.rawValue, now])
            return AccessKey(id: db.lastInsertedRowID, name: name, role: role, prefix: prefix, createdAt: now)
        }
    }

    public func keys() throws -> [AccessKey] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, role, prefix, created_at, revoked_at FROM access_key ORDER BY id").map(Self.key)
        }
    }

    public func revokeKey(id: Int64) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "UPDATE access_key SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [Date(), id])
            return db.changesCount == 1
        }
    }

    public func key(digest: String) throws -> AccessKey? {
        try pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT id, name, role, prefix, created_at, revoked_at FROM access_key WHERE digest = ? AND revoked_at IS NULL
                """, arguments: [digest]).map(Self.key)
        }
    }

    private static func key(_ row: Row) -> AccessKey {
        AccessKey(id: row[0], name: row[1], role: AccessRole(rawValue: row[2]) ?? .read, prefix: row[3], createdAt: row[4], revokedAt: row[5])
    }
}
