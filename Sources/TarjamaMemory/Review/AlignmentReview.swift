import Foundation
import TarjamaAlign

/// An aligned article as a person reviews it: its sentences, the beads the aligner proposed,
/// and what the reviewer did to them. Saved in the memory after every step (`ReviewStore`), so
/// a review stops and goes on later; confirmed beads are stored as reviewed units.
///
/// Beads keep the sentences in order on both sides (each sentence in exactly one bead), so a
/// merge, split or move only redraws the borders between neighbours.
public struct AlignmentReview: Sendable, Codable {
    public enum State: String, Sendable, Codable {
        /// Proposed by the aligner (or changed since), not yet looked at.
        case open
        /// A person said the pair is right.
        case confirmed
        /// Confirmed and stored in the memory: left as it is.
        case stored
    }

    public struct ReviewBead: Sendable, Codable, Equatable {
        /// Sentence numbers on each side, ascending and contiguous.
        public var source: [Int]
        public var target: [Int]
        public var confidence: Double
        public var state: State
        /// The reviewer's corrected text, when it differs from the sentences'.
        public var editedSource: String?
        public var editedTarget: String?

        public init(source: [Int], target: [Int], confidence: Double, state: State = .open) {
            self.source = source; self.target = target; self.confidence = confidence; self.state = state
        }

        public var type: String { "\(source.count)-\(target.count)" }
    }

    /// The review's name: the origin its units get in the memory.
    public var name: String
    public var sourceLanguage: String
    public var targetLanguage: String
    public var arabic: [String]
    public var english: [String]
    public var beads: [ReviewBead]

    /// Beads of an aligned article, all open.
    public init(name: String, document: AlignedDocument, sourceLanguage: String = "ar", targetLanguage: String = "en") {
        self.name = name
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
        arabic = document.source.map(\.text)
        english = document.target.map(\.text)
        beads = document.beads.map { ReviewBead(source: $0.source, target: $0.target, confidence: $0.confidence) }
    }

