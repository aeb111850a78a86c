import ArgumentParser
import Foundation
import TarjamaCommandSupport
import TarjamaMemory
import TarjamaSQLite

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a memory as TMX 1.4 or TSV.",
        discussion: """
        TMX output validates against the TMX 1.4 DTD and keeps origin, confidence, notes and \
        properties. Examples:
          tarjama export --format tmx --out news.tmx
          tarjama export --format tsv > pairs.tsv
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case tmx, tsv }

    @OptionGroup var options: MemoryOptions
    @Option(help: "tmx or tsv.") var format: Format = .tmx
    @Option(help: "Output file (default: standard output).") var out: String?
    @OptionGroup(title: "Provenance") var provenance: ProvenanceOptions

    func run() throws {
        let filter = try provenance.filter()
        let memory = try options.open(readOnly: true)
        let path = options.path
        let sink = try OutputSink(path: out, protecting: ["", "-wal", "-shm", "-journal"].map { path + $0 })
        let n: Int
        switch format {
        case .tmx: n = try memory.exportTMX(filter: filter) { try sink.write($0) }
        case .tsv: n = try memory.exportTSV(filter: filter) { try sink.write($0) }
        }
        try sink.finish()
        if out != nil { warn("exported \(n) units to \(out!)") }
    }
}
