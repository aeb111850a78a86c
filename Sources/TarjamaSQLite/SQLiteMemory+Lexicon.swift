import Foundation
import GRDB
import TarjamaAlign
import TarjamaMemory

extension SQLiteMemory {
    /// Whether `tarjama lexicon train` has stored a lexicon in this memory.
    public func hasLexicon() throws -> Bool {
        try pool.read { try Bool.fetchOne($0, sql: "SELECT EXISTS(SELECT 1 FROM lexicon)") ?? false }
    }

    /// The learned translations of these Arabic words (matching keys) only.
    public func lexicon(for words: Set<String>) -> Lexicon {
        var table: [String: [String: Float]] = [:]
        let list = Array(words)
        try? pool.read { db in
            for start in stride(from: 0, to: list.count, by: 500) {
                let chunk = Array(list[start..<min(start + 500, list.count)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchCursor(db, sql: "SELECT source, target, probability FROM lexicon WHERE source IN (\(marks))",
                                               arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    table[row[0] as String, default: [:]][row[1] as String] = Float(row[2] as Double)
                }
            }
        }
        return Lexicon(table: table)
    }

    /// Replaces the stored lexicon (one transaction: readers see the old or the new one).
    public func saveLexicon(_ lexicon: Lexicon) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM lexicon")
            let insert = try db.makeStatement(sql: "INSERT INTO lexicon(source, target, probability) VALUES (?, ?, ?)")
            for (source, targets) in lexicon.table {
                for (target, p) in targets { try insert.execute(arguments: [source, target, Double(p)]) }
            }
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('lexicon_pairs', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [String(lexicon.pairsSeen)])
        }
    }
}
