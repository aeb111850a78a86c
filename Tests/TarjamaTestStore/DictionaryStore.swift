import Foundation
import Synchronization
import TarjamaAlign
import TarjamaMemory
import TarjamaText

/// A `MemoryStore` held in dictionaries: a second store beside SQLite, so tests can show that
/// matching and pre-translation depend on the store protocols only.
///
/// Writes follow the protocol's contract: a write is all or nothing (it works on a copy of the
/// state and swaps it in at the end), ids ascend in batch order, duplicates (same source and
/// target) raise the stored unit's occurrence count, and every write that adds or removes
/// units raises the generation.
public final class DictionaryStore: MemoryStore {
    struct State {
        var units: [Int64: TranslationUnit] = [:]
        /// Each unit's length (index terms) and stored match tokens.
        var tokens: [Int64: (length: Int, bytes: [UInt8])] = [:]
        /// Posting lists by side and term, ascending.
        var postings: [UnitSide: [String: [Int64]]] = [.source: [:], .target: [:]]
        var nextID: Int64 = 1
        var generation: Int64 = 0
        var lexicon = Lexicon()
        var keys: [(digest: String, key: AccessKey)] = []
        var revisions: [Int64: [UnitRevision]] = [:]
        var sightings: Set<[Int64]> = []
        var reviews: [String: (summary: ReviewSummary, state: Data)] = [:]
    }

    private let state = Mutex(State())
    public let location = "dictionaries"

    public init() {}

    // MARK: MatchSource

    public func generation() throws -> Int64 { state.withLock { $0.generation } }

    public func unitCount() throws -> Int { state.withLock { $0.units.count } }

    public func units(sourceHash: Int64) throws -> [TranslationUnit] {
        state.withLock { s in
            s.units.values.filter { $0.sourceHash == sourceHash }
                .sorted { $0.occurrences != $1.occurrences ? $0.occurrences > $1.occurrences : $0.id! < $1.id! }
        }
    }

    public func translationCounts(sourceHashes: [Int64]) throws -> [Int64: Int] {
        let wanted = Set(sourceHashes)
        return state.withLock { s in
            Dictionary(grouping: s.units.values.filter { wanted.contains($0.sourceHash) }, by: \.sourceHash).mapValues(\.count)
        }
    }

    public func termFrequencies(_ terms: [String], side: UnitSide) throws -> [String: Int] {
        state.withLock { s in
            Dictionary(terms.map { ($0, s.postings[side]![$0]?.count ?? 0) }, uniquingKeysWith: { a, _ in a })
        }
    }

    public func postings(_ terms: [String], side: UnitSide) throws -> [String: [Int64]] {
        state.withLock { s in
            Dictionary(terms.compactMap { t in s.postings[side]![t].map { (t, $0) } }, uniquingKeysWith: { a, _ in a })
        }
    }

    public func storedTokens(ids: [Int64], lengths: ClosedRange<Int>) throws -> [(id: Int64, tokens: StoredTokens)] {
        state.withLock { s in
            ids.compactMap { id in
                guard let t = s.tokens[id], lengths.contains(t.length), let stored = StoredTokens(bytes: t.bytes) else { return nil }
                return (id, stored)
            }
        }
    }

    public func units(ids: [Int64], lengths: ClosedRange<Int>) throws -> [TranslationUnit] {
        state.withLock { s in
            ids.compactMap { id in s.tokens[id].flatMap { lengths.contains($0.length) ? s.units[id] : nil } }
        }
    }

    // MARK: Writing

    /// Writers take turns: a write works on a copy of the state and puts it back whole.
    private let writer = Mutex(())

    public func write(_ request: WriteRequest, next: () throws -> PreparedBatch?) throws -> WriteOutcome {
        try writer.withLock { _ in try writeAlone(request, next: next) }
    }

