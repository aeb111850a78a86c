import Foundation
import Hummingbird
import TarjamaMatch
import TarjamaMemory

/// The MyMemory protocol (MateCat and many scripts): `GET /get?q=&langpair=ar|en[&numres=]`
/// answers `{responseData: {translatedText, match}, responseStatus, matches: [...]}`, `match` in
/// [0, 1] as MyMemory writes it.
struct MyMemoryRoutes {
    let server: DeskServer

    func add(to router: Router<BasicRequestContext>) {
        router.get("get") { request, _ in try await get(request) }
        router.get("set") { request, _ in try await set(request) }
    }

    /// `GET /set?seg=&tra=&langpair=ar|en&key=` adds a pair; without a write key nothing is stored.
    private func set(_ request: Request) async throws -> JSONBody {
        let query = try StrictQuery(request)
        let key = try await server.authorize(request, query: query, for: .write)!
        let source = try checkedText(query["seg"], name: "seg"), target = try checkedText(query["tra"], name: "tra")
        let (from, to) = try languagePair(query).primary
        let summary = try await server.write(source: source, target: target, sourceLanguage: from, targetLanguage: to, by: key)
        return JSONBody(["responseStatus": 200, "responseData": "OK", "responseDetails": ["added": summary.added, "duplicates": summary.duplicates]],
                        callback: try jsonpCallback(query))
    }

    /// The two codes of `langpair=ar|en` as given, and their primary languages.
    private func languagePair(_ query: StrictQuery) throws -> (given: (Substring, Substring), primary: (String, String)) {
        guard let pair = query["langpair"], pair.contains("|") else {
            throw ClientError(.badRequest, "give the languages as langpair=ar|en")
        }
        let languages = pair.split(separator: "|", omittingEmptySubsequences: false)
        return ((languages[0], languages[1]), (primaryLanguage(languages[0]), primaryLanguage(languages[1])))
    }

    private func get(_ request: Request) async throws -> JSONBody {
        let query = try StrictQuery(request)
        _ = try await server.authorize(request, query: query, for: .read)
        let text = try checkedText(query["q"], name: "q")
        let (languages, (source, target)) = try languagePair(query)
        let limit = try query.int("numres", default: 5, in: 1...DeskServer.maximumCandidates)
        let minimum = try query.int("min", default: 50, in: 0...100)
        let matches = source == "ar" && target == "en" ? try await server.lookup(text, minimum: minimum, limit: limit) : []
        let stamp = DateFormatter()
        stamp.locale = Locale(identifier: "en_US_POSIX")
        stamp.timeZone = TimeZone(secondsFromGMT: 0)
        stamp.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let units = try await offload { [store = server.store] in try store.units(ids: matches.map(\.unitID)) }
        let byID = Dictionary(units.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let list: [[String: Any]] = matches.map { m in
            let unit = byID[m.unitID]
            return [
                "id": String(m.unitID), "segment": m.source, "translation": m.target, "source": String(languages.0), "target": String(languages.1),
                "quality": min(m.score, 100), "match": Double(min(m.score, 100)) / 100,
                "created-by": unit?.createdBy ?? "", "last-update-date": unit.map { stamp.string(from: $0.changedAt) } ?? "",
                "usage-count": unit?.usageCount ?? 0,
            ]
        }
        let best = matches.first
        return JSONBody([
            "responseData": ["translatedText": best?.target ?? "", "match": Double(min(best?.score ?? 0, 100)) / 100] as [String: Any],
            "responseStatus": 200, "responseDetails": "", "matches": list,
        ], callback: try jsonpCallback(query))
    }
}
