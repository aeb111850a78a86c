import Foundation

/// What `memory check --deep` found: the term index and stored match tokens compared with what
/// the units themselves give when prepared again (the import's own preparation).
public struct IndexCheck: Sendable, Codable {
    public var units = 0
    public var terms = 0
    /// The first problems found, one line each (at most `shownProblems`).
    public var problems: [String] = []
    /// All problems found, shown or not.
    public var problemCount = 0
    public var ok: Bool { problemCount == 0 }

    static let shownProblems = 20

    mutating func report(_ problem: @autoclosure () -> String) {
        problemCount += 1
        if problems.count < Self.shownProblems { problems.append(problem()) }
    }
}

extension MemoryStore {
    /// Compares the store's derived data with the units: every unit's stored match tokens, and
    /// every term's posting list and document frequency on both sides. A lookup reads only
    /// derived data to find candidates, so a damaged posting list misses matches silently; this
    /// finds it. It holds the expected posting lists in memory (about 250 MB for a million units)
    /// and reads the whole index once. `progress` is told the units read so far.
    public func verifyIndex(progress: ((Int) -> Void)? = nil) throws -> IndexCheck {
        var check = IndexCheck()
        var expected: [UnitSide: [String: [Int64]]] = [.source: [:], .target: [:]]
        var last: Int64 = 0
        while true {
            let page = try units(after: last, limit: 5_000)
            guard let end = page.last?.id else { break }
            let ids = page.map { $0.id ?? 0 }
            let batch = PreparedUnit.prepare(page.map { UnitDraft(source: $0.source, target: $0.target) })
            var stored: [Int64: [UInt8]] = [:]
            for (id, tokens) in try storedTokens(ids: ids, lengths: 0...Int.max) { stored[id] = tokens.bytes }
            for (k, row) in batch.rows.enumerated() {
                let want = Array(batch.tokens[Int(row.tokens.lowerBound)..<Int(row.tokens.upperBound)])
                switch stored[ids[k]] {
                case nil: check.report("unit \(ids[k]): no stored match tokens (or unreadable ones)")
                case let have? where have != want: check.report("unit \(ids[k]): stored match tokens differ from its source's")
                default: break
                }
                for (side, text) in batch.postings.terms(ofUnit: k) { expected[side]![text, default: []].append(ids[k]) }
            }
            check.units += page.count
            progress?(check.units)
            last = end
        }
        for side in UnitSide.allCases {
            let terms = expected[side]!.keys.sorted()
            check.terms += terms.count
            for start in stride(from: 0, to: terms.count, by: 1_000) {
                let chunk = Array(terms[start..<min(start + 1_000, terms.count)])
                let lists = try postings(chunk, side: side)
                let frequencies = try termFrequencies(chunk, side: side)
                for term in chunk {
                    let want = expected[side]![term]!
                    let have = lists[term] ?? []
                    if have != want {
                        let missing = Set(want).subtracting(have).count, extra = Set(have).subtracting(want).count
                        check.report("\(side) term '\(term)': posting list has \(have.count) ids, the units give \(want.count) (\(missing) missing, \(extra) not holding it)")
                    }
                    if let df = frequencies[term], df != want.count {
                        check.report("\(side) term '\(term)': document frequency \(df), the units give \(want.count)")
                    }
                }
            }
        }
        return check
    }
}