    private func writeAlone(_ request: WriteRequest, next: () throws -> PreparedBatch?) throws -> WriteOutcome {
        var copy = state.withLock { $0 }
        var outcome = WriteOutcome(method: "dictionary")
        let now = Date()
        while let batch = try next() {
            for (k, row) in batch.rows.enumerated() {
                let text = { (r: Range<Int32>) in batch.string(r) }
                let source = text(row.source), target = text(row.target)
                if let same = copy.units.values.first(where: { $0.sourceHash == row.keyHash && $0.pairHash == row.pairHash }) {
                    let first = copy.units[same.id!]!
                    if let sighting = batch.sighting(row) {
                        let counted = Sighting.isFirst(sighting, origin: first.origin, position: first.position.map(Int64.init))
                            || !copy.sightings.insert([first.id!, sighting]).inserted
                        if !counted { copy.units[same.id!]!.occurrences += 1 }
                    } else {
                        copy.units[same.id!]!.occurrences += 1
                    }
                    outcome.summary.duplicates += 1
                    continue
                }
                let id = copy.nextID
                copy.nextID += 1
                let created = row.createdAt.flatMap { StorageDate.date(text($0)) } ?? now
                copy.units[id] = TranslationUnit(
                    id: id, sourceLanguage: text(row.sourceLanguage), targetLanguage: text(row.targetLanguage),
                    source: source, target: target, sourceHash: row.keyHash, pairHash: row.pairHash, occurrences: 1,
                    origin: row.origin.map(text), position: row.position.map(Int.init),
                    previousHash: row.previousHash, nextHash: row.nextHash, confidence: row.confidence,
                    createdAt: created, changedAt: row.changedAt.flatMap { StorageDate.date(text($0)) } ?? created,
                    createdBy: row.createdBy.map(text) ?? request.user, changedBy: row.changedBy.map(text) ?? request.user,
                    usageCount: Int(row.usageCount),
                    properties: JSONText.properties(text(row.properties)), notes: JSONText.notes(text(row.notes)))
                copy.tokens[id] = (Int(row.length), Array(batch.tokens[Int(row.tokens.lowerBound)..<Int(row.tokens.upperBound)]))
                for (side, term) in batch.postings.terms(ofUnit: k) where copy.postings[side]![term]?.last != id {
                    copy.postings[side]![term, default: []].append(id)
                }
                outcome.summary.added += 1
            }
            request.progress?(outcome.summary.added + outcome.summary.duplicates)
        }
        if outcome.summary.added > 0 { copy.generation += 1 }
        let done = copy
        state.withLock { $0 = done }
        return outcome
    }

    public func unit(id: Int64) throws -> TranslationUnit? { state.withLock { $0.units[id] } }

    public func deleteUnit(id: Int64) throws -> Bool {
        state.withLock { s in
            guard s.units.removeValue(forKey: id) != nil else { return false }
            s.tokens[id] = nil
            s.revisions[id] = nil
            for side in UnitSide.allCases {
                for (term, ids) in s.postings[side]! where ids.contains(id) {
                    let rest = ids.filter { $0 != id }
                    s.postings[side]![term] = rest.isEmpty ? nil : rest
                }
            }
            s.generation += 1
            return true
        }
    }

    public func editUnit(id: Int64, target: String, user: String?) throws -> TranslationUnit? {
        state.withLock { s in
            guard var unit = s.units[id] else { return nil }
            guard unit.target != target else { return unit }
            let now = Date()
            s.revisions[id, default: []].append(UnitRevision(target: unit.target, writtenAt: unit.changedAt,
                                                             writtenBy: unit.changedBy ?? unit.createdBy, replacedAt: now, replacedBy: user))
            let pairHash = SegmentKey.pairHash(source: unit.source, target: target)
            func unindex(_ terms: Set<String>, _ side: UnitSide) {
                for term in terms {
                    let rest = (s.postings[side]![term] ?? []).filter { $0 != id }
                    s.postings[side]![term] = rest.isEmpty ? nil : rest
                }
            }
            let oldWords = Set(SearchWords.words(unit.target)), newWords = Set(SearchWords.words(target))
            if let twin = s.units.values.first(where: { $0.id != id && $0.sourceHash == unit.sourceHash && $0.pairHash == pairHash })?.id {
                s.revisions[twin, default: []] += s.revisions.removeValue(forKey: id) ?? []
                s.units[twin]!.occurrences += unit.occurrences
                s.units[twin]!.usageCount += unit.usageCount
                s.units[twin]!.changedAt = now
                s.units[twin]!.changedBy = user
                unindex(Set(MatchTokens.terms(unit.source).terms.split(separator: " ").map(String.init)), .source)
                unindex(oldWords, .target)
                s.units[id] = nil
                s.tokens[id] = nil
                s.generation += 1
                return s.units[twin]
            }
            unit.target = target
            unit.pairHash = pairHash
            unit.changedAt = now
            unit.changedBy = user
            s.units[id] = unit
            unindex(oldWords.subtracting(newWords), .target)
            for term in newWords.subtracting(oldWords) { s.postings[.target]![term, default: []] = ((s.postings[.target]![term] ?? []) + [id]).sorted() }
            s.generation += 1
            return unit
        }
    }

    public func revisions(id: Int64) throws -> [UnitRevision] {
        state.withLock { $0.revisions[id] ?? [] }
    }

