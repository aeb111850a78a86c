import Foundation
import TarjamaMemory
import TarjamaText

/// One fuzz input through one of the readers that take a user's files: the input's first byte
/// picks the reader (TSV, TMX, XLIFF, segmenter), the rest is the file. A reader may refuse an
/// input with an error; it must never crash, hang or store a NUL. Built with libFuzzer by
/// `scripts/fuzz.sh` (FUZZING defined); otherwise a replayer of saved inputs (the corpus under
/// Tests/Fuzz, which the tests run).
enum FuzzTarget {
    /// The file each input is written to (readers take paths, as commands do).
    static let path = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-fuzz-\(getpid())").path
    nonisolated(unsafe) static var segmenters: [Language: Segmenter] = [:]

    static func run(_ data: UnsafeBufferPointer<UInt8>) {
        guard let selector = data.first else { return }
        let payload = UnsafeBufferPointer(rebasing: data[1...])
        switch selector % 5 {
        case 0: tsv(payload)
        case 1: exchange(payload) { try TMXReader().read(path: path) { drafts in drafts.forEach(check) } }
        case 2: exchange(payload) { _ = try XLIFFReader().read(path: path) { _ in } }
        case 3: segment(payload, .ar)
        default: segment(payload, .en)
        }
    }

    static func write(_ payload: UnsafeBufferPointer<UInt8>) {
        FileManager.default.createFile(atPath: path, contents: Data(buffer: payload))
    }

    static func tsv(_ payload: UnsafeBufferPointer<UInt8>) {
        write(payload)
        _ = try? TSV.read(path: path, batchSize: 64) { drafts in drafts.forEach(check) }
    }

    static func exchange(_ payload: UnsafeBufferPointer<UInt8>, _ read: () throws -> Void) {
        write(payload)
        _ = try? read()
    }

    /// A unit a reader hands on: no NUL on either side (every reader downstream cuts text there).
    static func check(_ draft: UnitDraft) {
        precondition(!draft.source.utf8.contains(0) && !draft.target.utf8.contains(0), "a NUL reached a unit")
    }

    /// Segments cover their paragraphs' text in order, each where its offsets say.
    static func segment(_ payload: UnsafeBufferPointer<UInt8>, _ language: Language) {
        guard let text = try? TextDecoding.decode(Array(payload), name: "fuzz") else { return }
        if segmenters[language] == nil { segmenters[language] = try! Segmenter(language: language) }
        let scalars = Array(text.unicodeScalars)
        var last = 0
        for s in segmenters[language]!.segment(text) {
            precondition(s.start >= last && s.end >= s.start && s.end <= scalars.count, "segment offsets out of order")
            precondition(String(String.UnicodeScalarView(scalars[s.start..<s.end])) == s.text, "a segment's text is not at its offsets")
            last = s.end
        }
    }
}

#if FUZZING
import CFuzzerDriver

/// libFuzzer's entry for one input.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

/// SwiftPM names an executable's entry point itself and links it under this name: it hands
/// the command line to libFuzzer's driver.
@_cdecl("tarjama_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOne(data!, size) }
}
#else
/// `tarjama-fuzz FILE|FOLDER …`: runs saved inputs through the readers; exit 0 when none crashed.
@main
struct Replay {
    static func main() {
        var files: [String] = []
        for arg in CommandLine.arguments.dropFirst() {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: arg, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("tarjama-fuzz: no such file or folder: \(arg)\n".utf8))
                exit(2)
            }
            if isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: arg)) ?? []
                files += names.sorted().filter { !$0.hasPrefix(".") }.map { arg + "/" + $0 }
            } else {
                files.append(arg)
            }
        }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            [UInt8](data).withUnsafeBufferPointer { FuzzTarget.run($0) }
        }
        try? FileManager.default.removeItem(atPath: FuzzTarget.path)
        print("replayed \(files.count) inputs")
    }
}
#endif
