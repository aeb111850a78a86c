import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaPretranslate

struct PretranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretranslate",
        abstract: "Pre-translate new Arabic articles from the memory and print an analysis report.",
        discussion: """
        Each article is segmented (boilerplate left out and listed), every segment is looked up \
        (context 101% → exact 100% → fuzzy ≥ --min, numbers substituted), and OUT gets, per \
        article, the chosen formats (XLIFF 1.2 by default) plus report.json and report.html for \
        the batch. Articles run in parallel; output order is the order given. A file that cannot \
        be read or is not Arabic is listed in the report and makes the exit code 1; the rest of \
        the batch still runs.

        Examples:
          tarjama pretranslate Samples/new-articles --out out/
          tarjama pretranslate --format xliff --format jsonl --min 70 wires/*.txt --out out/
          tarjama pretranslate Samples/new-articles --out out/ --json     # the analysis as JSON
        """)

    @OptionGroup var options: MemoryOptions
    @Option(help: "Folder for the per-article files and the report.") var out: String
    @Option(help: "Lowest fuzzy score used as a target.") var min = 75
    @Option(help: "Output formats per article: xliff, tmx, jsonl, txt (repeat for several).")
    var format: [OutputFormat] = [.xliff]
    @Option(help: "Worker threads (default: all cores).") var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Print the analysis as JSON instead of a table.") var json = false
    @Flag(help: "Lock context and exact matches in the XLIFF (translate=\"no\"), so a CAT tool leaves them as they are.") var lockExact = false
    @OptionGroup(title: "Provenance") var provenance: ProvenanceOptions
    @OptionGroup var penalty: PenaltyOptions
    @Argument(help: "Arabic article files (UTF-8 .txt) or folders of them.") var inputs: [String]

    func validate() throws {
        guard (0...100).contains(min) else { throw ValidationError("--min must be between 0 and 100, got \(min)") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let paths = try expandInputs(inputs, suffixes: [".txt"], verb: "pre-translate")
        guard !paths.isEmpty else { throw UserError("no articles to pre-translate: give .txt files or folders holding them.") }
        let bases = Self.outputBases(paths)
        try refuseOutputsOverInputs(bases.flatMap { base in format.map { (out as NSString).appendingPathComponent("\(base).\($0.fileExtension)") } }
                                    + ["report.json", "report.html"].map { (out as NSString).appendingPathComponent($0) },
                                    inputs: paths, memory: options.file)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw UserError("cannot create output folder '\(out)': \(error.localizedDescription)")
        }
        let memory = try options.open(readOnly: true)
        let bar = ProgressBar(total: paths.count, label: "articles")
        let batch = try Pretranslator(store: memory, options: PretranslateOptions(minimum: min, workers: jobs, filter: try provenance.filter(),
                                                                                      originPenalties: try penalty.rules()))
            .run(paths: paths) { done in bar.update(done) }

        for (article, base) in zip(batch.articles, bases) where article.error == nil {
            for f in format {
                let file = (out as NSString).appendingPathComponent("\(base).\(f.fileExtension)")
                try write(try f.render(article, lockExact: lockExact), to: file)
            }
        }
        let analysis = batch.analysis
        try write(try JSONLines().line(analysis) + "\n", to: (out as NSString).appendingPathComponent("report.json"))
        try write(analysis.html(), to: (out as NSString).appendingPathComponent("report.html"))

        if json {
            print(try JSONLines().line(analysis))
        } else {
            print("Pre-translated \(batch.articles.count - analysis.failed.count) of \(batch.articles.count) articles "
                  + "against \(memory.location) (fuzzy threshold \(min)%)\n")
            print(analysis.table())
            print("\nwrote \(format.map(\.rawValue).joined(separator: ", ")) per article, report.json and report.html to \(out)/")
        }
        for a in batch.articles {
            if let e = a.error { warn("tarjama: \(a.path): \(e)") }
        }
        if !analysis.failed.isEmpty { throw ExitCode(1) }
    }

    /// Output names, one per article, unique even when two folders hold the same file name.
    static func outputBases(_ paths: [String]) -> [String] {
        var used = Set<String>()
        return paths.map { path in
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            var base = stem, n = 2
            while !used.insert(base).inserted { base = stem + "-\(n)"; n += 1 }
            return base
        }
    }

    private func write(_ text: String, to path: String) throws {
        let sink = try OutputSink(path: path, protecting: inputs)
        try sink.write(text)
        try sink.finish()
    }
}

extension OutputFormat: ExpressibleByArgument {}
