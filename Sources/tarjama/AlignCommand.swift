import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaAlign
import TarjamaMemory
import TarjamaText

struct AlignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "align",
        abstract: "Align an Arabic article with its English translation, optionally into the memory.",
        discussion: """
        Both files are segmented first (boilerplate left out) unless --segmented says they already \
        hold one sentence per line. Beads 1-1, 1-0, 0-1, 2-1, 1-2, 2-2, 1-3, 3-1 (and rarer 2-3, \
        1-4) are found by dynamic programming over length, numbers, names and Latin tokens, plus \
        the lexicon learned from the memory when one exists. Each bead gets a confidence in [0, 1]; \
        with --store, beads under --min-confidence are kept out of the memory and listed for review; \
        --review FILE writes them to a file a person edits (delete the wrong lines, correct the \
        others) and stores with --store-reviewed FILE, as reviewed pairs.

        Examples:
          tarjama align Samples/putin-xi/ar.txt Samples/putin-xi/en.txt
          tarjama align --store Samples/putin-xi/ar.txt Samples/putin-xi/en.txt
          tarjama align --segmented --format beads ar.txt en.txt
          tarjama align --batch articles/ --store      # folders holding ar.txt and en.txt
          tarjama align --store --review held.tsv ar.txt en.txt
          tarjama align --store-reviewed held.tsv
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case tsv, jsonl, beads }

    @OptionGroup var options: MemoryOptions
    @Flag(help: "The files hold one sentence per line already.") var segmented = false
    @Option(help: "Output: tsv (source, target, confidence), jsonl, or beads ([0]:[0, 1]).") var format: Format = .tsv
    @Flag(help: "Add the aligned pairs to the memory.") var store = false
    /// 0.35: where `eval align`'s calibration shows beads turning unreliable (PERFORMANCE.md).
    @Option(help: "With --store, keep beads under this confidence out of the memory (see --review).") var minConfidence = 0.35
    @Flag(help: "With --store, store low-confidence beads too.") var storeAll = false
    @Flag(help: "Do not use the lexicon learned from the memory.") var noLexicon = false
    @Option(help: "Align every folder under DIR that holds ar.txt and en.txt.") var batch: String?
    @Option(help: "With --store, write the beads held back to FILE for a person to review.") var review: String?
    @Option(help: "Store the pairs left in a review file (written by --review) as reviewed.") var storeReviewed: String?
    @Flag(help: "Print the store report as JSON (with --store).") var json = false
    @Argument(help: "AR_FILE EN_FILE") var files: [String] = []

    func validate() throws {
        guard minConfidence.isFinite, (0...1).contains(minConfidence) else {
            throw ValidationError("--min-confidence is a probability between 0 and 1, got \(minConfidence)")
        }
        if storeReviewed != nil {
            guard files.isEmpty && batch == nil else { throw ValidationError("--store-reviewed FILE takes no articles: it stores the pairs in FILE") }
            return
        }
        if review != nil && !store { throw ValidationError("--review FILE goes with --store: it lists the beads --store holds back") }
        if batch == nil && files.count != 2 {
            throw ValidationError("give the Arabic file and its English translation (tarjama align AR_FILE EN_FILE), or --batch DIR")
        }
    }

    func run() throws {
        if let storeReviewed {
            try Self.storeReviewed(storeReviewed, in: try options.open())
            return
        }
        var held: [(origin: String, item: StoreReport.ReviewItem)] = []
        defer {
            if let review, !held.isEmpty { Self.writeReview(review, held, minConfidence: minConfidence) }
        }
        let memory: (any MemoryStore)? = (store || !noLexicon) && (store || FileManager.default.fileExists(atPath: options.path))
            ? try options.open() : nil
        let lexicon: (any MemoryStore)? = noLexicon ? nil : try memory.flatMap { try $0.hasLexicon() ? $0 : nil }
        let aligner = try DocumentAligner(aligner: Aligner(lexicon: lexicon))
        var pairs: [(origin: String, ar: String, en: String)] = []
        if let batch {
            let fm = FileManager.default
            guard let entries = fm.enumerator(atPath: batch)?.allObjects as? [String] else {
                throw UserError("cannot read folder '\(batch)'")
            }
            for rel in entries.filter({ $0.hasSuffix("ar.txt") }).sorted() {
                let dir = (batch as NSString).appendingPathComponent((rel as NSString).deletingLastPathComponent)
                let en = (dir as NSString).appendingPathComponent("en.txt")
                if fm.fileExists(atPath: en) { pairs.append((dir, (dir as NSString).appendingPathComponent("ar.txt"), en)) }
            }
            if pairs.isEmpty { throw UserError("no folder under '\(batch)' holds both ar.txt and en.txt") }
        } else {
            pairs = [(files[0], files[0], files[1])]
        }
        if let review {
            try refuseOutputsOverInputs([review], inputs: pairs.flatMap { [$0.ar, $0.en] }, memory: options.file,
                                        choose: "another --review file")
        }
        let out = JSONLines()
        var failed = 0
        // Read and check every article first: a batch is aligned as one (its articles teach each
        // other), and one bad article does not stop it: it is reported and the others go on.
        var articles: [(pair: (origin: String, ar: String, en: String), source: String, target: String)] = []
        for pair in pairs {
            do {
                let (arabic, english) = (try readText(pair.ar), try readText(pair.en))
                try Self.check(arabic: arabic, english: english, pair: pair, refuse: store)
                articles.append((pair, arabic, english))
            } catch let e as UserError where batch != nil {
                warn("tarjama: \(e.description)")
                if json { print(try out.line(["origin": pair.origin, "error": e.description])) }
                failed += 1
            }
        }
        if articles.count > 1 { warn("aligning \(articles.count) articles as one batch") }
        let docs = aligner.align(batch: articles.map { (source: $0.source, target: $0.target) }, segmented: segmented)
        let progress = ProgressBar(total: docs.count, label: "articles")
        for (n, (article, doc)) in zip(articles, docs).enumerated() {
            defer { progress.update(n + 1) }
            let pair = article.pair
            if let memory, store {
                let report = try memory.store(doc, origin: pair.origin, minConfidence: minConfidence, storeAll: storeAll, user: currentUser())
                held += report.lowConfidence.map { (pair.origin, $0) }
                if json {
                    print(try out.line(report))
                } else {
                    print("\(pair.origin): stored \(report.stored.added) pairs (\(report.stored.duplicates) already there), "
                          + "\(report.lowConfidence.count) below confidence \(minConfidence) kept out, \(report.unaligned) unaligned")
                    for item in report.lowConfidence where review == nil {
                        print(String(format: "  review %@ (%.2f): %@ ⇄ %@", item.bead, item.confidence, item.source, item.target))
                    }
                }
            } else if batch == nil {
                try printBeads(doc, out)
            }
        }
        if failed > 0 {
            warn("tarjama: \(failed) of \(pairs.count) articles were not aligned (see above)")
            throw ExitCode(1)
        }
    }

    /// The review file: a few lines saying what to do, then origin, confidence, Arabic and
    /// English a line (tabs and line breaks inside the text become spaces).
    static func writeReview(_ path: String, _ held: [(origin: String, item: StoreReport.ReviewItem)], minConfidence: Double) {
        let clean = { (s: String) in s.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
        var text = """
            # Tarjama alignment review: \(held.count) beads held back under confidence \(String(format: "%.2f", minConfidence)).
            # Delete the lines that are wrong, correct the Arabic or English of the others, then store them:
            #   tarjama align --store-reviewed \(path)
            # origin<TAB>confidence<TAB>Arabic<TAB>English

            """
        for (origin, item) in held {
            text += "\(clean(origin))\t\(String(format: "%.2f", item.confidence))\t\(clean(item.source))\t\(clean(item.target))\n"
        }
        do {
            let sink = try OutputSink(path: path)
            try sink.write(text)
            try sink.finish()
            warn("\(held.count) beads held back for review: \(path) (then: tarjama align --store-reviewed \(path))")
        } catch {
            warn("tarjama: cannot write the review file: \(error)")
        }
    }

    /// Stores a reviewed file's pairs: a person checked them, so they count as reviewed
    /// (confidence 1, `x-state` reviewed) whatever the aligner thought.
    static func storeReviewed(_ path: String, in memory: any MemoryStore) throws {
        let text = try readText(path)
        var drafts: [UnitDraft] = []
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count == 4, !f[2].isEmpty, !f[3].isEmpty else {
                throw UserError("\(path):\(k + 1): expected origin, confidence, Arabic and English separated by tabs; correct the line or delete it")
            }
            drafts.append(UnitDraft(source: f[2], target: f[3], origin: f[0], confidence: 1, createdBy: currentUser(),
                                    properties: ["x-state": "reviewed"]))
        }
        let summary = try memory.add(drafts, user: currentUser())
        print("\(path): stored \(summary.added) reviewed pairs (\(summary.duplicates) already there)")
    }

    /// Refuses (with `--store`) or warns about files that cannot be an Arabic article and its
    /// English translation: the same text twice, the two swapped, or both in one language.
    static func check(arabic: String, english: String, pair: (origin: String, ar: String, en: String), refuse: Bool) throws {
        func problem(_ message: String) throws {
            if refuse { throw UserError(message + "; nothing was stored") }
            warn("tarjama: warning: " + message)
        }
        if arabic.trimmingWhitespace().utf8.elementsEqual(english.trimmingWhitespace().utf8) {
            try problem("'\(pair.ar)' and '\(pair.en)' hold the same text: give an Arabic article and its English translation")
            return
        }
        let a = LanguageGuess(arabic), e = LanguageGuess(english)
        switch (a.verdict, e.verdict) {
        case (.arabic, .english):
            return
        case (.english, .arabic):
            try problem("the files look swapped: '\(pair.ar)' is \(a), '\(pair.en)' is \(e). Give the Arabic first: tarjama align --store '\(pair.en)' '\(pair.ar)'")
        case (.arabic, .arabic), (.english, .english):
            try problem("both files look \(a.verdict == .arabic ? "Arabic" : "English"): '\(pair.ar)' is \(a), '\(pair.en)' is \(e). Give an Arabic article and its English translation")
        default:
            if a.verdict != .arabic { try problem("'\(pair.ar)' does not look Arabic: it is \(a)") }
            if e.verdict != .english { try problem("'\(pair.en)' does not look English: it is \(e)") }
        }
    }

    private func printBeads(_ doc: AlignedDocument, _ out: JSONLines) throws {
        for bead in doc.beads {
            let (s, t) = doc.texts(bead)
            switch format {
            case .beads: print(bead.description)
            case .tsv: print("\(s)\t\(t)\t\(String(format: "%.3f", bead.confidence))")
            case .jsonl:
                struct Line: Encodable { let source_ids: [Int], target_ids: [Int], type: String, confidence: Double, source: String, target: String }
                print(try out.line(Line(source_ids: bead.source, target_ids: bead.target, type: bead.type.description,
                                        confidence: (bead.confidence * 1000).rounded() / 1000, source: s, target: t)))
            }
        }
    }
}
