import Foundation
import TarjamaCommandSupport
import TarjamaMatch

/// ANSI colours for a terminal; plain text otherwise.
struct Paint {
    let enabled: Bool

    func bold(_ s: String) -> String { enabled ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    func dim(_ s: String) -> String { enabled ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
    func red(_ s: String) -> String { enabled ? "\u{1B}[31;9m\(s)\u{1B}[0m" : s }
    func green(_ s: String) -> String { enabled ? "\u{1B}[32;1m\(s)\u{1B}[0m" : s }
    func highlight(_ s: String) -> String { enabled ? "\u{1B}[43;30m\(s)\u{1B}[0m" : "[\(s)]" }

    func mark(_ phrase: String, in text: String) -> String {
        Highlight.pieces(of: text, phrase: phrase).map { $0.hit ? highlight($0.text) : $0.text }.joined()
    }

    /// The stored source as the translator reads it, with what the query changes marked:
    /// {-stored-}{+query+} when plain, strike/green when coloured.
    func diff(_ spans: [DiffSpan]) -> String {
        var out = ""
        for s in spans {
            if !out.isEmpty && !s.joinsPrevious { out += " " }
            switch s.op {
            case .equal: out += s.stored ?? ""
            case .delete: out += enabled ? red(s.stored ?? "") : "{-\(s.stored ?? "")-}"
            case .insert: out += enabled ? green(s.query ?? "") : "{+\(s.query ?? "")+}"
            case .substitute:
                out += enabled ? red(s.stored ?? "") + green(s.query ?? "") : "{-\(s.stored ?? "")-}{+\(s.query ?? "")+}"
            }
        }
        return out
    }
}
