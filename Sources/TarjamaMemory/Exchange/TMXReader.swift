import Foundation
import TarjamaText

/// Reads translation units from a TMX file (1.1 to 1.4), streaming, into drafts for one
/// language pair.
///
/// Tolerant where tools differ: `xml:lang` or the old `lang`, any case and region of a language
/// code (`ar`, `AR`, `ar-SA`, `ar_EG` are all Arabic), `srclang="*all*"`, UTF-8 with or without
/// a BOM and UTF-16. Inline codes (`bpt ept ph it ut x`, and `hi` around its text) become
/// placeholders `{1}`, `{/1}`, `{2/}` (`InlineCodes`), their markup kept in the unit's
/// `x-codes-source` / `x-codes-target` properties so that export writes them back as they came;
/// `g` and `mrk` keep their text. `prop` and `note`
/// of the unit and its variants are kept. Several target variants give several units (one
/// source may have several translations). Whatever is skipped or repaired is reported with the
/// line of the unit.
public struct TMXReader {
    public var sourceLanguage: String
    public var targetLanguage: String
    public var batchSize = 8_000
    /// Text bytes after which a batch goes out early, so a file of very long segments is still
    /// read in bounded memory (and a batch's byte arena stays far below its 2 GB offsets).
    public var batchBytes = UnitDraft.batchBytes
    /// Reads units whose `x-state` prop says they are unreviewed proposals (`needs-review…`,
    /// `new`); left out by default.
    public var includeUnreviewed = false

    public init(sourceLanguage: String = "ar", targetLanguage: String = "en") {
        self.sourceLanguage = sourceLanguage
        self.targetLanguage = targetLanguage
    }

    /// What reading found besides the units.
    public struct Outcome: Sendable {
        public var units = 0
        /// The first `ImportProblem.kept` of each, and how many there were in all.
        public var skipped: [ImportProblem] = []
        public var repaired: [ImportProblem] = []
        public var skippedCount = 0
        public var repairedCount = 0

        mutating func skip(_ line: Int, _ message: String) {
            skippedCount += 1
            if skipped.count < ImportProblem.kept { skipped.append(ImportProblem(line: line, message: message)) }
        }

        mutating func repair(_ line: Int, _ message: String) {
            repairedCount += 1
            if repaired.count < ImportProblem.kept { repaired.append(ImportProblem(line: line, message: message)) }
        }
        public var ignoredEntityDeclarations = 0
        public var languages: [String: Int] = [:]
        /// Units left out as unreviewed proposals.
        public var unreviewed = 0
    }

    /// The primary language subtag, lower-cased: `ar_EG` and `AR-sa` are `ar`.
    public static func primary(_ code: String) -> String {
        String(code.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? "")
    }

    /// A language code in BCP 47's usual case, its region kept: `ar_eg` → `ar-EG`, `EN-gb` →
    /// `en-GB`, `AR` → `ar`.
    public static func tag(_ code: String) -> String {
        let parts = code.split(whereSeparator: { $0 == "-" || $0 == "_" })
        guard let language = parts.first else { return code }
        return ([language.lowercased()] + parts.dropFirst().map { $0.count == 2 ? $0.uppercased() : String($0) }).joined(separator: "-")
    }

