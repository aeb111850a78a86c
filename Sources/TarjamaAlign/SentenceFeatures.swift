import Dispatch
import TarjamaText

/// What the aligner knows of one sentence: its length and its dictionary-free anchors.
///
/// Anchors are interned to `Int32` ids per document so bead scoring compares small sorted
/// arrays, not strings.
public struct SentenceFeatures: Sendable {
    /// Non-space characters of the matching key (diacritics and tatweel removed).
    public var length: Int
    /// Numbers after digit normalisation (`٢٠٢٢` and `2022` are the same id).
    public var numbers: [Int32]
    /// Name skeletons: transliterated Arabic words / capitalised English words reduced to
    /// consonant classes (بوتين and Putin both become `btn`).
    public var names: [Int32]
    /// Latin-script tokens (in Arabic text: `NATO`, `COVID-19`; in English: every word).
    public var latin: [Int32]
    /// Content-word ids for the learned lexicon (matching keys, lower-cased).
    public var words: [Int32]
    public var isQuestion: Bool
    /// Quotes speech: a quotation mark (" “ ” « » „) opens or closes a stretch of
    /// `FeatureExtractor.speechWords` words or more, or stands alone (a quote running on from or
    /// into another sentence). Translations keep speech quoted; a quoted term may lose its marks.
    public var isQuoting: Bool = false
}

/// Interns anchor strings to small integers for one alignment run.
final class AnchorTable {
    /// Keyed by bytes: `String` keys hash Arabic through NFC normalisation on every lookup.
    private var ids: [FeatureExtractor.WordForm: Int32] = [:]
    private(set) var strings: [String] = []

    func id(_ s: String) -> Int32 {
        let key = FeatureExtractor.WordForm(s)
        if let id = ids[key] { return id }
        let id = Int32(strings.count)
        ids[key] = id
        strings.append(s)
        return id
    }

    func existing(_ s: String) -> Int32? { ids[FeatureExtractor.WordForm(s)] }
}

/// Builds `SentenceFeatures` for Arabic and English sentences.
final class FeatureExtractor {
    let table = AnchorTable()
    private let tokenizer = Tokenizer()
    private let skeletons = NameSkeleton()

    /// True when both texts are in Latin script, so Latin tokens are not distinctive by themselves.
    var latinIsCommon = false

    /// What a word form contributes, computed once per distinct form: news repeats its words, and
    /// folding, skeletons and interning were most of the feature time.
    struct WordInfo {
        var isArabic: Bool
        var word: Int32
        var skeleton: String?
        var name: Int32?
        var latin: Int32 = -1
        var isCapitalised = false
        var isStopword = false
        var hasDigit = false
    }
    private var known: [WordForm: WordInfo] = [:]

    /// A word form keyed by its bytes: `String` hashing normalises Arabic to NFC on every lookup.
    struct WordForm: Hashable {
        let hash: UInt64
        let bytes: [UInt8]

        init(_ text: String) {
            bytes = Array(text.utf8)
            var h: UInt64 = 0xcbf29ce484222325   // FNV-1a
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100000001b3 }
            hash = h
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    private func word(_ text: String) -> WordInfo {
        let form = WordForm(text)
        if let info = known[form] { return info }
        let first = text.unicodeScalars.first!
        var info: WordInfo
        if CharClass.isArabicLetter(first) {
            let folded = Normalizer.matchingKey.normalize(text)
            let skeleton = skeletons.arabic(folded)
            info = WordInfo(isArabic: true, word: table.id("w:" + folded), skeleton: skeleton, name: skeleton.map { table.id("n:" + $0) })
        } else {
            let lower = text.lowercased()
            info = WordInfo(isArabic: false, word: table.id("w:" + lower), skeleton: nil,
                            name: skeletons.english(lower).map { table.id("n:" + $0) }, latin: table.id("l:" + lower),
                            isCapitalised: CharClass.isUppercase(first), isStopword: NameSkeleton.englishStopwords.contains(lower),
                            hasDigit: text.unicodeScalars.contains(where: { CharClass.digitValue($0) != nil }))
        }
        known[form] = info
        return info
    }

    func features(_ sentence: String, language: Language) -> SentenceFeatures {
        let key = Normalizer.matchingKey.normalize(sentence)
        var length = 0
        for u in key.unicodeScalars where u != " " { length += 1 }
        var numbers: [Int32] = [], names: [Int32] = [], latin: [Int32] = [], words: [Int32] = []
        let tokens = tokenizer.tokenize(sentence)
        var previousArabicSkeleton: String?
        for (k, token) in tokens.enumerated() {
            switch token.kind {
            case .number:
                numbers.append(table.id("#" + Self.canonicalNumber(token.text)))
            case .punctuation:
                previousArabicSkeleton = nil
            case .word:
                let info = word(token.text)
                if info.isArabic {
                    words.append(info.word)
                    if let s = info.skeleton, let name = info.name {
                        names.append(name)
                        // Names written as one English word and two Arabic ones (جين بينغ ↔ Jinping).
                        if let p = previousArabicSkeleton { names.append(table.id("n:" + p + s)) }
                        previousArabicSkeleton = s
                    } else {
                        previousArabicSkeleton = nil
                    }
                } else {
                    // In Arabic text any Latin token is an anchor (NATO, COVID-19). Between two
                    // Latin-script texts only names and codes are: shared function words are noise.
                    if !latinIsCommon || (info.isCapitalised && k > 0) || info.hasDigit { latin.append(info.latin) }
                    if language != .ar { words.append(info.word) }
                    if let name = info.name, info.isCapitalised && (k > 0 || !info.isStopword) { names.append(name) }
                }
            }
        }
        let isQuestion = sentence.unicodeScalars.contains { $0 == "?" || $0 == "\u{061F}" }
        let isQuoting = Self.quotesSpeech(sentence)
        return SentenceFeatures(length: length, numbers: numbers.sortedUnique(), names: names.sortedUnique(),
                                latin: latin.sortedUnique(), words: words, isQuestion: isQuestion, isQuoting: isQuoting)
    }

