import ArgumentParser
import Foundation
import TarjamaCommandSupport

/// `tarjama-dev`: the developer's measurements, kept out of the `tarjama` a translator runs.
/// `eval` scores segmentation, alignment, fuzzy matching and pre-translation on the shared gold
/// sets; `bench` measures speed against a baseline or a bar in the same run.
@main
struct TarjamaDev: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tarjama-dev",
        abstract: "Evaluation on gold sets and benchmarks for Tarjama's developers.",
        discussion: """
        Build with -c release for real figures. The gold sets are read from ../shared/data.

        Examples:
          swift run -c release tarjama-dev eval fuzzy
          swift run -c release tarjama-dev bench import --units 1000000
          swift run -c release tarjama-dev bench lookup
        """,
        subcommands: [EvalCommand.self, BenchCommand.self])

    static func main() {
        AllocatorTuning.apply()
        Self.main(nil)
    }
}
