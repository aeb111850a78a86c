import Dispatch
/// The features of one to four consecutive sentences, merged once before the search.
///
/// The search scores every bead type at every cell of its band; merging anchor lists there
/// (allocating, retaining and releasing arrays each time) made a 10,000-sentence document take
/// minutes. `SpanTable` merges every span once into one flat pool of ids, so a bead cost is a few
/// sorted-range intersections on raw memory.
struct SpanFeatures {
    var length = 0
    var numbers: [Int32] = []
    var names: [Int32] = []
    var latin: [Int32] = []
    /// Distinct content words (for the target side of the lexicon score).
    var words: [Int32] = []
    /// Target words the learned lexicon offers for these source words (source side only).
    var translations: [Int32] = []
    /// Source words that have lexicon entries: what a translation should explain (source side).
    var known: [Int32] = []
    /// Source words the lexicon offers one of these target words for (target side only).
    var origins: [Int32] = []
    var isQuestion = false
    var isQuoting = false

    /// All anchors together: numbers, names and Latin tokens.
    var anchors: [Int32] { mergedUnique(mergedUnique(numbers, names), latin) }
}

/// Spans of 1…`maxSpan` sentences starting at each index of one side, in flat storage.
final class SpanTable {
    enum List: Int, CaseIterable { case numbers, names, latin, words, translations, known, origins }
    private static let lists = List.allCases.count

    let count: Int
    let maxSpan: Int
    private let lengths: [Int]
    private let questions: [Bool]
    private let quoting: [Bool]
    /// For span `s` and list `l`: ids `pool[bounds[2 * (s * lists + l)] ..< bounds[2 * (s * lists + l) + 1]]`.
    private let bounds: UnsafeMutablePointer<Int32>
    private let pool: UnsafeMutablePointer<Int32>

    init(_ sentences: [SentenceFeatures], maxSpan: Int, lexicon: LexiconScorer?, isSource: Bool,
         contentWord: (Int32) -> Bool) {
        count = sentences.count
        self.maxSpan = maxSpan
        let singles: [SpanFeatures] = sentences.map { f in
            var s = SpanFeatures(length: f.length, numbers: f.numbers, names: f.names, latin: f.latin, isQuestion: f.isQuestion,
                                 isQuoting: f.isQuoting)
            s.words = f.words.filter(contentWord).sortedUnique()
            if let lexicon { (s.translations, s.known, s.origins) = Self.lexiconLists(f, lexicon, isSource: isSource, contentWord: contentWord) }
            return s
        }
        var all: [SpanFeatures] = []
        all.reserveCapacity(count * maxSpan)
        var previous = singles
        all.append(contentsOf: singles)
        for k in stride(from: 2, through: maxSpan, by: 1) {
            var row: [SpanFeatures] = []
            for i in 0..<count {
                guard i + k <= count else { row.append(SpanFeatures()); continue }
                let a = previous[i], b = singles[i + k - 1]
                row.append(SpanFeatures(
                    length: a.length + b.length, numbers: mergedUnique(a.numbers, b.numbers),
                    names: mergedUnique(a.names, b.names), latin: mergedUnique(a.latin, b.latin),
                    words: mergedUnique(a.words, b.words), translations: mergedUnique(a.translations, b.translations),
                    known: mergedUnique(a.known, b.known), origins: mergedUnique(a.origins, b.origins),
                    isQuestion: a.isQuestion || b.isQuestion, isQuoting: a.isQuoting || b.isQuoting))
            }
            all.append(contentsOf: row)
            previous = row
        }
        lengths = all.map(\.length)
        questions = all.map(\.isQuestion)
        quoting = all.map(\.isQuoting)
        func lists(_ span: SpanFeatures) -> [[Int32]] {
            [span.numbers, span.names, span.latin, span.words, span.translations, span.known, span.origins]
        }
        let total = all.reduce(0) { $0 + lists($1).reduce(0) { $0 + $1.count } }
        pool = .allocate(capacity: max(1, total))
        bounds = .allocate(capacity: max(1, all.count * 2 * Self.lists))
        var next: Int32 = 0
        for (s, span) in all.enumerated() {
            for (l, list) in lists(span).enumerated() {
                bounds[2 * (s * Self.lists + l)] = next
                for id in list { pool[Int(next)] = id; next += 1 }
                bounds[2 * (s * Self.lists + l) + 1] = next
            }
        }
    }