    /// Words between quotation marks that make quoted speech rather than a quoted term.
    static let speechWords = 4

    /// See `SentenceFeatures.isQuoting`. Reads UTF-8 bytes: this runs on every sentence.
    static func quotesSpeech(_ sentence: String) -> Bool {
        var marks = 0, spacesSinceMark = 0, longest = 0
        var before2: UInt8 = 0, before1: UInt8 = 0
        for b in sentence.utf8 {
            // " (22), « » (C2 AB, C2 BB), “ ” „ (E2 80 9C/9D/9E); the apostrophe is not a mark.
            let isMark = b == 0x22 || (before1 == 0xC2 && (b == 0xAB || b == 0xBB))
                || (before2 == 0xE2 && before1 == 0x80 && (b == 0x9C || b == 0x9D || b == 0x9E))
            if isMark {
                if marks % 2 == 1 { longest = max(longest, spacesSinceMark) }   // a closing mark
                marks += 1
                spacesSinceMark = 0
            } else if b == 0x20 {
                spacesSinceMark += 1
            }
            before2 = before1
            before1 = b
        }
        return marks % 2 == 1 || longest >= speechWords - 1
    }

    /// `1,000` → `1000`, `٣٫٥` → `3.5`, `25٪` → `25`, `10:30` stays.
    static func canonicalNumber(_ text: String) -> String {
        var out = ""
        for u in Normalizer.matchingKey.normalize(text).unicodeScalars {
            if u == "," || u == "%" { continue }
            out.unicodeScalars.append(u)
        }
        return out
    }
}

extension Array where Element == Int32 {
    func sortedUnique() -> [Int32] {
        var s = sorted()
        var w = 0
        for x in s where w == 0 || s[w - 1] != x { s[w] = x; w += 1 }
        s.removeSubrange(w...)
        return s
    }
}

/// Counts the common elements of two sorted arrays.
@inline(__always)
func commonCount(_ a: [Int32], _ b: [Int32]) -> Int {
    var i = 0, j = 0, n = 0
    while i < a.count && j < b.count {
        if a[i] == b[j] { n += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
    }
    return n
}

/// The sorted union of two sorted, duplicate-free arrays, in one linear pass (span tables merge
/// millions of these on a long document).
@inline(__always)
func mergedUnique(_ a: [Int32], _ b: [Int32]) -> [Int32] {
    if a.isEmpty { return b }
    if b.isEmpty { return a }
    return [Int32](unsafeUninitializedCapacity: a.count + b.count) { out, written in
        var i = 0, j = 0, n = 0
        while i < a.count && j < b.count {
            let x = a[i], y = b[j]
            out[n] = x <= y ? x : y
            n += 1
            if x <= y { i += 1 }
            if y <= x { j += 1 }
        }
        while i < a.count { out[n] = a[i]; n += 1; i += 1 }
        while j < b.count { out[n] = b[j]; n += 1; j += 1 }
        written = n
    }
}

extension FeatureExtractor {
    /// Features of both sides with one id space. A long document's two sides are extracted on two
    /// threads (features are a third of a long alignment's time), each with its own extractor,
    /// then each side's ids are mapped into the first extractor's table.
    static func both(source: [String], _ sourceLanguage: Language, target: [String], _ targetLanguage: Language,
                     latinIsCommon: Bool) -> (source: [SentenceFeatures], target: [SentenceFeatures], extractor: FeatureExtractor) {
        let main = FeatureExtractor()
        main.latinIsCommon = latinIsCommon
        guard source.count + target.count >= 400 else {
            return (source.map { main.features($0, language: sourceLanguage) }, target.map { main.features($0, language: targetLanguage) }, main)
        }
        // One job a side: cutting a side further loses more to its extractors' separate word
        // caches than it gains (measured: 0.31 s → 0.36 s at 2,100 sentences on two cores).
        let jobs: [(side: Int, range: Range<Int>)] = [(0, 0..<source.count), (1, 0..<target.count)]
        final class Results: @unchecked Sendable {
            var features: [[SentenceFeatures]]
            var tables: [AnchorTable?]
            init(_ n: Int) { features = Array(repeating: [], count: n); tables = Array(repeating: nil, count: n) }
        }
        // Each job writes only its own slot; `concurrentPerform` returns after all.
        let results = Results(jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { k in
            let extractor = FeatureExtractor()
            extractor.latinIsCommon = latinIsCommon
            let job = jobs[k]
            results.features[k] = job.side == 0 ? source[job.range].map { extractor.features($0, language: sourceLanguage) }
                                                : target[job.range].map { extractor.features($0, language: targetLanguage) }
            results.tables[k] = extractor.table
        }
        var src: [SentenceFeatures] = [], tgt: [SentenceFeatures] = []
        for (k, job) in jobs.enumerated() {
            let map = results.tables[k]!.strings.map { main.table.id($0) }
            func remap(_ ids: [Int32]) -> [Int32] { ids.map { map[Int($0)] } }
            let mapped = results.features[k].map { f in
                SentenceFeatures(length: f.length, numbers: remap(f.numbers).sortedUnique(), names: remap(f.names).sortedUnique(),
                                 latin: remap(f.latin).sortedUnique(), words: remap(f.words), isQuestion: f.isQuestion,
                                 isQuoting: f.isQuoting)
            }
            if job.side == 0 { src += mapped } else { tgt += mapped }
        }
        return (src, tgt, main)
    }
}
