import Foundation
import Hummingbird
import NIOCore
import TarjamaMatch
import TarjamaMemory

/// `GET /search?q=…[&side=target]`: a page for people who would rather look than read JSON.
/// Server-rendered HTML that works without JavaScript and needs no CDN: a search form, then the
/// matches (score, the stored source with what the query changes marked, the target as it would
/// be inserted, penalties, provenance) and the units that contain the words (concordance).
/// Every text from the memory or the query is escaped; Arabic runs right to left by `dir="auto"`.
struct SearchPage {
    let server: DeskServer

    func add(to router: Router<BasicRequestContext>) {
        router.get("search") { request, _ in try await page(request) }
    }

    private func page(_ request: Request) async throws -> Response {
        let query = try StrictQuery(request)
        _ = try await server.authorize(request, query: query, for: .read)
        let text = (query["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let side = UnitSide(rawValue: query["side"] ?? "source") ?? .source
        var body = form(text, side)
        if !text.isEmpty {
            let checked = try checkedText(text, name: "q")
            if side == .source {
                let matches = try await server.lookup(checked, minimum: 50, limit: 10)
                body += "<h2>Matches</h2>" + (matches.isEmpty ? "<p class=none>No earlier translation scores 50% or more.</p>" : matches.map(card).joined())
            }
            let units = try await offload { [store = server.store] in try Concordance(store: store).search(checked, side: side, limit: 20) }
            body += "<h2>Units containing “<span dir=auto>\(escape(checked))</span>”</h2>"
            body += units.isEmpty ? "<p class=none>None.</p>" : "<ul class=units>" + units.map(unitItem).joined() + "</ul>"
        }
        return Page.html(title: text.isEmpty ? "Search" : text + " — search", body: "<h1>Search</h1>" + body)
    }

    private func form(_ text: String, _ side: UnitSide) -> String {
        """
        <form method=get action="/search" role=search class=search>
        <input type=search name=q dir=auto value="\(escape(text))" placeholder="Arabic sentence, or words to find" autofocus aria-label="Search">
        <select name=side aria-label="Side"><option value=source\(side == .source ? " selected" : "")>Arabic source</option>
        <option value=target\(side == .target ? " selected" : "")>English target</option></select>
        <button type=submit>Search</button></form>
        """
    }

    private func card(_ m: Match) -> String {
        let diff = m.diff.enumerated().map { k, span -> String in
            let gap = k > 0 && !span.joinsPrevious ? " " : ""
            switch span.op {
            case .equal: return gap + escape(span.stored ?? "")
            case .delete: return gap + "<del>\(escape(span.stored ?? ""))</del>"
            case .insert: return gap + "<ins>\(escape(span.query ?? ""))</ins>"
            case .substitute: return gap + "<del>\(escape(span.stored ?? ""))</del><ins>\(escape(span.query ?? ""))</ins>"
            }
        }.joined()
        let penalties = m.breakdown.penalties.map { "−\($0.points) \(escape($0.reason.rawValue)): \(escape($0.detail))" }.joined(separator: "; ")
        var meta = ["unit \(m.unitID)"]
        if let origin = m.origin { meta.append(escape(origin)) }
        if m.translations > 1 { meta.append("\(m.translations) translations of this source") }
        return """
            <div class=match><span class=score>\(m.score)%</span> <span class=meta>\(escape(m.kind.rawValue)), \(escape(m.band.label))</span>
            <p class=ar dir=auto>\(diff)</p><p dir=ltr>\(escape(m.target))</p>
            \(penalties.isEmpty ? "" : "<p class=meta>\(penalties)</p>")<p class=meta>\(meta.joined(separator: " · "))</p></div>
            """
    }

    private func unitItem(_ u: TranslationUnit) -> String {
        "<li><span class=ar dir=auto>\(escape(u.source))</span><br><span dir=ltr>\(escape(u.target))</span> <span class=meta>unit \(u.id ?? 0)</span></li>"
    }
}

/// Text made safe inside HTML elements and quoted attributes: the TMX writer's escaping (markup
/// characters, characters XML forbids) and the apostrophe, for attributes in either quote.
func escape(_ s: String) -> String {
    TMXWriter.escape(s).replacingOccurrences(of: "'", with: "&#39;")
}
