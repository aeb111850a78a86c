import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaMemory
import TarjamaPretranslate

/// `tarjama merge FILE.xlf --out FILE`: the English article from a reviewed XLIFF.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Write the translated article from a reviewed XLIFF file.",
        discussion: """
        One line per paragraph, in the article's order, from the targets (Tarjama's XLIFF keeps \
        each paragraph as a group; other tools' files give a line per unit or group). Boilerplate \
        is left out. A segment without a target keeps its Arabic text and is listed on standard \
        error with its line, and the command exits 1, so an unfinished review is not mistaken for \
        a finished article (the file is written all the same).

        Examples:
          tarjama merge out/xi-visit.xlf --out xi-visit.en.txt
          tarjama merge out/xi-visit.xlf --out -        # to standard output
        """)

    @Option(help: "The article to write (- for standard output).") var out: String
    @Flag(help: "With --out FILE, print the report (paragraphs, segments, untranslated) as JSON.") var json = false
    @Argument(help: "The reviewed XLIFF file.") var file: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: file) else {
            throw UserError("cannot read '\(file)': no such file. Give the XLIFF that pretranslate wrote (out/ARTICLE.xlf).")
        }
        let merged: ArticleMerge
        do {
            merged = try ArticleMerge.merge(path: file)
        } catch let e as MemoryError {
            throw UserError(e.description)
        }
        let sink = try OutputSink(path: out, protecting: [file])
        try sink.write(merged.text)
        try sink.finish()
        for gap in merged.untranslated.prefix(20) { warn("\(file):\(gap.line): unit \(gap.id) has no target; its source is kept") }
        if merged.untranslated.count > 20 { warn("… \(merged.untranslated.count - 20) more untranslated") }
        if json && out != "-" {
            struct Report: Encodable { let file, out: String; let paragraphs, segments, unreviewed: Int; let untranslated: [ArticleMerge.Gap] }
            print(try JSONLines().line(Report(file: file, out: out, paragraphs: merged.paragraphs, segments: merged.segments,
                                              unreviewed: merged.unreviewed, untranslated: merged.untranslated)))
        } else if out != "-" {
            var line = "\(out): \(merged.paragraphs) paragraphs, \(merged.segments) segments"
            if !merged.untranslated.isEmpty { line += ", \(merged.untranslated.count) untranslated (source kept)" }
            if merged.unreviewed > 0 { line += ", \(merged.unreviewed) unreviewed proposals" }
            print(line)
        }
        if !merged.untranslated.isEmpty { throw ExitCode(1) }
    }
}
