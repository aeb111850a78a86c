import Foundation
import Hummingbird
import NIOCore

/// What every page shares: one layout (no CDN, no build step), the navigation, the style, form
/// bodies, redirects after a form is posted.
enum Page {
    static let style = """
        body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:1rem auto;padding:0 1rem;color:#222}
        nav a{margin-inline-end:1rem}nav{margin-bottom:1rem;border-bottom:1px solid #ddd;padding-bottom:.4rem}
        form.search{display:flex;gap:.5rem;flex-wrap:wrap}input[type=search]{flex:1;min-width:16rem;font-size:1.1rem;padding:.4rem}
        .match{border:1px solid #ccc;border-radius:6px;padding:.6rem .8rem;margin:.6rem 0}
        .score{font-weight:bold;font-size:1.2rem}.ar,[lang=ar]{font-size:1.15rem}del{background:#fdd;color:#900}
        ins{background:#dfd;color:#060;text-decoration:none}
        .meta,.none{color:#666;font-size:.9rem}.units li{margin:.4rem 0}
        .message{background:#fff4d6;border:1px solid #e0c060;padding:.4rem .8rem;border-radius:4px}
        table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e4e4e4;padding:.35rem .4rem;vertical-align:top;text-align:start}
        tr.bead:focus{outline:3px solid #36c;outline-offset:-3px}tr.confirmed{background:#eef8ee}tr.stored{background:#f2f2f2;color:#555}
        td.conf{font-variant-numeric:tabular-nums;white-space:nowrap}td.actions button{font-size:.8rem;margin:1px}
        textarea{width:100%;font:inherit}form.unit textarea{min-width:22rem}kbd{border:1px solid #bbb;border-radius:3px;padding:0 .25rem;font-size:.85rem}
        label{display:block;margin:.4rem 0 .1rem}.row{display:flex;gap:1rem;flex-wrap:wrap}.row>div{flex:1;min-width:18rem}
        """

    /// A whole page: `body` is already escaped HTML.
    static func html(title: String, body: String, script: String = "") -> Response {
        let page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Tarjama</title><style>\(style)</style></head>
            <body><nav><a href="/search">Search</a><a href="/review">Alignment review</a><a href="/units">Units</a><a href="/pretranslate">Pre-translate</a></nav>
            \(body)\(script.isEmpty ? "" : "<script>\(script)</script>")</body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    /// `303 See Other` to `location` (a form posted, the page to show next).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// A message banner, when there is one.
    static func message(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "" }
        return "<p class=message role=status>\(escape(text))</p>"
    }

    /// A query component, percent-encoded.
    static func component(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

/// A posted form (`application/x-www-form-urlencoded`), decoded strictly, at most `limit` bytes.
struct FormBody {
    private var values: [String: String] = [:]

    init(_ request: Request, limit: Int) async throws {
        let buffer = try await collectBody(request, limit: limit)
        let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = StrictQuery.decode(parts[0]), let value = StrictQuery.decode(parts.count > 1 ? parts[1] : "") else {
                throw ClientError(.badRequest, "bad percent-encoding in the form near '\(parts[0].prefix(40))'")
            }
            values[key] = value
        }
    }

    subscript(_ key: String) -> String? { values[key] }
}
