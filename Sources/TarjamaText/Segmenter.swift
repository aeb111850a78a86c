/// Splits an article into segments: paragraphs at newlines, sentences inside paragraphs from
/// ICU's sentence iterator corrected by `SegmentationRules`, and a kind for each segment.
///
/// Not thread-safe (it owns an ICU iterator); make one per thread or task.
/// ```swift
/// let segmenter = try Segmenter(language: .ar)
/// for s in segmenter.segment(article) where s.kind != .boilerplate { print(s.text) }
/// ```
public final class Segmenter {
    public let rules: SegmentationRules
    private let icu: BreakIterator
    private let classifier: ParagraphClassifier

    public init(language: Language, rules: SegmentationRules? = nil) throws {
        let rules = rules ?? .for(language)
        self.rules = rules
        self.icu = try BreakIterator(.sentence, locale: rules.icuLocale)
        self.classifier = ParagraphClassifier(language: language)
    }

    /// All segments of a document, boilerplate included (flagged by `kind`).
    public func segment(_ text: String) -> [Segment] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { b -> [Segment] in
            let paragraphs = Self.paragraphRanges(b)
            let texts = paragraphs.map { String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self) }
            let kinds = classifier.classify(texts)
            var segments: [Segment] = []
            var scalarOffset = 0, lastByte = 0
            for (p, range) in paragraphs.enumerated() {
                let pieces = kinds[p].kind == .body ? sentenceRanges(b, range) : [range]
                for piece in pieces {
                    scalarOffset += UTF8Scan.scalarCount(b, lastByte..<piece.lowerBound)
                    let length = UTF8Scan.scalarCount(b, piece)
                    segments.append(Segment(
                        index: segments.count, paragraph: p,
                        text: String(decoding: UnsafeBufferPointer(rebasing: b[piece]), as: UTF8.self),
                        kind: kinds[p].kind, reason: kinds[p].reason,
                        start: scalarOffset, end: scalarOffset + length))
                    scalarOffset += length
                    lastByte = piece.upperBound
                }
            }
            return segments
        }
    }

    /// Sentences of one paragraph (no newlines inside), as trimmed strings.
    public func sentences(_ paragraph: String) -> [String] {
        let bytes = Array(paragraph.utf8)
        return bytes.withUnsafeBufferPointer { b in
            sentenceRanges(b, 0..<b.count).map { String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self) }
        }
    }

    /// Non-empty lines, trimmed. A newline (or U+2029) is always a hard break.
    static func paragraphRanges(_ b: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0, i = 0
        func flush(_ end: Int) {
            let r = trim(b, start..<end)
            if !r.isEmpty { result.append(r) }
        }
        while i < b.count {
            if b[i] == 0x0A || b[i] == 0x0D {
                flush(i); i += 1; start = i
            } else if b[i] == 0xE2, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0xA9 || b[i + 2] == 0xA8 {
                flush(i); i += 3; start = i
            } else {
                i += 1
            }
        }
        flush(b.count)
        return result
    }

    /// Removes whitespace and invisible format characters at both ends.
    static func trim(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi {
            let (s, n) = UTF8Scan.scalar(at: lo, in: b)
            guard CharClass.isWhitespace(s) || CharClass.isInvisibleFormat(s) else { break }
            lo += n
        }
        while hi > lo {
            let (s, start) = UTF8Scan.scalar(before: hi, in: b)
            guard CharClass.isWhitespace(s) || CharClass.isInvisibleFormat(s) else { break }
            hi = start
        }
        return lo..<hi
    }

    /// Sentence ranges inside one paragraph range.
    func sentenceRanges(_ b: UnsafeBufferPointer<UInt8>, _ paragraph: Range<Int>) -> [Range<Int>] {
        let p = UnsafeBufferPointer(rebasing: b[paragraph])
        let icuBreaks = Set(icu.boundaries(p))
        var candidates = icuBreaks
        candidates.formUnion(terminatorCandidates(p))
        let credits = creditLabelCandidates(p)
        candidates.formUnion(credits)
        let dates = rules.language == .en ? englishDatelineCandidates(p) : []
        candidates.formUnion(dates)
        candidates.remove(p.count)
        var cuts: [Int] = []
        let sorted = candidates.sorted()
        for c in sorted where c > 0 {
            var context = self.context(at: c, in: p, icuBreaks: icuBreaks.contains(c))
            context.nextIsCreditLabel = credits.contains(c)
            context.afterFullDate = dates.contains(c)
            if c == sorted.last {
                let rest = String(decoding: UnsafeBufferPointer(rebasing: p[c...]), as: UTF8.self)
                context.isLastInParagraph = true
                context.restWordCount = rest.split(whereSeparator: \.isWhitespace).count
                var tail = rest.unicodeScalars.reversed().drop { CharClass.isCloser($0) || CharClass.isWhitespace($0) }.first
                if tail == nil { tail = rest.unicodeScalars.last }
                context.restEndsWithTerminal = tail.map { rules.terminators.contains($0) } ?? true
                context.restLast = rest.unicodeScalars.last
            }
            let rule = rules.rules.first { $0.condition(context) }
            if rule?.breaks ?? context.icuBreaks { cuts.append(c) }
        }
        var result: [Range<Int>] = []
        var start = 0
        for cut in cuts + [p.count] {
            let r = Self.trim(p, start..<cut)
            if !r.isEmpty { result.append((r.lowerBound + paragraph.lowerBound)..<(r.upperBound + paragraph.lowerBound)) }
            start = cut
        }
        return result
    }

    /// Positions after a terminator, its closers and following whitespace: where our rules may
    /// want a break that ICU does not make (after `…`, after a suppressed `U.S.`).
    private func terminatorCandidates(_ p: UnsafeBufferPointer<UInt8>) -> [Int] {
        var result: [Int] = []
        var i = 0
        while i < p.count {
            let (s, n) = UTF8Scan.scalar(at: i, in: p)
            i += n
            guard rules.terminators.contains(s) else { continue }
            var j = i
            while j < p.count {
                let (t, m) = UTF8Scan.scalar(at: j, in: p)
                if rules.terminators.contains(t) || CharClass.isCloser(t) { j += m } else { break }
            }
            var k = j
            while k < p.count {
                let (t, m) = UTF8Scan.scalar(at: k, in: p)
                if CharClass.isWhitespace(t) { k += m } else { break }
            }
            if k > j && k < p.count {
                result.append(k)
            } else if k == j && k < p.count && s == "." && CharClass.isLetter(UTF8Scan.scalar(at: k, in: p).0) {
                result.append(k)  // `غدا.وقال`, `late.The`: the rules decide whether a space went missing
            }
            i = max(i, j)
        }
        return result
    }

    /// Positions where a credit label starts after a space (`… demo Image: Nick Moreau.`).
    private func creditLabelCandidates(_ p: UnsafeBufferPointer<UInt8>) -> Set<Int> {
        var result = Set<Int>()
        for label in rules.creditLabels {
            let needle = Array(label.utf8)
            guard needle.count < p.count else { continue }
            var i = 1
            while i + needle.count <= p.count {
                if p[i] == needle[0] && p[i - 1] == 0x20 && p[i..<(i + needle.count)].elementsEqual(needle) {
                    result.insert(i)
                    i += needle.count
                } else {
                    i += 1
                }
            }
        }
        return result
    }

    private static let monthNames: [String] = ["January", "February", "March", "April", "May", "June", "July", "August",
                                               "September", "October", "November", "December"]

    /// Positions after `Month D, YYYY ` when a capitalised word follows: a scraped dateline run
    /// into the first sentence. The month must appear within the few words before the year.
    private func englishDatelineCandidates(_ p: UnsafeBufferPointer<UInt8>) -> Set<Int> {
        var result = Set<Int>()
        var i = 2
        while i + 5 < p.count {
            defer { i += 1 }
            guard p[i - 2] == 0x2C, p[i - 1] == 0x20, (p[i] == 0x31 && p[i + 1] == 0x39) || (p[i] == 0x32 && p[i + 1] == 0x30),
                  (0x30...0x39).contains(p[i + 2]), (0x30...0x39).contains(p[i + 3]), p[i + 4] == 0x20,
                  (0x41...0x5A).contains(p[i + 5]) else { continue }
            let before = String(decoding: UnsafeBufferPointer(rebasing: p[max(0, i - 16)..<i]), as: UTF8.self)
            if Self.monthNames.contains(where: { before.contains($0 + " ") }) { result.insert(i + 5) }
        }
        return result
    }

    /// Reads the text around a candidate boundary into a `BoundaryContext`.
    func context(at c: Int, in p: UnsafeBufferPointer<UInt8>, icuBreaks: Bool) -> BoundaryContext {
        var e = c
        while e > 0 {
            let (s, start) = UTF8Scan.scalar(before: e, in: p)
            if CharClass.isWhitespace(s) { e = start } else { break }
        }
        let hasSpace = e < c
        var markEnd = e
        while markEnd > 0 {
            let (s, start) = UTF8Scan.scalar(before: markEnd, in: p)
            if CharClass.isCloser(s) && !rules.terminators.contains(s) { markEnd = start } else { break }
        }
        let hasClosers = markEnd < e
        var markStart = markEnd
        while markStart > 0 {
            let (s, start) = UTF8Scan.scalar(before: markStart, in: p)
            if rules.terminators.contains(s) { markStart = start } else { break }
        }
        var wordStart = markStart
        while wordStart > 0 {
            let (s, start) = UTF8Scan.scalar(before: wordStart, in: p)
            if CharClass.isWhitespace(s) || (CharClass.isOpener(s) && s != "'") { break }
            wordStart = start
        }
        // Trim opening quotes glued to the word ("(د." → "د").
        var w = wordStart
        while w < markStart {
            let (s, n) = UTF8Scan.scalar(at: w, in: p)
            if CharClass.isOpener(s) { w += n } else { break }
        }
        var nextAfterOpeners: Unicode.Scalar?
        var wordBegin = c
        while wordBegin < p.count {
            let (s, n) = UTF8Scan.scalar(at: wordBegin, in: p)
            if CharClass.isOpener(s) { wordBegin += n } else { nextAfterOpeners = s; break }
        }
        var wordEnd = wordBegin
        while wordEnd < p.count {
            let (s, n) = UTF8Scan.scalar(at: wordEnd, in: p)
            if CharClass.isLetter(s) || CharClass.isArabicDiacritic(s) || s.value == 0x0640 { wordEnd += n } else { break }
        }
        let string = { (r: Range<Int>) in String(decoding: UnsafeBufferPointer(rebasing: p[r]), as: UTF8.self) }
        // The token before `wordBefore`, and whether a terminator (and closers) ends it.
        var prevEnd = wordStart
        while prevEnd > 0 {
            let (s, start) = UTF8Scan.scalar(before: prevEnd, in: p)
            if CharClass.isWhitespace(s) { prevEnd = start } else { break }
        }
        var prevStart = prevEnd
        while prevStart > 0 {
            let (s, start) = UTF8Scan.scalar(before: prevStart, in: p)
            if CharClass.isWhitespace(s) { break }
            prevStart = start
        }
        var afterSentenceEnd = false
        var q = prevEnd
        while q > prevStart {
            let (s, start) = UTF8Scan.scalar(before: q, in: p)
            if CharClass.isCloser(s) && !rules.terminators.contains(s) { q = start; continue }
            afterSentenceEnd = rules.terminators.contains(s) && prevEnd < wordStart
            break
        }
        var context = BoundaryContext(
            mark: string(markStart..<markEnd),
            wordBefore: string(w..<markStart),
            atParagraphStart: Self.trim(p, 0..<wordStart).isEmpty,
            hasClosers: hasClosers,
            hasSpace: hasSpace,
            next: c < p.count ? UTF8Scan.scalar(at: c, in: p).0 : nil,
            nextAfterOpeners: nextAfterOpeners,
            nextWord: string(wordBegin..<wordEnd),
            icuBreaks: icuBreaks)
        context.previousWord = string(prevStart..<prevEnd)
        context.afterSentenceEnd = afterSentenceEnd
        return context
    }
}