    /// The beads `tarjama align --store --review FILE` held back (origin, confidence, Arabic,
    /// English a line; `#` lines are comments), one bead a line.
    public init(name: String, reviewFile text: String) throws {
        self.name = name
        sourceLanguage = "ar"
        targetLanguage = "en"
        arabic = []
        english = []
        beads = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 4, let confidence = Double(fields[1]) else {
                throw MemoryError.badInput(file: name, line: n + 1, message: "expected origin, confidence, Arabic and English separated by tabs")
            }
            beads.append(ReviewBead(source: [arabic.count], target: [english.count], confidence: confidence))
            arabic.append(String(fields[2]))
            english.append(String(fields[3]))
        }
        guard !beads.isEmpty else {
            throw MemoryError.badInput(file: name, line: 0, message: "no beads in the review file (origin, confidence, Arabic, English a line)")
        }
    }

    /// A bead's Arabic and English as they would be stored.
    public func texts(_ k: Int) -> (source: String, target: String) {
        let b = beads[k]
        return (b.editedSource ?? b.source.map { arabic[$0] }.joined(separator: " "),
                b.editedTarget ?? b.target.map { english[$0] }.joined(separator: " "))
    }

    public var confirmed: Int { beads.count { $0.state == .confirmed } }
    public var stored: Int { beads.count { $0.state == .stored } }
    public var open: Int { beads.count { $0.state == .open } }

    /// The first open bead after `k` (wrapping around), nil when none is open.
    public func nextOpen(after k: Int) -> Int? {
        guard !beads.isEmpty else { return nil }
        for step in 1...beads.count {
            let j = (k + step) % beads.count
            if beads[j].state == .open { return j }
        }
        return nil
    }

    /// What a reviewer does to bead `bead`.
    public enum Operation: String, Sendable, Codable, CaseIterable {
        case confirm, reopen, merge, split
        /// The bead's last Arabic (English) sentence becomes the next bead's first.
        case sourceDown, targetDown
        /// The bead's first Arabic (English) sentence becomes the previous bead's last.
        case sourceUp, targetUp
        case edit
    }

    /// Applies one operation; returns the bead to look at next. Beads whose sentences change
    /// are open again (their edits dropped); a stored bead is not changed.
    public mutating func apply(_ op: Operation, to k: Int, source: String? = nil, target: String? = nil) throws -> Int {
        guard beads.indices.contains(k) else { throw ReviewError("there is no bead \(k + 1)") }
        func editable(_ j: Int) throws {
            guard beads[j].state != .stored else { throw ReviewError("bead \(j + 1) is stored in the memory already; change the unit instead") }
        }
        switch op {
        case .confirm:
            try editable(k)
            guard !beads[k].source.isEmpty || beads[k].editedSource != nil, !beads[k].target.isEmpty || beads[k].editedTarget != nil else {
                throw ReviewError("bead \(k + 1) has an empty side: merge it with a neighbour or move a sentence into it")
            }
            beads[k].state = .confirmed
            return nextOpen(after: k) ?? k
        case .reopen:
            try editable(k)
            beads[k].state = .open
            return k
        case .merge:
            guard k + 1 < beads.count else { throw ReviewError("bead \(k + 1) is the last: nothing to merge it with") }
            try editable(k); try editable(k + 1)
            let next = beads.remove(at: k + 1)
            beads[k] = ReviewBead(source: beads[k].source + next.source, target: beads[k].target + next.target,
                                  confidence: min(beads[k].confidence, next.confidence))
            return k
        case .split:
            try editable(k)
            let b = beads[k]
            guard b.source.count > 1 || b.target.count > 1 else {
                throw ReviewError("bead \(k + 1) holds one sentence a side: nothing to split")
            }
            // The first sentence of each side stays; the rest becomes a bead of its own.
            let first = ReviewBead(source: Array(b.source.prefix(1)), target: Array(b.target.prefix(1)), confidence: b.confidence)
            let rest = ReviewBead(source: Array(b.source.dropFirst()), target: Array(b.target.dropFirst()), confidence: b.confidence)
            beads[k] = first
            beads.insert(rest, at: k + 1)
            return k
        case .sourceDown, .targetDown:
            guard k + 1 < beads.count else { throw ReviewError("bead \(k + 1) is the last: no bead below to move into") }
            try editable(k); try editable(k + 1)
            let onSource = op == .sourceDown
            guard let moved = (onSource ? beads[k].source : beads[k].target).last else {
                throw ReviewError("bead \(k + 1) has no \(onSource ? "Arabic" : "English") sentence to move")
            }
            if onSource { beads[k].source.removeLast(); beads[k + 1].source.insert(moved, at: 0) }
            else { beads[k].target.removeLast(); beads[k + 1].target.insert(moved, at: 0) }
            reset(k); reset(k + 1)
            _ = dropEmpty(k)
            return min(k, beads.count - 1)
        case .sourceUp, .targetUp:
            guard k > 0 else { throw ReviewError("bead 1 is the first: no bead above to move into") }
            try editable(k); try editable(k - 1)
            let onSource = op == .sourceUp
            guard let moved = (onSource ? beads[k].source : beads[k].target).first else {
                throw ReviewError("bead \(k + 1) has no \(onSource ? "Arabic" : "English") sentence to move")
            }
            if onSource { beads[k].source.removeFirst(); beads[k - 1].source.append(moved) }
            else { beads[k].target.removeFirst(); beads[k - 1].target.append(moved) }
            reset(k); reset(k - 1)
            return dropEmpty(k) ? k - 1 : k
        case .edit:
            try editable(k)
            let current = texts(k)
            let newSource = source?.trimmingCharacters(in: .whitespacesAndNewlines) ?? current.source
            let newTarget = target?.trimmingCharacters(in: .whitespacesAndNewlines) ?? current.target
            guard !newSource.isEmpty, !newTarget.isEmpty else { throw ReviewError("an edited bead needs both its Arabic and its English") }
            let original = (beads[k].source.map { arabic[$0] }.joined(separator: " "), beads[k].target.map { english[$0] }.joined(separator: " "))
            beads[k].editedSource = newSource == original.0 ? nil : newSource
            beads[k].editedTarget = newTarget == original.1 ? nil : newTarget
            beads[k].state = .open
            return k
        }
    }

    private mutating func reset(_ j: Int) {
        beads[j].state = .open
        beads[j].editedSource = nil
        beads[j].editedTarget = nil
    }

    /// Removes bead `j` when it has no sentence left on either side; whether it did.
    private mutating func dropEmpty(_ j: Int) -> Bool {
        guard beads[j].source.isEmpty && beads[j].target.isEmpty else { return false }
        beads.remove(at: j)
        return true
    }

    /// Stores every confirmed bead as a unit (origin the review's name, position, neighbours'
    /// sources for context matches, confidence 1: a person checked it) and marks them stored.
    @discardableResult
    public mutating func storeConfirmed(in store: any MemoryStore, user: String?) throws -> AddSummary {
        let paired = beads.indices.filter { !texts($0).source.isEmpty && !texts($0).target.isEmpty }
        var drafts: [UnitDraft] = []
        var storing: [Int] = []
        for (position, k) in paired.enumerated() where beads[k].state == .confirmed {
            let (source, target) = texts(k)
            drafts.append(UnitDraft(
                source: source, target: target, sourceLanguage: sourceLanguage, targetLanguage: targetLanguage,
                origin: name, position: position,
                previousSource: position > 0 ? texts(paired[position - 1]).source : nil,
                nextSource: position + 1 < paired.count ? texts(paired[position + 1]).source : nil,
                confidence: 1, createdBy: user, properties: ["x-state": "reviewed"]))
            storing.append(k)
        }
        guard !drafts.isEmpty else { return AddSummary() }
        let summary = try store.add(drafts, user: user)
        for k in storing { beads[k].state = .stored }
        return summary
    }
}

/// An operation a review cannot take, said so the reviewer knows what to do instead.
public struct ReviewError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
