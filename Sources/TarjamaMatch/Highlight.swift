import TarjamaText

/// Where a phrase occurs in a text, compared on matching keys (so `الرئيس` finds `الرَّئِيسُ`).
///
/// ```swift
/// Highlight.pieces(of: "زار الرَّئِيسُ بكين", phrase: "الرئيس")
/// // [("زار ", false), ("الرَّئِيسُ", true), (" بكين", false)]
/// ```
public enum Highlight {
    public static func pieces(of text: String, phrase: String) -> [(text: String, hit: Bool)] {
        // Proclitics split, as the concordance matches them: `الرئيس` is marked inside `والرئيس`.
        let tokenizer = Tokenizer(splitProclitics: true)
        let want = tokenizer.tokenize(phrase).map { Normalizer.matchingKey.normalize($0.text) }
        let bytes = Array(text.utf8)
        let tokens = tokenizer.tokenize(utf8: bytes)
        let keys = tokens.map { Normalizer.matchingKey.normalize($0.text) }
        guard !want.isEmpty, tokens.count >= want.count else { return [(text, false)] }
        var pieces: [(String, Bool)] = []
        var cursor = 0
        var i = 0
        while i + want.count <= tokens.count {
            if Array(keys[i..<(i + want.count)]) == want {
                let start = tokens[i].range.lowerBound, end = tokens[i + want.count - 1].range.upperBound
                if start > cursor { pieces.append((String(decoding: bytes[cursor..<start], as: UTF8.self), false)) }
                pieces.append((String(decoding: bytes[start..<end], as: UTF8.self), true))
                cursor = end
                i += want.count
            } else {
                i += 1
            }
        }
        if cursor < bytes.count { pieces.append((String(decoding: bytes[cursor...], as: UTF8.self), false)) }
        return pieces
    }
}