    /// A sentence's lexicon lists: on the source side the target words its words offer and its
    /// words with entries, on the target side the source words its content words come from.
    static func lexiconLists(_ f: SentenceFeatures, _ lexicon: LexiconScorer, isSource: Bool,
                             contentWord: (Int32) -> Bool) -> (translations: [Int32], known: [Int32], origins: [Int32]) {
        isSource ? (lexicon.translations(of: f.words), lexicon.known(f.words), [])
                 : ([], [], lexicon.origins(of: f.words.filter(contentWord)))
    }

    /// The same spans with some lists replaced (the lexicon lists, once a lexicon is learned
    /// after the first pass): `singles` gives each replaced list per sentence; spans are merged anew.
    init(_ base: SpanTable, replacing singles: [List: [[Int32]]]) {
        count = base.count
        maxSpan = base.maxSpan
        lengths = base.lengths
        questions = base.questions
        quoting = base.quoting
        // Indexed by list: a dictionary lookup per span and list was a third of this build.
        var spans = [[[Int32]]?](repeating: nil, count: Self.lists)
        for (list, lists) in singles {
            var all = lists
            all.reserveCapacity(count * maxSpan)
            var previous = lists
            for k in stride(from: 2, through: maxSpan, by: 1) {
                var row: [[Int32]] = []
                row.reserveCapacity(count)
                for i in 0..<count { row.append(i + k <= count ? mergedUnique(previous[i], lists[i + k - 1]) : []) }
                all.append(contentsOf: row)
                previous = row
            }
            spans[list.rawValue] = all
        }
        let spanCount = count * maxSpan
        var total = 0
        for s in 0..<spanCount {
            for list in List.allCases { total += spans[list.rawValue]?[s].count ?? base.size(list, s % count, s / count + 1) }
        }
        pool = .allocate(capacity: max(1, total))
        bounds = .allocate(capacity: max(1, spanCount * 2 * Self.lists))
        var next: Int32 = 0
        for s in 0..<spanCount {
            for l in 0..<Self.lists {
                bounds[2 * (s * Self.lists + l)] = next
                if let replaced = spans[l] {
                    for id in replaced[s] { pool[Int(next)] = id; next += 1 }
                } else {
                    let from = Int(base.bounds[2 * (s * Self.lists + l)]), to = Int(base.bounds[2 * (s * Self.lists + l) + 1])
                    (pool + Int(next)).update(from: base.pool + from, count: to - from)
                    next += Int32(to - from)
                }
                bounds[2 * (s * Self.lists + l) + 1] = next
            }
        }
    }

    deinit {
        pool.deallocate()
        bounds.deallocate()
    }

    @inline(__always)
    private func slot(_ start: Int, _ span: Int) -> Int { (span - 1) * count + start }

    @inline(__always)
    func length(_ start: Int, _ span: Int) -> Int { lengths[slot(start, span)] }

    @inline(__always)
    func isQuestion(_ start: Int, _ span: Int) -> Bool { questions[slot(start, span)] }

    @inline(__always)
    func isQuoting(_ start: Int, _ span: Int) -> Bool { quoting[slot(start, span)] }

    @inline(__always)
    func size(_ list: List, _ start: Int, _ span: Int) -> Int {
        let b = 2 * (slot(start, span) * Self.lists + list.rawValue)
        return Int(bounds[b + 1] - bounds[b])
    }

