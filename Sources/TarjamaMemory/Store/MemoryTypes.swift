import Foundation


/// What a write did: units new to the memory, and exact duplicates (same source and target)
/// that only raised a stored unit's occurrence count.
public struct AddSummary: Sendable, Equatable, Codable {
    public var added = 0
    public var duplicates = 0
    public init(added: Int = 0, duplicates: Int = 0) { self.added = added; self.duplicates = duplicates }
    public static func += (a: inout AddSummary, b: AddSummary) { a.added += b.added; a.duplicates += b.duplicates }
}

/// Counts, languages and dates of a memory (`tarjama memory stats`).
public struct MemoryStats: Sendable, Codable {
    /// Where the memory lives: a file path or a database address.
    public let path: String
    public let schemaVersion: Int
    public let units: Int
    public let occurrences: Int
    public let distinctSources: Int
    public let origins: Int
    public let meanConfidence: Double?
    public let firstCreated: Date?
    public let lastChanged: Date?
    public let languagePairs: [String]
    public let fileBytes: Int

    public init(path: String, schemaVersion: Int, units: Int, occurrences: Int, distinctSources: Int, origins: Int,
                meanConfidence: Double?, firstCreated: Date?, lastChanged: Date?, languagePairs: [String], fileBytes: Int) {
        self.path = path; self.schemaVersion = schemaVersion; self.units = units; self.occurrences = occurrences
        self.distinctSources = distinctSources; self.origins = origins; self.meanConfidence = meanConfidence
        self.firstCreated = firstCreated; self.lastChanged = lastChanged; self.languagePairs = languagePairs
        self.fileBytes = fileBytes
    }
}

/// Errors that say which file and what to do.
/// A target a unit had before a person corrected it: who wrote it (and when), who replaced it.
public struct UnitRevision: Sendable, Codable, Equatable {
    public var target: String
    public var writtenAt: Date
    public var writtenBy: String?
    public var replacedAt: Date
    public var replacedBy: String?

    public init(target: String, writtenAt: Date, writtenBy: String?, replacedAt: Date, replacedBy: String?) {
        self.target = target
        self.writtenAt = writtenAt
        self.writtenBy = writtenBy
        self.replacedAt = replacedAt
        self.replacedBy = replacedBy
    }

    enum CodingKeys: String, CodingKey {
        case target
        case writtenAt = "written_at", writtenBy = "written_by", replacedAt = "replaced_at", replacedBy = "replaced_by"
    }
}

public enum MemoryError: Error, CustomStringConvertible, Equatable {
    case notFound(String)
    case cannotOpen(String, String)
    case outdated(String)
    /// The store refused an operation (a database server's own message).
    case failed(String, String)
    case badInput(file: String, line: Int, message: String)

    public var description: String {
        switch self {
        case .notFound(let p):
            return "memory '\(p)' does not exist. Create it with: tarjama memory create --memory '\(p)'"
        case .cannotOpen(let p, let why):
            return "cannot open memory '\(p)': \(why). Check that it is a Tarjama memory file and that you may write to its folder."
        case .outdated(let p):
            return "memory '\(p)' needs its schema upgraded or its index rebuilt (an older Tarjama wrote it, or a write into it stopped part way); run once: tarjama memory reindex --memory '\(p)'"
        case .failed(let p, let why):
            return "memory '\(p)': \(why)"
        case .badInput(let f, let l, let m):
            return "\(f):\(l): \(m)"
        }
    }
}
