import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaText

struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Split Arabic or English articles into sentences, flagging headlines and boilerplate.",
        discussion: """
        Newlines are paragraph breaks. Inside paragraphs, ICU's sentence iterator is corrected by \
        Tarjama's rules (Arabic abbreviations such as د. and أ.د., numbers such as ٣٫٥ and 25٪, \
        ؟ and ؟!, list markers, quotes). Each segment gets a kind: body, headline, byline, dateline, \
        caption or boilerplate. Boilerplate (reading time, share lines, copyright, repeated lines) \
        is dropped unless --keep-boilerplate; --json lists every segment with its kind and reason.

        Examples:
          tarjama segment Samples/putin-xi/ar.txt
          tarjama segment --lang en --json Samples/putin-xi/en.txt
          tarjama segment --lang ar --out segmented/ articles/*.txt
          cat article.txt | tarjama segment --lang ar
        """)

    @Option(name: .long, help: "Language of the input: ar or en (default: guessed from the script).")
    var lang: Language?

    @Option(name: .long, help: "Write DIR/<file name> with one segment per line instead of printing.")
    var out: String?

    @Flag(name: .long, help: "Keep boilerplate segments in the plain-text output.")
    var keepBoilerplate = false

    @Flag(name: .long, help: "Print one JSON object per segment (file, index, paragraph, text, kind, reason, start, end).")
    var json = false

    @Argument(help: "Text files, one article each (UTF-8). Standard input when none is given.")
    var files: [String] = []

    func run() throws {
        let inputs = files.isEmpty ? ["-"] : files
        if let out {
            try refuseOutputsOverInputs(inputs.map { outputPath(out, $0, ext: json ? "jsonl" : nil) }, inputs: inputs)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        }
        var segmenters: [Language: Segmenter] = [:]
        let jsonLines = JSONLines()
        for (n, path) in inputs.enumerated() {
            let text = try readText(path)
            let language = lang ?? detectLanguage(text)
            if segmenters[language] == nil { segmenters[language] = try Segmenter(language: language) }
            let segments = segmenters[language]!.segment(text)
            let kept = segments.filter { keepBoilerplate || $0.kind != .boilerplate }
            if json {
                let sink = try OutputSink(path: out.map { outputPath($0, path, ext: "jsonl") }, protecting: inputs)
                for s in segments {
                    try sink.write(try jsonLines.line(SegmentRecord(file: path == "-" ? nil : path, language: language, segment: s)) + "\n")
                }
                try sink.finish()
            } else if let out {
                let sink = try OutputSink(path: outputPath(out, path, ext: nil), protecting: inputs)
                try sink.write(kept.map(\.text).joined(separator: "\n") + (kept.isEmpty ? "" : "\n"))
                try sink.finish()
            } else {
                if n > 0 { print("") }
                for s in kept { print(s.text) }
            }
        }
    }

    private func outputPath(_ dir: String, _ input: String, ext: String?) -> String {
        var name = input == "-" ? "stdin.txt" : URL(fileURLWithPath: input).lastPathComponent
        if let ext { name = (name as NSString).deletingPathExtension + "." + ext }
        return (dir as NSString).appendingPathComponent(name)
    }
}

/// One line of `segment --json`.
struct SegmentRecord: Encodable {
    let file: String?
    let language: Language
    let segment: Segment

    enum CodingKeys: String, CodingKey { case file, language, index, paragraph, text, kind, reason, start, end }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(file, forKey: .file)
        try c.encode(language, forKey: .language)
        try c.encode(segment.index, forKey: .index)
        try c.encode(segment.paragraph, forKey: .paragraph)
        try c.encode(segment.text, forKey: .text)
        try c.encode(segment.kind, forKey: .kind)
        try c.encodeIfPresent(segment.reason, forKey: .reason)
        try c.encode(segment.start, forKey: .start)
        try c.encode(segment.end, forKey: .end)
    }
}
