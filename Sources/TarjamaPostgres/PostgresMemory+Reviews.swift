import Foundation
import PostgresNIO
import TarjamaMemory

extension PostgresMemory {
    public func saveReview(id: String, name: String, state: Data, revision: Int64?) throws -> Int64 {
        let saved: Int64? = try run { c in
            let rows: PostgresRowSequence
            if let revision {
                rows = try await c.query("""
                    UPDATE review SET name = \(name), state = \(state), revision = revision + 1, updated_at = now()
                    WHERE id = \(id) AND revision = \(revision) RETURNING revision
                    """, logger: Self.logger)
            } else {
                rows = try await c.query("""
                    INSERT INTO review (id, name, state, revision, updated_at) VALUES (\(id), \(name), \(state), 1, now())
                    ON CONFLICT (id) DO NOTHING RETURNING revision
                    """, logger: Self.logger)
            }
            for try await (r) in rows.decode(Int64.self) { return r }
            return nil
        }
        guard let saved else { throw ReviewConflict(id: id) }
        return saved
    }

    public func review(id: String) throws -> SavedReview? {
        try run { c in
            for try await (name, state, revision) in try await c.query(
                "SELECT name, state, revision FROM review WHERE id = \(id)", logger: Self.logger).decode((String, Data, Int64).self) {
                return SavedReview(name: name, state: state, revision: revision)
            }
            return nil
        }
    }

    public func reviews() throws -> [ReviewSummary] {
        try run { c in
            var list: [ReviewSummary] = []
            for try await (id, name, revision, updated) in try await c.query(
                "SELECT id, name, revision, updated_at FROM review ORDER BY updated_at DESC, id", logger: Self.logger)
                .decode((String, String, Int64, Date).self) {
                list.append(ReviewSummary(id: id, name: name, revision: revision, updatedAt: updated))
            }
            return list
        }
    }

    @discardableResult
    public func deleteReview(id: String) throws -> Bool {
        try run { c in
            for try await _ in try await c.query("DELETE FROM review WHERE id = \(id) RETURNING id", logger: Self.logger) { return true }
            return false
        }
    }
}
