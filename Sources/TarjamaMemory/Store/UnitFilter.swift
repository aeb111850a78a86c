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
    /// Units whose target is in this language: `en` takes every English, `en-GB` British only.
    public var targetLanguage: String?

    public init(origins: [String] = [], authors: [String] = [], since: Date? = nil, targetLanguage: String? = nil) {
        self.origins = origins
        self.authors = authors
        self.since = since
        self.targetLanguage = targetLanguage
    }

    public static let all = UnitFilter()

    public var isEmpty: Bool { origins.isEmpty && authors.isEmpty && since == nil && targetLanguage == nil }

    public func accepts(_ unit: TranslationUnit) -> Bool {
        if !origins.isEmpty && !origins.contains(where: { Self.origin(unit.origin, matches: $0) }) { return false }
        if !authors.isEmpty && !authors.contains(where: { $0 == unit.createdBy || $0 == unit.changedBy }) { return false }
        if let since, unit.changedAt < since { return false }
        if let want = targetLanguage, !Self.language(unit.targetLanguage, fits: want) { return false }
        return true
    }

    /// `code` is in language `want`: the same primary language, and the same region when
    /// `want` names one (`en-GB` fits `en`; `en-US` does not fit `en-GB`).
    public static func language(_ code: String, fits want: String) -> Bool {
        let a = TMXReader.tag(code).split(separator: "-"), b = TMXReader.tag(want).split(separator: "-")
        guard a.first == b.first else { return false }
        return b.count < 2 || (a.count >= 2 && a[1] == b[1])
    }

    /// `pattern` is an origin, or a prefix ending in `*`.
    public static func origin(_ origin: String?, matches pattern: String) -> Bool {
        guard let origin else { return false }
        if pattern.hasSuffix("*") { return origin.hasPrefix(pattern.dropLast()) }
        return origin == pattern
    }
}
