import Foundation
import TarjamaText

/// One segment of an XLIFF file as a CAT tool left it: source, target, and what the file says
/// about who translated it.
public struct XLIFFUnit: Sendable, Equatable {
    /// The unit's id (`trans-unit`/`unit` id; `#mid` added for a segment of a segmented unit).
    public var id: String
    public var source: String
    /// The target as written; empty when the unit is untranslated.
    public var target: String
    /// `target@state` (1.2) or `segment@state` (2.0), lower-cased; nil when the file gives none.
    public var state: String?
    /// `approved="yes"` (1.2).
    public var approved = false
    /// False for `translate="no"` (boilerplate, locked units).
    public var translatable = true
    /// The segment kind from `restype` (`x-headline` → `headline`), when given.
    public var kind: String?
    /// The paragraph the segment belongs to, numbered in file order (a `group` in 1.2, a
    /// `unit` in 2.0; a unit outside any group is a paragraph of its own).
    public var paragraph: Int
    /// `file@original`: the article the unit comes from.
    public var file: String
    public var sourceLanguage: String
    public var targetLanguage: String
    /// Set by Tarjama's pre-translation (in `extradata`): the memory unit the proposal came
    /// from, its match kind (context, exact, fuzzy) and a hash of the proposed target.
    public var matchedUnit: Int64?
    public var matchKind: String?
    public var proposed: Int64?
    /// Line of the unit in the file, for messages.
    public var line: Int
    /// The markup each placeholder of the source and of the target stands for, as TMX inline
    /// codes (`g` → `bpt`/`ept`, `x` → `ph` …), for the memory to write back on export.
    public var sourceCodes: [String: String] = [:]
    public var targetCodes: [String: String] = [:]

    /// A person changed the target Tarjama proposed.
    public var edited: Bool {
        guard let proposed else { return false }
        return XLIFFUnit.fingerprint(target) != proposed
    }

    /// A person translated, reviewed or approved this target: an edited proposal, an approved
    /// unit, or a state that says so (`translated`, `final`, `signed-off`; 2.0 `reviewed`).
    /// A file without states (a plain translated XLIFF) counts as translated.
    public var reviewed: Bool {
        guard translatable, !target.isEmpty else { return false }
        if edited || approved { return true }
        guard let state else { return true }
        return ["translated", "final", "signed-off", "reviewed"].contains(state)
    }

    /// The hash Tarjama writes as a proposal's fingerprint (whitespace at the ends ignored).
    public static func fingerprint(_ target: String) -> Int64 {
        SegmentKey.hash(target.trimmingWhitespace())
    }
}

/// Reads XLIFF 1.2 and 2.0 (ours and other tools': OmegaT, Okapi, translate-toolkit, memoQ and
/// Trados write them), streaming, a segment at a time.
///
/// Segmented units (`seg-source` with `mrk mtype="seg"`) give one segment per `mrk`; `alt-trans`
/// (earlier proposals) is skipped. Inline codes become placeholders as in TMX: `g`/`pc` wrap their
/// text in `{id}` … `{/id}`, `x`/`ph`/`bx`/`ex`/`bpt`/`ept`/`it`/`sc`/`ec` become `{id/}`, `{id}`
/// or `{/id}` (native code dropped). External entities are never fetched (`XMLPullParser`).
public struct XLIFFReader {
    public init() {}

