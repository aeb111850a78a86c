import Foundation
import Hummingbird
import NIOCore
import TarjamaMatch
import TarjamaMemory
import TarjamaPretranslate

/// Pre-translation over HTTP: `GET /pretranslate` is a page where articles are pasted (or read
/// from files by the browser) and `POST /pretranslate` answers with the analysis report (bands
/// per article and in all, as `report.html`); `POST /v1/pretranslate` takes
/// `{"articles": [{"name", "text"}], "min"}` and answers JSON, or XLIFF 1.2 for one article
/// with `?format=xliff`.
struct PretranslatePages {
    let server: DeskServer

    static let maximumBytes = 8 << 20
    static let maximumArticles = 100

    func add(to router: Router<BasicRequestContext>) {
        router.get("pretranslate") { request, _ in
            _ = try await server.authorize(request, query: try StrictQuery(request), for: .read)
            return Page.html(title: "Pre-translate", body: Self.form, script: Self.script)
        }
        router.post("pretranslate") { request, _ in try await report(request) }
        router.post("v1/pretranslate") { request, _ in try await api(request) }
    }

    private static let form = """
        <h1>Pre-translate</h1>
        <p>Paste an Arabic article (or choose several files): each sentence gets the memory's best match, and the
        report shows how much of the batch the memory covers, band by band.</p>
        <form method=post action="/pretranslate" id=batch>
        <label for=min>Fuzzy threshold (%)</label><input id=min name=min value=75 size=4>
        <label for=files>Articles from files</label><input type=file id=files multiple accept=".txt,text/plain">
        <label for=name1>Name</label><input id=name1 name=name1 value="article.txt" size=40>
        <label for=article1>Arabic article</label><textarea id=article1 name=article1 rows=14 dir=rtl lang=ar></textarea>
        <div id=more></div>
        <p><button type=submit>Pre-translate and show the report</button></p></form>
        """

    /// Files chosen are read in the browser into fields of their own (name and text).
    private static let script = """
        document.getElementById('files').addEventListener('change', function(e){
          var more = document.getElementById('more'); more.textContent = '';
          Array.prototype.forEach.call(e.target.files, function(f, i){
            f.text().then(function(t){
              var n = i + 2, name = document.createElement('input'), text = document.createElement('textarea');
              name.type = 'hidden'; name.name = 'name' + n; name.value = f.name;
              text.name = 'article' + n; text.value = t; text.hidden = true;
              more.appendChild(name); more.appendChild(text);
              var p = document.createElement('p'); p.textContent = 'Will pre-translate ' + f.name; more.appendChild(p);
            });
          });
        });
        """

    private func run(_ texts: [(name: String, text: String)], minimum: Int) async throws -> Batch {
        let store = server.store
        let batch = try await offload {
            try Pretranslator(store: store, options: PretranslateOptions(minimum: minimum, workers: 2)).run(texts: texts)
        }
        server.metrics.lookups.increment(by: Int64(batch.articles.reduce(0) { $0 + $1.segments.count }))
        return batch
    }

    private func report(_ request: Request) async throws -> Response {
        let form = try await FormBody(request, limit: Self.maximumBytes)
        _ = try await server.authorize(request, query: try StrictQuery(request), formKey: form["key"], for: .read)
        guard let minimum = Int(form["min"] ?? "75"), (0...100).contains(minimum) else {
            throw ClientError(.badRequest, "the fuzzy threshold is a number from 0 to 100")
        }
        var texts: [(name: String, text: String)] = []
        for n in 1...Self.maximumArticles {
            guard let text = form["article\(n)"] else { continue }
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            texts.append((form["name\(n)"].flatMap { $0.isEmpty ? nil : $0 } ?? "article \(n)", text))
        }
        guard !texts.isEmpty else {
            return Page.html(title: "Pre-translate", body: Page.message("Paste an article or choose files first.") + Self.form, script: Self.script)
        }
        let batch = try await run(texts, minimum: minimum)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: batch.analysis.html(title: "Pre-translation report"))))
    }

    private struct Request1: Decodable {
        struct Article: Decodable { var name: String?; var text: String }
        var articles: [Article]
        var min: Int?
    }

    private func api(_ request: Request) async throws -> Response {
        let query = try StrictQuery(request)
        _ = try await server.authorize(request, query: query, for: .read)
        let body = try await collectBody(request, limit: Self.maximumBytes)
        guard let input = try? JSONDecoder().decode(Request1.self, from: Data(body.readableBytesView)) else {
            throw ClientError(.badRequest, #"send JSON: {"articles": [{"name": "a.txt", "text": "…"}], "min": 75}"#)
        }
        guard (1...Self.maximumArticles).contains(input.articles.count) else {
            throw ClientError(.badRequest, "send 1 to \(Self.maximumArticles) articles, got \(input.articles.count)")
        }
        let minimum = input.min ?? 75
        guard (0...100).contains(minimum) else { throw ClientError(.badRequest, "min must be 0-100") }
        let texts = input.articles.enumerated().map { (k, a) in (a.name ?? "article \(k + 1)", a.text) }
        let batch = try await run(texts, minimum: minimum)
        switch query["format"] ?? "json" {
        case "xliff":
            guard batch.articles.count == 1 else { throw ClientError(.badRequest, "format=xliff answers one article: send one") }
            let xliff = try OutputFormat.xliff.render(batch.articles[0])
            return Response(status: .ok, headers: [.contentType: "application/x-xliff+xml; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: xliff)))
        case "json":
            struct Answer: Encodable { let articles: [PretranslatedArticle]; let analysis: Analysis }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(Answer(articles: batch.articles, analysis: batch.analysis)))))
        default:
            throw ClientError(.badRequest, "format is json or xliff")
        }
    }
}
