import Foundation
import GRDB
import TarjamaMemory

/// The `unit` table's columns, declared once: the insert list, the select list and the
/// decoding of a row into a `TranslationUnit` all follow this order.
enum UnitTable {
    /// Columns an insert writes, in the order of its values (`occurrences` starts at 1).
    static let written = TranslationUnit.storedColumns
    /// Columns a read selects: the written ones and the occurrence count.
    static let read = written + ["occurrences"]
    static let insertList = written.joined(separator: ", ")
    static let selectList = read.joined(separator: ", ")

    /// A row selected with `selectList`, as a unit.
    static func unit(_ row: Row) -> TranslationUnit {
        TranslationUnit(
            id: row[0], sourceLanguage: row[1], targetLanguage: row[2], source: row[3], target: row[4],
            sourceHash: row[5], pairHash: row[6], occurrences: row[20], origin: row[7], position: row[8],
            previousHash: row[9], nextHash: row[10], confidence: row[11], createdAt: row[12], changedAt: row[13],
            createdBy: row[14], changedBy: row[15], usageCount: row[16],
            properties: JSONText.properties(row[17]), notes: JSONText.notes(row[18]))
    }
}

extension SQLiteMemory {
    /// Units selected by a query on `unit` whose select list is `UnitTable.selectList`.
    static func fetchUnits(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [TranslationUnit] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var units: [TranslationUnit] = []
        while let row = try rows.next() { units.append(UnitTable.unit(row)) }
        return units
    }
}
