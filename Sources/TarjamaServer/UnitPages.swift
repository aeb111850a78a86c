import Foundation
import Hummingbird
import NIOCore
import TarjamaMemory

/// `GET /units`: the memory's units a page at a time, filtered by origin (a trailing `*` is a
/// prefix), author, date and confidence, each with its provenance; a target can be corrected
/// (history kept) or a unit deleted with a write key. Forms work without JavaScript; a little
/// script remembers the key for the browser tab.
struct UnitPages {
    let server: DeskServer

    /// Units shown on one page, and units read at most to fill it (a narrow filter on a large
    /// memory shows what it found and links to the rest).
    static let pageSize = 50
    static let scanLimit = 20_000

    func add(to router: Router<BasicRequestContext>) {
        router.get("units") { request, _ in try await list(request) }
        router.post("units/:id") { request, context in try await change(request, context) }
    }

    private struct Filters {
        var origin = "", author = "", since = "", minConfidence = "", maxConfidence = ""

        init(_ q: StrictQuery) {
            origin = q["origin"] ?? ""; author = q["author"] ?? ""; since = q["since"] ?? ""
            minConfidence = q["min"] ?? ""; maxConfidence = q["max"] ?? ""
        }

        func unitFilter() throws -> UnitFilter {
            var date: Date?
            if !since.isEmpty {
                let f = DateFormatter()
                f.locale = Locale(identifier: "en_US_POSIX")
                f.timeZone = TimeZone(identifier: "UTC")
                f.dateFormat = "yyyy-MM-dd"
                guard let d = f.date(from: since) else { throw ClientError(.badRequest, "since is a date: YYYY-MM-DD") }
                date = d
            }
            return UnitFilter(origins: origin.isEmpty ? [] : [origin], authors: author.isEmpty ? [] : [author], since: date)
        }

        func confidence(_ text: String) throws -> Double? {
            guard !text.isEmpty else { return nil }
            guard let v = Double(text), (0...1).contains(v) else { throw ClientError(.badRequest, "confidence is a number from 0 to 1") }
            return v
        }

        var query: String {
            [("origin", origin), ("author", author), ("since", since), ("min", minConfidence), ("max", maxConfidence)]
                .filter { !$0.1.isEmpty }.map { "\($0.0)=\(Page.component($0.1))" }.joined(separator: "&")
        }
    }

    private func list(_ request: Request) async throws -> Response {
        let query = try StrictQuery(request)
        _ = try await server.authorize(request, query: query, for: .read)
        let filters = Filters(query)
        let filter = try filters.unitFilter()
        let low = try filters.confidence(filters.minConfidence), high = try filters.confidence(filters.maxConfidence)
        let after = Int64(query["after"] ?? "") ?? 0
        let store = server.store
        let (units, last, more) = try await offload { () throws -> ([TranslationUnit], Int64, Bool) in
            var found: [TranslationUnit] = []
            var cursor = after, scanned = 0
            while found.count < Self.pageSize && scanned < Self.scanLimit {
                let page = try store.units(after: cursor, limit: 1_000)
                if page.isEmpty { return (found, cursor, false) }
                var full = false
                for u in page {
                    cursor = u.id ?? cursor
                    scanned += 1
                    guard filter.accepts(u) else { continue }
                    if let low, (u.confidence ?? 1) < low { continue }
                    if let high, (u.confidence ?? 1) > high { continue }
                    found.append(u)
                    if found.count == Self.pageSize { full = true; break }
                }
                if !full && page.count < 1_000 { return (found, cursor, false) }
            }
            return (found, cursor, true)
        }
        let rows = units.map(row).joined()
        let back = "/units" + (filters.query.isEmpty ? "" : "?" + filters.query)
        let body = """
            <h1>Units</h1>\(Page.message(query["message"]))
            <form method=get action="/units" class=search>
            <input name=origin value="\(escape(filters.origin))" placeholder="origin (wire/* for a prefix)" aria-label="Origin">
            <input name=author value="\(escape(filters.author))" placeholder="author" aria-label="Author">
            <input name=since value="\(escape(filters.since))" placeholder="since YYYY-MM-DD" aria-label="Since" size=12>
            <input name=min value="\(escape(filters.minConfidence))" placeholder="min conf." aria-label="Minimum confidence" size=7>
            <input name=max value="\(escape(filters.maxConfidence))" placeholder="max conf." aria-label="Maximum confidence" size=7>
            <button type=submit>Filter</button></form>
            <p><label for=key>Write key (correcting and deleting need one)</label>
            <input type=password id=key size=40 autocomplete=off></p>
            \(units.isEmpty ? "<p class=none>No unit matches\(after > 0 ? " after unit \(after)" : "").</p>" : "<table><thead><tr><th>Unit</th><th>Arabic</th><th>English</th><th>Provenance</th><th></th></tr></thead><tbody>\(rows)</tbody></table>")
            \(more ? "<p><a href=\"\(back)\(filters.query.isEmpty ? "?" : "&")after=\(last)\">More units after \(last) →</a></p>" : "")
            """
        // The key typed once is copied into each form as it is sent.
        let script = """
            (function(){
              var key = document.getElementById('key');
              key.value = sessionStorage.getItem('tarjama-key') || '';
              key.addEventListener('input', function(){ sessionStorage.setItem('tarjama-key', key.value); });
              document.querySelectorAll('form.unit').forEach(function(f){
                f.addEventListener('submit', function(){ f.querySelector('input[name=key]').value = key.value; });
              });
            })();
            """
        return Page.html(title: "Units", body: body, script: script)
    }