    /// Reads `path`, handing each segment to `body` in file order. Throws `MemoryError.badInput`
    /// with the line for a file that is not well-formed XLIFF.
    @discardableResult
    public func read(path: String, _ body: (XLIFFUnit) throws -> Void) throws -> (units: Int, version: String) {
        let input = try ByteInput(path: path)
        let parser = XMLPullParser(input: input)
        func fail(_ line: Int, _ message: String) -> MemoryError { .badInput(file: path, line: line, message: message) }

        var version = "", sawRoot = false
        var fileName = (path as NSString).lastPathComponent, sourceLanguage = "", targetLanguage = ""
        var paragraph = 0, groups: [Int] = []
        var count = 0
        // The unit being read.
        var unitAttributes: [String: String] = [:], unitLine = 0, inUnit = false
        var unitParagraph = 0
        var altTrans = 0
        // The text container being read: "source", "seg-source" or "target", and its codes.
        var container: String?
        var text = "", codeDepth = 0
        var paired: [String] = []   // ids of the open g / pc codes
        // The container's codes as TMX markup, and the code whose native text is being read.
        var codes: [String: String] = [:], sourceCodes: [String: String] = [:], targetCodes: [String: String]?
        var native: (key: String, element: String, attributes: String)?, nativeText = ""
        var segmentMID: String?
        var sourceText = "", targetText: String?, targetState: String?
        var sourceSegments: [(mid: String, text: String)] = [], targetSegments: [String: String] = [:]
        // 2.0: segments of the current unit.
        var segmentState: String?
        var segments20: [(source: String, target: String, state: String?, sourceCodes: [String: String], targetCodes: [String: String])] = []

        func local(_ name: String) -> String {
            guard let colon = name.lastIndex(of: ":") else { return name }
            return String(name[name.index(after: colon)...])
        }

        func emit(id: String, source: String, target: String?, state: String?,
                  sourceCodes: [String: String], targetCodes: [String: String]) throws {
            let s = source.trimmingWhitespace()
            guard !s.isEmpty else { return }
            var u = XLIFFUnit(id: id, source: s, target: (target ?? "").trimmingWhitespace(), state: state?.lowercased(),
                              paragraph: unitParagraph, file: fileName, sourceLanguage: sourceLanguage,
                              targetLanguage: targetLanguage, line: unitLine)
            u.sourceCodes = sourceCodes
            u.targetCodes = targetCodes
            u.approved = unitAttributes["approved"]?.lowercased() == "yes"
            u.translatable = unitAttributes["translate"]?.lowercased() != "no"
            if let r = unitAttributes["restype"] { u.kind = r.hasPrefix("x-") ? String(r.dropFirst(2)) : r }
            if let extra = unitAttributes["extradata"], extra.hasPrefix("tarjama ") {
                // Tarjama's record of its proposal: "tarjama unit=42 match=exact proposed=HASH".
                var fields: [Substring: Substring] = [:]
                for field in extra.split(separator: " ").dropFirst() {
                    let kv = field.split(separator: "=", maxSplits: 1)
                    if kv.count == 2 { fields[kv[0]] = kv[1] }
                }
                u.matchedUnit = fields["unit"].flatMap { Int64($0) }
                u.matchKind = fields["match"].map(String.init)
                u.proposed = fields["proposed"].flatMap { Int64($0) }
            }
            count += 1
            try body(u)
        }

        /// A code's placeholder, and its TMX markup: now for an empty code, when its native
        /// text has been read otherwise.
        func code(_ key: String, _ element: String, _ attributes: String, selfClosing: Bool) {
            text += key
            if selfClosing {
                codes[key] = "<\(element) \(attributes)/>"
            } else {
                codeDepth += 1
                native = (key, element, attributes)
                nativeText = ""
            }
        }

        func startCode(_ name: String, _ a: [String: String], selfClosing: Bool) {
            let id = a["id"] ?? a["rid"] ?? String(codeDepth + 1)
            let e = TMXWriter.escape
            switch name {
            case "g", "pc":
                text += "{\(id)}"
                codes["{\(id)}"] = "<bpt i=\"\(e(id))\"/>"
                codes["{/\(id)}"] = "<ept i=\"\(e(id))\"/>"
                if selfClosing { text += "{/\(id)}" } else { paired.append(id) }
            case "x", "ph":
                code("{\(id)/}", "ph", "x=\"\(e(id))\"", selfClosing: selfClosing)
            case "bx", "bpt", "sc":
                code("{\(id)}", "bpt", "i=\"\(e(id))\"", selfClosing: selfClosing)
            case "ex", "ept", "ec":
                let rid = a["rid"] ?? a["startRef"] ?? id
                code("{/\(rid)}", "ept", "i=\"\(e(rid))\"", selfClosing: selfClosing)
            case "it":
                code("{\(id)/}", "it", "pos=\"\(a["pos"] == "close" ? "end" : "begin")\"", selfClosing: selfClosing)
            case "sub":
                if !selfClosing { codeDepth += 1 }
            default:
                break   // mrk, sm, em: their text is the segment's
            }
        }

        do {
            while let event = try parser.next() {
                switch event {
                case .start(let qualified, let a, let selfClosing):
                    let name = local(qualified)
                    if !sawRoot {
                        guard name == "xliff" else { throw fail(parser.line, "not an XLIFF file: the root element is <\(qualified)>, not <xliff>") }
                        sawRoot = true
                        version = a["version"] ?? "1.2"
                        sourceLanguage = a["srcLang"] ?? ""
                        targetLanguage = a["trgLang"] ?? ""
                        continue
                    }
                    if altTrans > 0 {
                        if name == "alt-trans" { altTrans += 1 }
                        continue
                    }
                    if container != nil {
                        if name == "mrk", a["mtype"] == "seg", container != "source" {
                            segmentMID = a["mid"] ?? String(sourceSegments.count + 1)
                            text = ""
                        } else if codeDepth == 0 {
                            startCode(name, a, selfClosing: selfClosing)
                        } else if !selfClosing {
                            codeDepth += 1
                        }
                        continue
                    }
                    switch name {
                    case "file":
                        fileName = a["original"] ?? fileName
                        if let l = a["source-language"] { sourceLanguage = l }
                        if let l = a["target-language"] { targetLanguage = l }
                    case "group":
                        paragraph += 1
                        groups.append(paragraph)
                        if selfClosing { groups.removeLast() }
                    case "trans-unit", "unit":
                        inUnit = true
                        unitAttributes = a
                        unitLine = parser.line
                        if let id = a["id"] { unitAttributes["id"] = id }
                        if let group = groups.last, name == "trans-unit" {
                            unitParagraph = group
                        } else {
                            paragraph += 1
                            unitParagraph = paragraph
                        }
                        sourceText = ""; targetText = nil; targetState = nil
                        sourceSegments = []; targetSegments = [:]; segments20 = []
                        sourceCodes = [:]; targetCodes = nil
                    case "alt-trans":
                        altTrans = 1
                    case "segment":
                        segmentState = a["state"]
                        sourceText = ""; targetText = nil
                        sourceCodes = [:]; targetCodes = nil
                    case "source", "seg-source", "target":
                        guard inUnit else { break }
                        container = name
                        text = ""; codeDepth = 0; segmentMID = nil; paired = []; codes = [:]; native = nil
                        if name == "target" { targetState = a["state"] }
                        if selfClosing {
                            container = nil
                            if name == "target" { targetText = "" }
                        }
                    default:
                        break
                    }
                case .text(let t):
                    guard container != nil && altTrans == 0 else { break }
                    if codeDepth == 0 { text += t } else if native != nil { nativeText += t }
                case .end(let qualified):
                    let name = local(qualified)
                    if altTrans > 0 {
                        if name == "alt-trans" { altTrans -= 1 }
                        continue
                    }
                    if let c = container {
                        if name == c && codeDepth == 0 {
                            switch c {
                            case "source": sourceText = text; sourceCodes.merge(codes) { a, _ in a }
                            case "seg-source": sourceCodes.merge(codes) { a, _ in a }
                            case "target": targetText = text; targetCodes = codes
                            default: break
                            }
                            container = nil
                        } else if name == "mrk", let mid = segmentMID {
                            if c == "seg-source" { sourceSegments.append((mid, text)) } else { targetSegments[mid] = text }
                            segmentMID = nil
                            text = ""
                        } else if codeDepth > 0 && ["x", "bx", "ex", "ph", "bpt", "ept", "it", "sc", "ec", "sub"].contains(name) {
                            codeDepth -= 1
                            if codeDepth == 0, let n = native {
                                codes[n.key] = "<\(n.element) \(n.attributes)>\(TMXWriter.escape(nativeText))</\(n.element)>"
                                native = nil
                            }
                        } else if codeDepth == 0 && (name == "g" || name == "pc"), let id = paired.popLast() {
                            text += "{/\(id)}"   // the end tag carries no id
                        }
                        continue
                    }
                    switch name {
                    case "segment":
                        segments20.append((sourceText, targetText ?? "", segmentState, sourceCodes, targetCodes ?? [:]))
                    case "trans-unit":
                        let id = unitAttributes["id"] ?? String(count + 1)
                        if !sourceSegments.isEmpty {
                            for (mid, source) in sourceSegments {
                                try emit(id: "\(id)#\(mid)", source: source, target: targetSegments[mid], state: targetState,
                                         sourceCodes: sourceCodes, targetCodes: targetCodes ?? [:])
                            }
                        } else {
                            try emit(id: id, source: sourceText, target: targetText, state: targetState,
                                     sourceCodes: sourceCodes, targetCodes: targetCodes ?? [:])
                        }
                        inUnit = false
                    case "unit":
                        let id = unitAttributes["id"] ?? String(count + 1)
                        for (k, s) in segments20.enumerated() {
                            try emit(id: segments20.count == 1 ? id : "\(id)#\(k + 1)", source: s.source, target: s.target, state: s.state,
                                     sourceCodes: s.sourceCodes, targetCodes: s.targetCodes)
                        }
                        inUnit = false
                    case "group":
                        if !groups.isEmpty { groups.removeLast() }
                    default:
                        break
                    }
                }
            }
        } catch let e as XMLError {
            throw fail(e.line, e.message)
        }
        if !sawRoot { throw fail(1, "not an XLIFF file: no <xliff> element") }
        return (count, version)
    }
}
