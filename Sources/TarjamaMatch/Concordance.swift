import Foundation
import TarjamaMemory
import TarjamaText

/// Finds units whose source (or target) contains a word or phrase, the most recently added
/// first.
///
/// Source phrases are compared as matching keys, so an unvoweled query finds voweled text and
/// أ/إ/ا spellings find each other; candidates come from the term index (stems) and are
/// verified on the key, so a word with a proclitic (`والرئيس`) contains the phrase `الرئيس`.
/// Target phrases are found through the target's words and verified on the text, without case
/// or accents.
/// ```swift
/// let units = try Concordance(store: memory).search("الرئيس الصيني", side: .source, limit: 20)
/// ```
public struct Concordance: Sendable {
    public let store: any MatchSource

    public init(store: any MatchSource) {
        self.store = store
    }

    /// Units holding `phrase` on `side`, newest first, up to `limit`, that `filter` accepts.
    public func search(_ phrase: String, side: UnitSide, limit: Int, filter: UnitFilter = .all) throws -> [TranslationUnit] {
        switch side {
        case .target:
            let text = phrase.lowercased()
            return try units(holding: Set(SearchWords.words(text)), side: .target, limit: limit) {
                filter.accepts($0) && SearchWords.text($0.target, contains: text)
            }
        case .source:
            let key = SegmentKey.key(phrase)
            let terms = Set(MatchTokens.terms(key).terms.split(separator: " ").map(String.init))
            return try units(holding: terms, side: .source, limit: limit) { filter.accepts($0) && Self.key($0.sourceKey, containsPhrase: key) }
        }
    }

    /// Units holding every term of `terms` on one side of the index, newest first, that `accept`
    /// keeps, up to `limit`: the index yields candidates, the caller's check decides the phrase.
    private func units(holding terms: Set<String>, side: UnitSide, limit: Int,
                       accept: (TranslationUnit) -> Bool) throws -> [TranslationUnit] {
        guard !terms.isEmpty, limit > 0 else { return [] }
        // The shortest list filtered by the others.
        let postings = try store.postings(Array(terms), side: side)
        let lists = terms.map { postings[$0] ?? [] }.sorted { $0.count < $1.count }
        var ids = lists[0]
        for other in lists.dropFirst() where !ids.isEmpty {
            let have = Set(other)
            ids = ids.filter(have.contains)
        }
        // Newest first, a chunk of units at a time, until `limit` are accepted (a common word
        // stops early).
        var found: [TranslationUnit] = []
        var end = ids.count
        while found.count < limit && end > 0 {
            let chunk = ids[max(0, end - 64)..<end]
            end = chunk.startIndex
            let units = try store.units(ids: Array(chunk)).sorted { $0.id! > $1.id! }
            for u in units where found.count < limit && accept(u) { found.append(u) }
        }
        return found
    }

    /// Whether `phrase` occurs in `key` from the start of a word (or after proclitics: و ف ب ك ل
    /// before it in the same word) to the end of a word (or before punctuation).
    static func key(_ key: String, containsPhrase phrase: String) -> Bool {
        let k = Array(key.utf8), p = Array(phrase.utf8)
        guard !p.isEmpty, p.count <= k.count else { return false }
        let proclitics: Set<Unicode.Scalar> = ["\u{0648}", "\u{0641}", "\u{0628}", "\u{0643}", "\u{0644}"]
        for i in 0...(k.count - p.count) where k[i] == p[0] && k[i..<(i + p.count)].elementsEqual(p) {
            // Back to the word's start: whatever lies between must be at most three proclitics.
            var w = i
            while w > 0 && k[w - 1] != 0x20 { w -= 1 }
            let prefix = String(decoding: k[w..<i], as: UTF8.self).unicodeScalars
            guard prefix.count <= 3, prefix.allSatisfy(proclitics.contains) else { continue }
            let end = i + p.count
            guard end < k.count else { return true }
            // The phrase must end a word: a space, punctuation or the end follows.
            if let next = String(decoding: k[end..<min(k.count, end + 4)], as: UTF8.self).unicodeScalars.first,
               !CharClass.isLetter(next) && CharClass.digitValue(next) == nil { return true }
        }
        return false
    }
}
