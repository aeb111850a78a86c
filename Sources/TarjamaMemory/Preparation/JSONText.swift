import Foundation

/// The JSON of a unit's properties (keys sorted, so the same properties give the same text) and
/// notes, written directly: a `JSONEncoder` per unit was 3% of a TMX import.
package enum JSONText {
    /// Properties read back from their stored text (most units have none: `{}`).
    package static func properties(_ text: String?) -> [String: String] {
        decoded(text, empty: "{}") ?? [:]
    }

    /// Notes read back from their stored text (most units have none: `[]`).
    package static func notes(_ text: String?) -> [String] {
        decoded(text, empty: "[]") ?? []
    }

    private static func decoded<T: Decodable>(_ text: String?, empty: String) -> T? {
        guard let text, text != empty else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    package static func object(_ d: [String: String]) -> String {
        guard !d.isEmpty else { return "{}" }
        var out = "{"
        for (k, key) in d.keys.sorted().enumerated() {
            if k > 0 { out += "," }
            quote(key, into: &out)
            out += ":"
            quote(d[key]!, into: &out)
        }
        return out + "}"
    }

    package static func array(_ a: [String]) -> String {
        guard !a.isEmpty else { return "[]" }
        var out = "["
        for (k, s) in a.enumerated() {
            if k > 0 { out += "," }
            quote(s, into: &out)
        }
        return out + "]"
    }

    package static func quote(_ s: String, into out: inout String) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where c.value < 0x20:
                out += "\\u00" + String(c.value >> 4, radix: 16) + String(c.value & 0xF, radix: 16)
            default: out.unicodeScalars.append(c)
            }
        }
        out += "\""
    }
}
