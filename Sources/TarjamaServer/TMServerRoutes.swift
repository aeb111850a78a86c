import Foundation
import Hummingbird
import TarjamaMatch
import TarjamaMemory

/// The amaGama / translate-toolkit tmserver protocol, which Weblate, Okapi (Rainbow, Tikal) and
/// Virtaal take as a URL: `GET /tmserver/{src}/{tgt}/unit/{text}` (and under `/api/v1/`) answers
/// a JSON list of `{source, target, quality, rank}`, best first, `quality` written as a double
/// (`100.0`: Okapi reads a double); `GET …/languages/` lists the memory's languages.
struct TMServerRoutes {
    let server: DeskServer

    func add(to router: Router<BasicRequestContext>) {
        for prefix in ["tmserver", "api/v1"] {
            router.get("\(prefix)/:src/:tgt/unit/**") { request, context in
                try await unit(request, context)
            }
            router.put("\(prefix)/:src/:tgt/unit/**") { request, context in
                try await add(request, context)
            }
            // The router answers `languages/` here too: it ignores a trailing slash.
            router.get("\(prefix)/languages") { request, _ in try await languages(request) }
        }
    }

    /// The text of a unit route: the rest of the raw path (a `/` inside it arrives as %2F), a
    /// trailing slash tolerated.
    private func pathText(_ request: Request) throws -> String {
        let path = request.uri.path
        guard let marker = path.range(of: "/unit/") else { throw ClientError(.notFound, "no text after /unit/") }
        var raw = path[marker.upperBound...]
        if raw.hasSuffix("/") { raw = raw.dropLast() }
        guard let decoded = raw.removingPercentEncoding else {
            throw ClientError(.badRequest, "bad percent-encoding in the text")
        }
        return try checkedText(decoded, name: "the path")
    }

    /// `PUT …/unit/{source}` with `{"target": "…"}` adds a pair (a write key).
    private func add(_ request: Request, _ context: BasicRequestContext) async throws -> JSONBody {
        let query = try StrictQuery(request)
        let key = try await server.authorize(request, query: query, for: .write)!
        let source = try pathText(request)
        let body = try await collectBody(request, limit: DeskServer.maximumQueryBytes * 4)
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let target = object["target"] as? String, !target.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ClientError(.badRequest, "send the translation as JSON: {\"target\": \"…\"}")
        }
        let summary = try await server.write(source: source, target: try checkedText(target, name: "target"),
                                             sourceLanguage: primaryLanguage(context.parameters.get("src")?[...] ?? "ar"),
                                             targetLanguage: primaryLanguage(context.parameters.get("tgt")?[...] ?? "en"), by: key)
        return JSONBody(["added": summary.added, "duplicates": summary.duplicates])
    }

    private func unit(_ request: Request, _ context: BasicRequestContext) async throws -> JSONBody {
        let query = try StrictQuery(request)
        _ = try await server.authorize(request, query: query, for: .read)
        let source = primaryLanguage(context.parameters.get("src")?[...] ?? "")
        let target = primaryLanguage(context.parameters.get("tgt")?[...] ?? "")
        let text = try pathText(request)
        let minimum = try query.int("min_similarity", default: 70, in: 0...100)   // amaGama's own defaults: 70 and 5
        let limit = try query.int("max_candidates", default: 5, in: 1...DeskServer.maximumCandidates)
        let callback = try jsonpCallback(query)
        let matches = source == "ar" && target == "en" ? try await server.lookup(text, minimum: minimum, limit: limit) : []
        // Written by hand: quality and rank must read as doubles (`100.0`), which Okapi's
        // client requires and JSONSerialization would write as `100`.
        let items = matches.enumerated().map { k, m in
            "{\"source\":\(JSONBody.string(m.source)),\"target\":\(JSONBody.string(m.target)),"
                + "\"quality\":\(min(m.score, 100)).0,\"rank\":\(k + 1).0}"
        }
        return JSONBody(raw: Data(("[" + items.joined(separator: ",") + "]").utf8), callback: callback)
    }

    private func languages(_ request: Request) async throws -> JSONBody {
        let query = try StrictQuery(request)
        _ = try await server.authorize(request, query: query, for: .read)
        let stats = try await offload { [store = server.store] in try store.stats() }
        var sources = Set<String>(), targets = Set<String>()
        for pair in stats.languagePairs {
            let languages = pair.split(separator: ":")[0].split(separator: "→")
            if languages.count == 2 { sources.insert(String(languages[0])); targets.insert(String(languages[1])) }
        }
        if sources.isEmpty { sources = ["ar"]; targets = ["en"] }
        return JSONBody(["sourceLanguages": sources.sorted(), "targetLanguages": targets.sorted()], callback: try jsonpCallback(query))
    }
}

/// A JSONP callback name from `jsoncallback` or `callback`, checked to be an identifier (so a
/// page cannot be made to run arbitrary script through it).
func jsonpCallback(_ query: StrictQuery) throws -> String? {
    guard let name = query["jsoncallback"] ?? query["callback"] else { return nil }
    guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "$") }) else {
        throw ClientError(.badRequest, "the callback must be a JavaScript name of letters, digits, _ . $")
    }
    return name
}
