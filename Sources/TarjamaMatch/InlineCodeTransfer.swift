import TarjamaText

/// Puts the query's inline codes into a proposed target: the stored pair's codes stand where
/// the stored target has them, renamed to the query's by their order in the sources; a query
/// without codes gets a target without them. Codes the target cannot place are a warning.
enum InlineCodeTransfer {
    /// Rewrites `target`; returns the penalty detail when the codes differ, and a warning when
    /// the query's codes could not be placed.
    static func apply(query: String, storedSource: String, target: inout String) -> (penalty: String?, warning: String?) {
        let q = InlineCodes.placeholders(in: query), s = InlineCodes.placeholders(in: storedSource)
        guard !q.isEmpty || !s.isEmpty else { return (nil, nil) }
        let shape = { (codes: [InlineCodes.Placeholder]) in codes.map(\.kind) }
        let same = q.map(\.text) == s.map(\.text)
        let detail = same ? nil : "codes \(s.isEmpty ? "none" : s.map(\.text).joined()) stored, \(q.isEmpty ? "none" : q.map(\.text).joined()) asked"
        if same { return (nil, nil) }
        if q.isEmpty {
            target = InlineCodes.stripped(target)
            return (detail, nil)
        }
        guard shape(q) == shape(s) else {
            return (detail, "the query's codes \(q.map(\.text).joined(separator: " ")) are not placed in the target; place them by hand")
        }
        // The n-th code of the stored source is the n-th of the query: rename by id.
        var renamed: [String: String] = [:]
        for (a, b) in zip(s, q) { renamed[a.id] = b.id }
        let bytes = Array(target.utf8)
        var out = "", at = 0
        for p in InlineCodes.placeholders(in: target) {
            out += String(decoding: bytes[at..<p.range.lowerBound], as: UTF8.self)
            out += InlineCodes.Placeholder(range: p.range, id: renamed[p.id] ?? p.id, kind: p.kind).text
            at = p.range.upperBound
        }
        target = out + String(decoding: bytes[at...], as: UTF8.self)
        return (detail, nil)
    }
}
