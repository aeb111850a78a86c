import Foundation

/// Which units a lookup, concordance, export or pre-translation may use, by provenance: where a
/// unit came from, who wrote or corrected it, and since when.
///
/// An origin pattern is a unit's origin exactly, or a prefix ending in `*` (`serve:*`,
/// `wire/2026-*`). An author is the unit's creator or its last editor. Empty lists accept all.
public struct UnitFilter: Sendable, Equatable {
    public var origins: [String]
    public var authors: [String]
    /// Units changed at or after this moment.
    public var since: Date?

    public init(origins: [String] = [], authors: [String] = [], since: Date? = nil) {
        self.origins = origins
        self.authors = authors
        self.since = since
    }

    public static let all = UnitFilter()

    public var isEmpty: Bool { origins.isEmpty && authors.isEmpty && since == nil }

    public func accepts(_ unit: TranslationUnit) -> Bool {
        if !origins.isEmpty && !origins.contains(where: { Self.origin(unit.origin, matches: $0) }) { return false }
        if !authors.isEmpty && !authors.contains(where: { $0 == unit.createdBy || $0 == unit.changedBy }) { return false }
        if let since, unit.changedAt < since { return false }
        return true
    }

    /// `pattern` is an origin, or a prefix ending in `*`.
    public static func origin(_ origin: String?, matches pattern: String) -> Bool {
        guard let origin else { return false }
        if pattern.hasSuffix("*") { return origin.hasPrefix(pattern.dropLast()) }
        return origin == pattern
    }
}
