import Foundation
import Synchronization
import TarjamaMatch
import TarjamaMemory
import TarjamaText

/// One segment of an article with what the memory offered for it.
public struct PretranslatedSegment: Sendable, Codable {
    public var index: Int
    public var paragraph: Int
    public var source: String
    public var kind: SegmentKind
    /// Arabic words (words and numbers, proclitics not split): what agencies bill by.
    public var words: Int
    /// Best match first; empty when nothing reached the threshold.
    public var matches: [Match]
    /// The analysis band (repetitions are set when the batch is analysed).
    public var band: AnalysisBand

    public var best: Match? { matches.first }
}

/// The bands of the analysis report: the match bands plus repetitions inside the batch.
public enum AnalysisBand: String, Sendable, Codable, CaseIterable {
    case repetition = "Repetitions"
    case context = "Context 101%"
    case exact = "100%"
    case fuzzy95 = "95-99%"
    case fuzzy85 = "85-94%"
    case fuzzy75 = "75-84%"
    case fuzzy50 = "50-74%"
    case noMatch = "No match"

    public init(_ band: MatchBand) {
        switch band {
        case .context: self = .context
        case .exact: self = .exact
        case .fuzzy95: self = .fuzzy95
        case .fuzzy85: self = .fuzzy85
        case .fuzzy75: self = .fuzzy75
        case .fuzzy50: self = .fuzzy50
        case .noMatch: self = .noMatch
        }
    }
}

/// A pre-translated article, or why it could not be.
public struct PretranslatedArticle: Sendable, Codable {
    public var path: String
    public var segments: [PretranslatedSegment] = []
    /// Boilerplate left out of translation (reading time, share lines, repeated captions …).
    public var boilerplate: [Segment] = []
    /// Set when the file could not be read or is not Arabic; the batch goes on.
    public var error: String?

    public var name: String { (path as NSString).lastPathComponent }
}

public struct PretranslateOptions: Sendable {
    /// Lowest fuzzy score offered as a target.
    public var minimum: Int
    /// Candidates kept per segment (the best as target, the rest as alternatives).
    public var alternatives: Int
    /// Worker threads (articles run in parallel, each with its own matcher on the shared store).
    public var workers: Int
    /// Which units may be offered, and points off by origin (`MatchOptions`).
    public var filter: UnitFilter
    public var originPenalties: [(pattern: String, points: Int)]

    public init(minimum: Int = 75, alternatives: Int = 3, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                filter: UnitFilter = .all, originPenalties: [(pattern: String, points: Int)] = []) {
        self.minimum = minimum
        self.alternatives = alternatives
        self.workers = max(1, workers)
        self.filter = filter
        self.originPenalties = originPenalties
    }
}

/// Pre-translates a batch of Arabic articles against a memory: segment (boilerplate dropped
/// and listed), look every segment up (context 101 → exact 100 → fuzzy ≥ minimum, numbers
/// substituted), then mark repetitions inside the batch in file order, so the output never
/// depends on which worker finished first.
///
/// ```swift
/// let p = Pretranslator(store: try SQLiteMemory(path: "Memories/default.tmdb", readOnly: true))
/// let batch = try p.run(paths: ["Samples/new-articles/xi-visit.txt"])
/// print(batch.analysis.total.segments)
/// ```
public struct Pretranslator: Sendable {
    public let store: any MatchSource
    public let options: PretranslateOptions

    public init(store: any MatchSource, options: PretranslateOptions = PretranslateOptions()) {
        self.store = store
        self.options = options
    }

    public func run(paths: [String], progress: (@Sendable (Int) -> Void)? = nil) throws -> Batch {
        try run(names: paths, read: { try ArticleReader.read(paths[$0]) }, progress: progress)
    }

    /// Articles given as text (a server's request), named for the report.
    public func run(texts: [(name: String, text: String)], progress: (@Sendable (Int) -> Void)? = nil) throws -> Batch {
        let bodies = texts.map(\.text)
        return try run(names: texts.map(\.name), read: { bodies[$0] }, progress: progress)
    }