    public func recordUse(id: Int64) throws {
        state.withLock { $0.units[id]?.usageCount += 1 }
    }

    public func units(after id: Int64, limit: Int) throws -> [TranslationUnit] {
        state.withLock { s in Array(s.units.values.filter { $0.id! > id }.sorted { $0.id! < $1.id! }.prefix(limit)) }
    }

    public func stats() throws -> MemoryStats {
        state.withLock { s in
            let units = Array(s.units.values)
            let confidences = units.compactMap(\.confidence)
            let pairs = Dictionary(grouping: units, by: { "\($0.sourceLanguage)→\($0.targetLanguage)" })
            return MemoryStats(
                path: location, schemaVersion: 0, units: units.count, occurrences: units.reduce(0) { $0 + $1.occurrences },
                distinctSources: Set(units.map(\.sourceHash)).count, origins: Set(units.compactMap(\.origin)).count,
                meanConfidence: confidences.isEmpty ? nil : confidences.reduce(0, +) / Double(confidences.count),
                firstCreated: units.map(\.createdAt).min(), lastChanged: units.map(\.changedAt).max(),
                languagePairs: pairs.sorted { $0.value.count > $1.value.count }.map { "\($0.key): \($0.value.count)" },
                fileBytes: 0)
        }
    }

    public func check() throws -> String { "ok" }

    @discardableResult
    public func rebuildIndex() throws -> Int {
        state.withLock { s in
            let ids = s.units.keys.sorted()
            let batch = PreparedUnit.prepare(ids.map { UnitDraft(source: s.units[$0]!.source, target: s.units[$0]!.target) })
            s.tokens = [:]
            s.postings = [.source: [:], .target: [:]]
            for (k, row) in batch.rows.enumerated() {
                s.tokens[ids[k]] = (Int(row.length), Array(batch.tokens[Int(row.tokens.lowerBound)..<Int(row.tokens.upperBound)]))
                for (side, term) in batch.postings.terms(ofUnit: k) { s.postings[side]![term, default: []].append(ids[k]) }
            }
            s.generation += 1
            return ids.count
        }
    }

    // MARK: Reviews

    public func saveReview(id: String, name: String, state: Data, revision: Int64?) throws -> Int64 {
        try self.state.withLock { s in
            let current = s.reviews[id]?.summary.revision
            guard current == revision else { throw ReviewConflict(id: id) }
            let next = (revision ?? 0) + 1
            s.reviews[id] = (ReviewSummary(id: id, name: name, revision: next, updatedAt: Date()), state)
            return next
        }
    }

    public func review(id: String) throws -> SavedReview? {
        state.withLock { s in s.reviews[id].map { SavedReview(name: $0.summary.name, state: $0.state, revision: $0.summary.revision) } }
    }

    public func reviews() throws -> [ReviewSummary] {
        state.withLock { s in s.reviews.values.map(\.summary).sorted { $0.updatedAt > $1.updatedAt } }
    }

    @discardableResult
    public func deleteReview(id: String) throws -> Bool {
        state.withLock { s in s.reviews.removeValue(forKey: id) != nil }
    }

    /// Test access: replaces a term's posting list, as damage would.
    public func damagePostings(_ term: String, side: UnitSide, ids: [Int64]) {
        state.withLock { $0.postings[side]![term] = ids }
    }

    // MARK: Lexicon

    public func hasLexicon() throws -> Bool { state.withLock { !$0.lexicon.table.isEmpty } }

    public func saveLexicon(_ lexicon: Lexicon) throws { state.withLock { $0.lexicon = lexicon } }

    public func lexicon(for words: Set<String>) -> Lexicon { state.withLock { $0.lexicon.lexicon(for: words) } }

    // MARK: Keys

    public func addKey(digest: String, prefix: String, name: String, role: AccessRole) throws -> AccessKey {
        state.withLock { s in
            let key = AccessKey(id: Int64(s.keys.count + 1), name: name, role: role, prefix: prefix, createdAt: Date())
            s.keys.append((digest, key))
            return key
        }
    }

    public func keys() throws -> [AccessKey] { state.withLock { $0.keys.map(\.key) } }

    public func revokeKey(id: Int64) throws -> Bool {
        state.withLock { s in
            guard let k = s.keys.firstIndex(where: { $0.key.id == id && $0.key.revokedAt == nil }) else { return false }
            s.keys[k].key.revokedAt = Date()
            return true
        }
    }

    public func key(digest: String) throws -> AccessKey? {
        state.withLock { s in s.keys.first { $0.digest == digest && $0.key.revokedAt == nil }?.key }
    }
}