    /// Reads `path`, handing drafts to `body` in batches. Throws `MemoryError.badInput` with the
    /// line for a file that is not well-formed TMX; the caller's transaction then imports nothing.
    public func read(path: String, _ body: ([UnitDraft]) throws -> Void) throws -> Outcome {
        let input = try ByteInput(path: path)
        let parser = XMLPullParser(input: input)
        var outcome = Outcome()
        var currentTU = 0
        parser.repair = { line, message in outcome.repair(currentTU > 0 ? currentTU : line, message) }
        let origin = (path as NSString).lastPathComponent
        let wantSource = Self.primary(sourceLanguage), wantTarget = Self.primary(targetLanguage)

        var batch: [UnitDraft] = []
        var batchText = 0
        var openElements: [String] = []
        // The unit being read.
        var tuAttributes: [String: String] = [:]
        var tuProperties: [String: String] = [:], tuNotes: [String] = []
        var variants: [(lang: String, text: String, line: Int, codes: [String: String])] = []
        var variantLang = ""
        var seg = "", inSeg = false, codeDepth = 0, placeholder = 0
        // The markup of the codes of the segment being read, by placeholder.
        var codes: [String: String] = [:], raw = "", rawKey: String?
        var selfClosed: [Bool] = [], highlights: [String] = []
        var text = ""   // prop / note text being collected
        var propType: String?
        var sawTMX = false
        var writtenByTarjama = false

        func fail(_ line: Int, _ message: String) -> MemoryError {
            .badInput(file: path, line: line, message: message)
        }

        func finishUnit(line: Int) throws {
            let languages = variants.map { Self.primary($0.lang) }
            let sources = zip(variants, languages).filter { $0.1 == wantSource }.map(\.0)
            let targets = zip(variants, languages).filter { $0.1 == wantTarget }.map(\.0)
            for l in languages { outcome.languages[l, default: 0] += 1 }
            guard let source = sources.first else {
                outcome.skip(line, "no \(wantSource) variant (languages: \(variants.map(\.lang).joined(separator: ", ")))")
                return
            }
            if sources.count > 1 {
                outcome.repair(line, "\(sources.count) \(wantSource) variants; the first kept as source")
            }
            guard !targets.isEmpty else {
                outcome.skip(line, "no \(wantTarget) variant (languages: \(variants.map(\.lang).joined(separator: ", ")))")
                return
            }
            let s = source.text.trimmingWhitespace()
            guard !s.isEmpty else {
                outcome.skip(line, "empty \(wantSource) segment")
                return
            }
            var props = tuProperties
            if !source.codes.isEmpty { props["x-codes-source"] = JSONText.object(source.codes) }
            if let state = props["x-state"]?.lowercased(), state.hasPrefix("needs-") || state == "new" {
                guard includeUnreviewed else { outcome.unreviewed += 1; return }
            } else {
                props["x-state"] = nil
            }
            if let id = tuAttributes["tuid"] { props["tuid"] = id }
            // What Tarjama's own export carries as x- properties goes back into its fields.
            // A Tarjama export says where each unit came from; anything else came from this file.
            let unitOrigin = props.removeValue(forKey: "x-origin") ?? (writtenByTarjama ? nil : origin)
            let position = props.removeValue(forKey: "x-position").flatMap { Int($0) } ?? (writtenByTarjama ? nil : line)
            let confidence = props.removeValue(forKey: "x-alignment-confidence").flatMap { Double($0) }
            let previousHash = props.removeValue(forKey: "x-context-prev").flatMap { Int64($0) }
            let nextHash = props.removeValue(forKey: "x-context-next").flatMap { Int64($0) }
            // OmegaT's context props: the neighbouring segments' text (context matches).
            let previousText = props.removeValue(forKey: "prev"), nextText = props.removeValue(forKey: "next")
            for t in targets {
                let target = t.text.trimmingWhitespace()
                guard !target.isEmpty else {
                    outcome.skip(t.line, "empty \(wantTarget) segment")
                    continue
                }
                var unitProps = props
                if !t.codes.isEmpty { unitProps["x-codes-target"] = JSONText.object(t.codes) }
                var draft = UnitDraft(
                    source: s, target: target, sourceLanguage: Self.tag(source.lang), targetLanguage: Self.tag(t.lang),
                    origin: unitOrigin, position: position, confidence: confidence,
                    createdAt: tuAttributes["creationdate"].flatMap { Self.date($0, line: line, &outcome) },
                    changedAt: tuAttributes["changedate"].flatMap { Self.date($0, line: line, &outcome) },
                    createdBy: tuAttributes["creationid"], changedBy: tuAttributes["changeid"],
                    usageCount: tuAttributes["usagecount"].flatMap { Int($0) } ?? 0,
                    properties: unitProps, notes: tuNotes)
                draft.previousHash = previousHash
                draft.nextHash = nextHash
                if previousHash == nil { draft.previousSource = previousText }
                if nextHash == nil { draft.nextSource = nextText }
                batchText += draft.source.utf8.count + draft.target.utf8.count
                batch.append(draft)
                outcome.units += 1
            }
            if batch.count >= batchSize || batchText >= batchBytes {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
                batchText = 0
            }
        }

        do {
            while let event = try parser.next() {
                switch event {
                case .start(let name, let attributes, let selfClosing):
                    let parent = openElements.last
                    openElements.append(name)
                    if inSeg {
                        let tag = Self.startTag(name, attributes, selfClosing: selfClosing)
                        selfClosed.append(selfClosing)
                        if codeDepth > 0 {
                            raw += tag   // markup inside a code (sub): part of the code
                            codeDepth += 1
                            continue
                        }
                        var key: String?
                        switch name {
                        case "bpt":
                            placeholder += 1; key = "{\(attributes["i"] ?? String(placeholder))}"
                        case "ept":
                            key = "{/\(attributes["i"] ?? String(placeholder))}"
                        case "ph", "it", "ut", "x":
                            placeholder += 1; key = "{\(attributes["x"] ?? String(placeholder))/}"
                        case "hi":
                            // A highlight wraps text: its tags become a pair around it.
                            placeholder += 1
                            let id = "h\(placeholder)"
                            highlights.append(id)
                            seg += "{\(id)}"
                            codes["{\(id)}"] = tag
                        default:
                            break   // g, mrk: their text is the segment's text
                        }
                        if let key {
                            seg += key
                            codeDepth = 1
                            raw = tag
                            rawKey = key
                        }
                        continue
                    }
                    switch name {
                    case "tmx":
                        sawTMX = true
                    case "header":
                        writtenByTarjama = attributes["creationtool"] == "Tarjama"
                    case "tu":
                        guard parent == "body" else { break }
                        currentTU = parser.line
                        tuAttributes = attributes; tuProperties = [:]; tuNotes = []; variants = []
                    case "tuv":
                        variantLang = attributes["xml:lang"] ?? attributes["lang"] ?? ""
                        if variantLang.isEmpty {
                            outcome.repair(parser.line, "<tuv> without xml:lang or lang; variant ignored")
                        }
                    case "seg":
                        inSeg = true; seg = ""; codeDepth = 0; placeholder = 0
                        codes = [:]; rawKey = nil; selfClosed = []; highlights = []
                    case "prop":
                        propType = attributes["type"] ?? "x-prop"; text = ""
                    case "note":
                        text = ""
                    default:
                        break
                    }
                    if !sawTMX { throw fail(parser.line, "not a TMX file: the root element is <\(name)>, not <tmx>") }
                case .text(let t):
                    if inSeg {
                        if codeDepth == 0 { seg += t } else { raw += TMXWriter.escape(t) }
                    } else if openElements.last == "prop" || openElements.last == "note" {
                        text += t
                    }
                case .end(let name):
                    openElements.removeLast()
                    if inSeg && name != "seg" {
                        let wasSelfClosing = selfClosed.popLast() ?? false
                        if codeDepth > 0 {
                            if !wasSelfClosing { raw += "</\(name)>" }
                            codeDepth -= 1
                            if codeDepth == 0, let key = rawKey {
                                codes[key] = raw
                                rawKey = nil
                            }
                        } else if name == "hi", let id = highlights.popLast() {
                            seg += "{/\(id)}"
                            codes["{/\(id)}"] = "</hi>"
                        }
                        continue
                    }
                    switch name {
                    case "seg":
                        inSeg = false
                        if !variantLang.isEmpty { variants.append((variantLang, seg, parser.line, codes)) }
                    case "tuv":
                        variantLang = ""
                    case "prop":
                        // Unit props and variant props both describe the unit here.
                        if openElements.contains("tu"), let type = propType { tuProperties[type] = text }
                        propType = nil
                    case "note":
                        if openElements.contains("tu") { tuNotes.append(text) }
                    case "tu":
                        if openElements.last == "body" { try finishUnit(line: currentTU) }
                        currentTU = 0
                    default:
                        break
                    }
                }
            }
        } catch let e as XMLError {
            throw fail(e.line, e.message)
        }
        if !sawTMX { throw fail(1, "not a TMX file: no <tmx> element") }
        if !batch.isEmpty { try body(batch) }
        outcome.ignoredEntityDeclarations = parser.ignoredEntityDeclarations
        return outcome
    }