    private func row(_ u: TranslationUnit) -> String {
        let id = u.id ?? 0
        var provenance = [u.origin.map(escape) ?? "no origin"]
        if let by = u.changedBy ?? u.createdBy { provenance.append("by " + escape(by)) }
        provenance.append(ISO8601DateFormatter().string(from: u.changedAt).prefix(10).description)
        if let c = u.confidence { provenance.append(String(format: "confidence %.2f", c)) }
        if u.usageCount > 0 { provenance.append("used \(u.usageCount)×") }
        return """
            <tr id=u\(id)><td>\(id)</td><td dir=rtl lang=ar>\(escape(u.source))</td>
            <td><form method=post action="/units/\(id)" class=unit>
            <textarea name=target rows=2 dir=ltr lang=en aria-label="English of unit \(id)">\(escape(u.target))</textarea>
            <input type=hidden name=key><button type=submit name=op value=edit>Save</button>
            <button type=submit name=op value=delete>Delete</button></form></td>
            <td class=meta>\(provenance.joined(separator: "<br>"))</td><td></td></tr>
            """
    }

    private func change(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let form = try await FormBody(request, limit: 1 << 16)
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { throw ClientError(.badRequest, "a unit id is a positive whole number") }
        let back = request.headers[.referer].flatMap { URL(string: $0)?.path == "/units" ? $0 : nil } ?? "/units"
        func redirect(_ message: String) -> Response {
            let base = back.split(separator: "#").first.map(String.init) ?? back
            let cleaned = base.replacingOccurrences(of: #"([?&])message=[^&]*&?"#, with: "$1", options: .regularExpression)
            let joiner = cleaned.contains("?") ? (cleaned.hasSuffix("?") || cleaned.hasSuffix("&") ? "" : "&") : "?"
            return Page.redirect(cleaned + joiner + "message=" + Page.component(message) + "#u\(id)")
        }
        let key: AccessKey?
        do {
            key = try await server.authorize(request, query: try StrictQuery(request), formKey: form["key"], for: .write)
        } catch let error as ClientError {
            return redirect("Not changed: \(error.message)")
        }
        let store = server.store
        switch form["op"] {
        case "delete":
            guard try await offload({ try store.deleteUnit(id: id) }) else { return redirect("There is no unit \(id).") }
            server.metrics.writes.increment(by: Int64(1))
            return redirect("Deleted unit \(id).")
        case "edit":
            let target = (form["target"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !target.isEmpty else { return redirect("Not changed: a unit needs an English target (Delete removes it).") }
            let user = key?.name
            guard let unit = try await offload({ try store.editUnit(id: id, target: target, user: user) }) else {
                return redirect("There is no unit \(id).")
            }
            server.metrics.writes.increment(by: Int64(1))
            return redirect(unit.id == id ? "Saved unit \(id) (the earlier target is kept in its history)."
                                          : "Unit \(id) now says what unit \(unit.id ?? 0) said: the two are one unit now.")
        default:
            throw ClientError(.badRequest, "op is edit or delete")
        }
    }
}
