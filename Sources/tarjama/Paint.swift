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

    /// Arabic (or any right-to-left run) isolated from the text around it on a terminal (FSI …
    /// PDI), so a line that mixes scripts keeps its order; plain output stays as it is.
    func isolate(_ s: String) -> String { enabled ? "\u{2068}\(s)\u{2069}" : s }

    /// The stored source as written (its own spacing, punctuation and codes), with what the
    /// query changes marked: {-stored-}{+query+} when plain, strike/green when coloured. The
    /// diff is computed on tokens and drawn on the text: each stored token is found in order in
    /// `source`, and what lies between is copied as it stands.
    func diff(_ spans: [DiffSpan], on source: String) -> String {
        var out = ""
        var at = source.startIndex
        for s in spans {
            if let stored = s.stored, let found = source.range(of: stored, range: at..<source.endIndex) {
                out += String(source[at..<found.lowerBound])
                at = found.upperBound
                switch s.op {
                case .equal: out += stored
                case .delete: out += enabled ? red(stored) : "{-\(stored)-}"
                case .substitute: out += enabled ? red(stored) + green(s.query ?? "") : "{-\(stored)-}{+\(s.query ?? "")+}"
                case .insert: break
                }
            } else if s.op == .insert, let query = s.query {
                // Where the query has a word the stored text lacks: at this point of the text.
                if let last = out.last, !last.isWhitespace, !s.joinsPrevious { out += " " }
                out += enabled ? green(query) : "{+\(query)+}"
            } else {
                return diff(spans)   // a token the text does not hold as such: drawn from tokens
            }
        }
        return out + String(source[at...])
    }

    /// The diff drawn from the tokens alone, spaced by their kinds.
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
