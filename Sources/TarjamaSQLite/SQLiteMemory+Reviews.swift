import Foundation
import GRDB
import TarjamaMemory

extension SQLiteMemory {
    public func saveReview(id: String, name: String, state: Data, revision: Int64?) throws -> Int64 {
        try pool.write { db in
            let now = Date()
            if let revision {
                try db.execute(sql: "UPDATE review SET name = ?, state = ?, revision = revision + 1, updated_at = ? WHERE id = ? AND revision = ?",
                               arguments: [name, state, now, id, revision])
                guard db.changesCount == 1 else { throw ReviewConflict(id: id) }
                return revision + 1
            }
            try db.execute(sql: "INSERT OR IGNORE INTO review (id, name, state, revision, updated_at) VALUES (?, ?, ?, 1, ?)",
                           arguments: [id, name, state, now])
            guard db.changesCount == 1 else { throw ReviewConflict(id: id) }
            return 1
        }
    }

    public func review(id: String) throws -> SavedReview? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT name, state, revision FROM review WHERE id = ?", arguments: [id])
                .map { SavedReview(name: $0[0], state: $0[1], revision: $0[2]) }
        }
    }

    public func reviews() throws -> [ReviewSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, revision, updated_at FROM review ORDER BY updated_at DESC, id")
                .map { ReviewSummary(id: $0[0], name: $0[1], revision: $0[2], updatedAt: $0[3]) }
        }
    }

    @discardableResult
    public func deleteReview(id: String) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM review WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }
}