    /// An element's start tag as markup (attributes in name order, values escaped).
    static func startTag(_ name: String, _ attributes: [String: String], selfClosing: Bool) -> String {
        var tag = "<" + name
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { tag += " \(k)=\"\(TMXWriter.escape(v))\"" }
        return tag + (selfClosing ? "/>" : ">")
    }

    /// `YYYYMMDDThhmmssZ` (TMX's only date form); nil and a repair note otherwise.
    static func date(_ s: String, line: Int, _ outcome: inout Outcome) -> Date? {
        let u = Array(s.utf8)
        func number(_ r: Range<Int>) -> Int? {
            var v = 0
            for k in r { guard u[k] >= 0x30 && u[k] <= 0x39 else { return nil }; v = v * 10 + Int(u[k] - 0x30) }
            return v
        }
        guard u.count == 16, u[8] == 0x54, u[15] == 0x5A, let y = number(0..<4), let mo = number(4..<6), let d = number(6..<8),
              let h = number(9..<11), let mi = number(11..<13), let se = number(13..<15) else {
            outcome.repair(line, "date '\(s)' is not YYYYMMDDThhmmssZ; ignored")
            return nil
        }
        var c = DateComponents()
        c.year = y; c.month = mo; c.day = d; c.hour = h; c.minute = mi; c.second = se
        c.timeZone = TimeZone(identifier: "UTC")
        return Calendar(identifier: .gregorian).date(from: c)
    }
}
