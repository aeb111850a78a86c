import TarjamaAlign
import Foundation
import TarjamaText

/// Runs the aligner on a gold set and scores it.
///
/// Two layouts are read: NTREX-style folders (`ar/NNN.txt`, `en/NNN.txt`, `gold/NNN.txt`) and
/// Text+Berg-style triples (`dev.de`, `dev.fr`, `dev.defr`), both one sentence per line with
/// `[src ids]:[tgt ids]` gold beads.
public struct AlignmentEvaluation: Sendable, Codable {
    public var set: String
    public var documents: Int
    public var sourceSentences: Int
    public var targetSentences: Int
    public var score: AlignmentScore
    /// Share of beads exactly right per confidence range.
    public var calibration: [AlignmentScore.CalibrationBin]
    public var seconds: Double

    /// Which documents of a set to score: tune on `dev`, report `heldOut`, never the other way.
    public enum Part: String, Sendable, Codable, CaseIterable {
        /// The first half of the documents (a single-document set: its first half, cut between beads).
        case dev
        /// The second half.
        case heldOut = "held-out"
        case all
    }

    public var part: Part = .all

    /// - Parameters:
    ///   - perDocument: align each document alone instead of the scored documents as one batch
    ///     (`Aligner.align(batch:)`, as `tarjama align --batch` does).
    ///   - inspect: called per document with its sentences, gold beads and ours.
    public static func run(directory: String, aligner: Aligner, part: Part = .all, perDocument: Bool = false,
                           inspect: ((_ source: [String], _ target: [String], _ gold: [Bead], _ test: [Bead]) -> Void)? = nil) throws -> AlignmentEvaluation {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: directory)
        var docs: [(src: [String], tgt: [String], gold: [Bead])] = []
        func lines(_ u: URL) throws -> [String] {
            let text = try String(contentsOf: u, encoding: .utf8)
            var l = text.components(separatedBy: "\n")
            if l.last == "" { l.removeLast() }
            return l
        }
        func gold(_ u: URL) throws -> [Bead] {
            try lines(u).enumerated().compactMap { (k, line) in
                if line.trimmingCharacters(in: .whitespaces).isEmpty { return nil }
                guard let b = Bead(goldLine: line) else {
                    throw AlignError.badGold(file: u.path, line: k + 1, text: line)
                }
                return b
            }
        }
        if fm.fileExists(atPath: url.appendingPathComponent("gold").path) {
            let names = try fm.contentsOfDirectory(atPath: url.appendingPathComponent("gold").path).filter { $0.hasSuffix(".txt") }.sorted()
            for name in names {
                docs.append((try lines(url.appendingPathComponent("ar/\(name)")), try lines(url.appendingPathComponent("en/\(name)")),
                             try gold(url.appendingPathComponent("gold/\(name)"))))
            }
            aligner.sourceLanguage = .ar
            aligner.targetLanguage = .en
        } else {
            let files = try fm.contentsOfDirectory(atPath: directory)
            guard let pair = files.first(where: { f in
                let ext = (f as NSString).pathExtension
                return ext.count == 4 && files.contains((f as NSString).deletingPathExtension + "." + ext.prefix(2))
            }) else {
                throw AlignError.badGold(file: directory, line: 0, text: "no ar/ en/ gold/ folders and no X.ab, X.a, X.b files")
            }
            let base = (pair as NSString).deletingPathExtension, ext = (pair as NSString).pathExtension
            docs.append((try lines(url.appendingPathComponent(base + "." + ext.prefix(2))),
                         try lines(url.appendingPathComponent(base + "." + ext.suffix(2))),
                         try gold(url.appendingPathComponent(pair))))
            aligner.sourceLanguage = .en
            aligner.targetLanguage = .en
        }
        if part != .all {
            if docs.count == 1 { docs = halves(docs[0]) }
            let cut = docs.count / 2
            docs = part == .dev ? Array(docs[..<cut]) : Array(docs[cut...])
        }
        let start = Date()
        let tests = perDocument ? docs.map { aligner.align(source: $0.src, target: $0.tgt) }
                                : aligner.align(batch: docs.map { (source: $0.src, target: $0.tgt) })
        let results = zip(docs, tests).map { (gold: $0.gold, test: $1) }
        let seconds = Date().timeIntervalSince(start)
        if let inspect { for (doc, r) in zip(docs, results) { inspect(doc.src, doc.tgt, r.gold, r.test) } }
        return AlignmentEvaluation(set: url.lastPathComponent, documents: docs.count,
                                   sourceSentences: docs.reduce(0) { $0 + $1.src.count },
                                   targetSentences: docs.reduce(0) { $0 + $1.tgt.count },
                                   score: AlignmentScore.score(results), calibration: AlignmentScore.calibration(results),
                                   seconds: seconds, part: part)
    }

    /// A document cut in two at the bead boundary nearest its middle, each half renumbered.
    static func halves(_ doc: (src: [String], tgt: [String], gold: [Bead])) -> [(src: [String], tgt: [String], gold: [Bead])] {
        let cut = doc.gold.count / 2
        let first = Array(doc.gold[..<cut]), second = Array(doc.gold[cut...])
        let s0 = first.flatMap(\.source).max().map { $0 + 1 } ?? 0, t0 = first.flatMap(\.target).max().map { $0 + 1 } ?? 0
        let renumbered = second.map { Bead(source: $0.source.map { $0 - s0 }, target: $0.target.map { $0 - t0 }) }
        return [(Array(doc.src[..<s0]), Array(doc.tgt[..<t0]), first), (Array(doc.src[s0...]), Array(doc.tgt[t0...]), renumbered)]
    }
}

extension AlignmentEvaluation {
    /// The pairs of a tab-separated file minus every pair whose Arabic or English side is a
    /// sentence of the gold set (`ar/`, `en/` folders), so a lexicon learned from them has not
    /// seen the evaluated documents.
    public static func heldOutPairs(tsv: String, excluding directory: String) throws -> (pairs: [(source: String, target: String)], removed: Int) {
        let fm = FileManager.default
        var seen = Set<String>()
        for side in ["ar", "en"] {
            let folder = URL(fileURLWithPath: directory).appendingPathComponent(side)
            for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".txt") {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                for line in text.split(separator: "\n") { seen.insert(line.trimmingCharacters(in: .whitespaces)) }
            }
        }
        var pairs: [(String, String)] = [], removed = 0
        let text = try String(contentsOfFile: tsv, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let p = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard p.count >= 2 else { continue }
            let s = p[0].trimmingCharacters(in: .whitespaces), t = p[1].trimmingCharacters(in: .whitespaces)
            if seen.contains(s) || seen.contains(t) { removed += 1; continue }
            pairs.append((s, t))
        }
        return (pairs, removed)
    }
}

public enum AlignError: Error, CustomStringConvertible {
    case badGold(file: String, line: Int, text: String)

    public var description: String {
        switch self {
        case .badGold(let f, let l, let t): return "\(f):\(l): not a bead line like [0]:[0, 1]: \(t)"
        }
    }
}