    private func run(names paths: [String], read: @escaping @Sendable (Int) throws -> String,
                     progress: (@Sendable (Int) -> Void)?) throws -> Batch {
        let results = Mutex([PretranslatedArticle?](repeating: nil, count: paths.count))
        let next = Mutex(0), done = Mutex(0)
        let workers = min(options.workers, max(paths.count, 1))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var worker: Worker?
            var workerError: String?
            do { worker = try Worker(store: store, options: options) } catch { workerError = "\(error)" }
            while true {
                let k = next.withLock { k in defer { k += 1 }; return k }
                guard k < paths.count else { break }
                var article = PretranslatedArticle(path: paths[k])
                if let worker {
                    do { worker.pretranslate(&article, text: try read(k)) } catch { article.error = "\(error)" }
                } else {
                    article.error = workerError
                }
                results.withLock { $0[k] = article }
                progress?(done.withLock { n in n += 1; return n })
            }
        }
        var articles = results.withLock { $0.map { $0! } }
        Self.markRepetitions(&articles)
        return Batch(articles: articles, minimum: options.minimum)
    }

    /// Second and later occurrences (same matching key) of a segment inside the batch, when the
    /// memory had no exact or context match for them, are repetitions: translated once, reused.
    static func markRepetitions(_ articles: inout [PretranslatedArticle]) {
        var seen = Set<String>()
        for a in articles.indices {
            for s in articles[a].segments.indices {
                let key = SegmentKey.key(articles[a].segments[s].source)
                let band = articles[a].segments[s].band
                if !seen.insert(key).inserted && band != .context && band != .exact {
                    articles[a].segments[s].band = .repetition
                }
            }
        }
    }
}

/// One worker's tools: a segmenter (ICU iterators are per thread) and a matcher (its cache of
/// term statistics is per thread) on the shared store.
final class Worker {
    let segmenter: Segmenter
    let matcher: Matcher
    let options: PretranslateOptions

    init(store: any MatchSource, options: PretranslateOptions) throws {
        segmenter = try Segmenter(language: .ar)
        matcher = Matcher(store: store)
        self.options = options
    }

    func pretranslate(_ article: inout PretranslatedArticle, text: String) {
        let all = segmenter.segment(text)
        article.boilerplate = all.filter { $0.kind == .boilerplate }
        let body = all.filter { $0.kind != .boilerplate }
        let counter = Tokenizer()
        for (k, segment) in body.enumerated() {
            let context = MatchContext(previousSource: k > 0 ? body[k - 1].text : nil,
                                       nextSource: k + 1 < body.count ? body[k + 1].text : nil)
            let matches: [Match]
            do {
                matches = try matcher.lookup(segment.text, context: context,
                                             options: MatchOptions(minimum: options.minimum, limit: options.alternatives,
                                                                  filter: options.filter, originPenalties: options.originPenalties))
            } catch {
                article.error = "lookup failed at segment \(k + 1): \(error)"
                return
            }
            let words = counter.tokenize(segment.text).filter { $0.kind != .punctuation }.count
            article.segments.append(PretranslatedSegment(
                index: k + 1, paragraph: segment.paragraph, source: segment.text, kind: segment.kind, words: words,
                matches: matches, band: AnalysisBand(matches.first?.band ?? .noMatch)))
        }
    }
}

/// Reads an article and checks that it is Arabic text, with a message that says what to do.
public enum ArticleReader {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public static func read(_ path: String) throws -> String {
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int {
            do { try TextDecoding.checkSize(size, name: path) } catch let f as TextDecoding.Failure { throw Problem(description: f.description) }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "cannot read '\(path)': no such file, or permission denied")
        }
        let text: String
        do {
            text = try TextDecoding.decode([UInt8](data), name: path)
        } catch let failure as TextDecoding.Failure {
            throw Problem(description: failure.description)
        }
        var arabic = 0, letters = 0
        for s in text.unicodeScalars.prefix(50_000) where CharClass.isLetter(s) {
            letters += 1
            if CharClass.isArabicLetter(s) { arabic += 1 }
        }
        guard letters > 0, Double(arabic) / Double(letters) >= 0.5 else {
            throw Problem(description: "'\(path)' is not Arabic (\(letters == 0 ? "no letters" : "\(100 * arabic / max(letters, 1))% Arabic letters")); pre-translation takes Arabic articles")
        }
        return text
    }
}