    /// Ids common to `list` of this span and `otherList` of a span of `other` (both sorted).
    @inline(__always)
    func common(_ list: List, _ start: Int, _ span: Int, _ other: SpanTable, _ otherList: List, _ oStart: Int, _ oSpan: Int) -> Int {
        let a = 2 * (slot(start, span) * Self.lists + list.rawValue), b = 2 * (other.slot(oStart, oSpan) * Self.lists + otherList.rawValue)
        var i = Int(bounds[a]), j = Int(other.bounds[b])
        let iEnd = Int(bounds[a + 1]), jEnd = Int(other.bounds[b + 1])
        guard i < iEnd && j < jEnd else { return 0 }
        // A few ids against many (English names against every Arabic word's skeleton): look
        // each of the few up by binary search instead of walking the many.
        if (iEnd - i) * 8 < jEnd - j { return Self.lookups(pool, i, iEnd, in: other.pool, j, jEnd) }
        if (jEnd - j) * 8 < iEnd - i { return Self.lookups(other.pool, j, jEnd, in: pool, i, iEnd) }
        // Branch-free merge: which side advances is data, not a branch the CPU must guess
        // (guessing wrong was most of the search's time).
        var n = 0
        while i < iEnd && j < jEnd {
            let x = pool[i], y = other.pool[j]
            n &+= x == y ? 1 : 0
            i &+= x <= y ? 1 : 0
            j &+= y <= x ? 1 : 0
        }
        return n
    }

    /// How many of `few[i..<iEnd]` occur in `many[j..<jEnd]` (both sorted).
    @inline(__always)
    static func lookups(_ few: UnsafeMutablePointer<Int32>, _ i: Int, _ iEnd: Int,
                        in many: UnsafeMutablePointer<Int32>, _ j: Int, _ jEnd: Int) -> Int {
        var n = 0, low = j
        for k in i..<iEnd {
            let x = few[k]
            var lo = low, hi = jEnd
            while lo < hi {
                let mid = (lo + hi) >> 1
                if many[mid] < x { lo = mid + 1 } else { hi = mid }
            }
            if lo < jEnd && many[lo] == x { n += 1; low = lo + 1 } else { low = lo }
            if low >= jEnd { break }
        }
        return n
    }

    /// The span as a value, for per-bead work after the search.
    func features(_ start: Int, _ span: Int) -> SpanFeatures {
        func list(_ l: List) -> [Int32] {
            let b = 2 * (slot(start, span) * Self.lists + l.rawValue)
            return Array(UnsafeBufferPointer(start: pool + Int(bounds[b]), count: Int(bounds[b + 1] - bounds[b])))
        }
        return SpanFeatures(length: length(start, span), numbers: list(.numbers), names: list(.names), latin: list(.latin),
                            words: list(.words), translations: list(.translations), known: list(.known), origins: list(.origins),
                            isQuestion: isQuestion(start, span), isQuoting: isQuoting(start, span))
    }
}

extension SpanTable {
    /// The tables of both sides, built on two threads for a long document.
    static func both(_ source: [SentenceFeatures], _ target: [SentenceFeatures], maxSpan: Int, lexicon: LexiconScorer?,
                     contentWord: @escaping @Sendable (Int32) -> Bool) -> (source: SpanTable, target: SpanTable) {
        guard source.count + target.count >= 400 else {
            return (SpanTable(source, maxSpan: maxSpan, lexicon: lexicon, isSource: true, contentWord: contentWord),
                    SpanTable(target, maxSpan: maxSpan, lexicon: lexicon, isSource: false, contentWord: contentWord))
        }
        // Each thread writes its own field; the lexicon is only read.
        final class Tables: @unchecked Sendable {
            var source: SpanTable?, target: SpanTable?
            let lexicon: LexiconScorer?
            init(_ lexicon: LexiconScorer?) { self.lexicon = lexicon }
        }
        let tables = Tables(lexicon)
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            if side == 0 {
                tables.source = SpanTable(source, maxSpan: maxSpan, lexicon: tables.lexicon, isSource: true, contentWord: contentWord)
            } else {
                tables.target = SpanTable(target, maxSpan: maxSpan, lexicon: tables.lexicon, isSource: false, contentWord: contentWord)
            }
        }
        return (tables.source!, tables.target!)
    }
}
