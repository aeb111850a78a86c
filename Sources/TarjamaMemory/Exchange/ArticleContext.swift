import Foundation
import TarjamaText

/// Units read in id order, each given the sources of its neighbours in its article (the units
/// of the same origin at the positions before and after it) when those are stored and are the
/// neighbours its context hashes name. TMX carries them as OmegaT's `prev` and `next` props,
/// which is how OmegaT (and Tarjama's import) find context matches in a memory.
///
/// An article's units have consecutive ids, so a window of the page before, the page itself and
/// the page after holds nearly every neighbour: feed pages in order, take out the units of the
/// page before, and `finish` for the last.
public struct ArticleContext {
    public struct Entry {
        public let unit: TranslationUnit
        public let previous: String?
        public let next: String?
    }

    private var before: [TranslationUnit] = []
    private var current: [TranslationUnit] = []

    public init() {}

    /// Takes the next page; returns the previous page's units with their neighbours.
    public mutating func feed(_ page: [TranslationUnit]) -> [Entry] {
        let out = entries(for: current, window: before + current + page)
        before = current
        current = page
        return out
    }

    /// The last page's units.
    public mutating func finish() -> [Entry] {
        let out = entries(for: current, window: before + current)
        before = []
        current = []
        return out
    }

    private struct Place: Hashable { let origin: String; let position: Int }

    private func entries(for units: [TranslationUnit], window: [TranslationUnit]) -> [Entry] {
        guard !units.isEmpty else { return [] }
        var sources: [Place: String] = [:]
        for u in window { if let o = u.origin, let p = u.position { sources[Place(origin: o, position: p)] = u.source } }
        return units.map { u in
            func neighbour(_ step: Int, _ hash: Int64?) -> String? {
                guard let hash, let o = u.origin, let p = u.position, let s = sources[Place(origin: o, position: p + step)],
                      SegmentKey.keyHash(s) == hash else { return nil }
                return s
            }
            return Entry(unit: u, previous: neighbour(-1, u.previousHash), next: neighbour(1, u.nextHash))
        }
    }
}

extension TranslationUnit {
    /// Whether a person made or checked this unit: not an automatic alignment (a confidence
    /// under 1 that no review confirmed) and not marked as needing review. OmegaT gets the
    /// others in a file of their own, for a `tm/penalty-NN` folder.
    public var isReviewed: Bool {
        let state = properties["x-state"]?.lowercased() ?? ""
        if state.hasPrefix("needs-") || state == "new" { return false }
        if state == "reviewed" || state == "final" || state == "signed-off" { return true }
        return (confidence ?? 1) >= 1
    }
}
