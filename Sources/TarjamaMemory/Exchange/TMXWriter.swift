import Foundation
import TarjamaText

/// Writes TMX 1.4 that validates against the TMX 1.4 DTD, streaming one unit at a time.
///
/// Every required header attribute is set, every `tuv` has `xml:lang`, dates are
/// `YYYYMMDDThhmmssZ`, text is escaped and characters XML 1.0 forbids are dropped.
/// ```swift
/// let writer = TMXWriter(sourceLanguage: "ar") { print($0, terminator: "") }
/// writer.begin(); writer.write(unit); writer.end()
/// ```
public final class TMXWriter {
    private let emit: (String) throws -> Void
    private let sourceLanguage: String
    private let toolVersion: String

    public init(sourceLanguage: String, toolVersion: String = "0.1.0", emit: @escaping (String) throws -> Void) {
        self.sourceLanguage = sourceLanguage
        self.toolVersion = toolVersion
        self.emit = emit
    }

    public func begin() throws {
        try emit("""
            <?xml version="1.0" encoding="UTF-8"?>
            <tmx version="1.4">
              <header creationtool="Tarjama" creationtoolversion="\(Self.escape(toolVersion))" segtype="sentence" \
            o-tmf="Tarjama SQLite" adminlang="en" srclang="\(Self.escape(sourceLanguage))" datatype="plaintext" \
            creationdate="\(Self.date(Date()))"/>
              <body>

            """)
    }

    /// Writes one unit; `previous` and `next` are its neighbours' sources in its article, written
    /// as OmegaT's `prev` and `next` props (context matches).
    public func write(_ unit: TranslationUnit, previous: String? = nil, next: String? = nil) throws {
        var props = unit.properties
        if let previous { props["prev"] = previous }
        if let next { props["next"] = next }
        var xml = "    <tu"
        if let tuid = props.removeValue(forKey: "tuid") { xml += " tuid=\"\(Self.escape(tuid))\"" }
        xml += " creationdate=\"\(Self.date(unit.createdAt))\" changedate=\"\(Self.date(unit.changedAt))\""
        if let by = unit.createdBy { xml += " creationid=\"\(Self.escape(by))\"" }
        if let by = unit.changedBy { xml += " changeid=\"\(Self.escape(by))\"" }
        xml += " usagecount=\"\(unit.usageCount)\">\n"
        // The DTD orders note and prop before tuv.
        for note in unit.notes { xml += "      <note>\(Self.escape(note))</note>\n" }
        if let origin = unit.origin { props["x-origin"] = origin }
        if let position = unit.position { props["x-position"] = String(position) }
        if let confidence = unit.confidence { props["x-alignment-confidence"] = String(format: "%.3f", confidence) }
        if unit.occurrences > 1 { props["x-occurrences"] = String(unit.occurrences) }
        // Context (101%) matches survive a round trip through TMX.
        if let h = unit.previousHash { props["x-context-prev"] = String(h) }
        if let h = unit.nextHash { props["x-context-next"] = String(h) }
        // Inline codes go back into the segments, not into props.
        let sourceCodes = JSONText.properties(props.removeValue(forKey: "x-codes-source"))
        let targetCodes = JSONText.properties(props.removeValue(forKey: "x-codes-target"))
        for (type, value) in props.sorted(by: { $0.key < $1.key }) {
            xml += "      <prop type=\"\(Self.escape(type))\">\(Self.escape(value))</prop>\n"
        }
        xml += "      <tuv xml:lang=\"\(Self.escape(unit.sourceLanguage))\"><seg>\(Self.segment(unit.source, codes: sourceCodes))</seg></tuv>\n"
        xml += "      <tuv xml:lang=\"\(Self.escape(unit.targetLanguage))\"><seg>\(Self.segment(unit.target, codes: targetCodes))</seg></tuv>\n"
        xml += "    </tu>\n"
        try emit(xml)
    }

    public func end() throws {
        try emit("  </body>\n</tmx>\n")
    }

    /// A segment's text escaped, its placeholders written as the markup they stood for (a
    /// placeholder without markup stays text).
    static func segment(_ text: String, codes: [String: String]) -> String {
        guard !codes.isEmpty else { return escape(text) }
        let bytes = Array(text.utf8)
        var out = "", at = 0
        for p in InlineCodes.placeholders(in: text) {
            guard let markup = codes[p.text] else { continue }
            out += escape(String(decoding: bytes[at..<p.range.lowerBound], as: UTF8.self)) + markup
            at = p.range.upperBound
        }
        return out + escape(String(decoding: bytes[at...], as: UTF8.self))
    }

    /// TMX dates: `YYYYMMDDThhmmssZ` in UTC.
    public static func date(_ d: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: d)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// Escapes markup characters and drops characters XML 1.0 does not allow.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                let v = u.value
                if v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v)
                    || (0x10000...0x10FFFF).contains(v) {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }
}
