import Foundation
import Hummingbird
import NIOCore
import TarjamaMatch
import TarjamaMemory

/// Tarjama's own API under `/v1/` (described in `docs/openapi.json`): batch lookup with
/// context, concordance, units by id (read, add, correct with history, delete) and stats, as JSON with every field the
/// matcher computes (score breakdown, placeables, penalties, diff).
struct APIRoutes {
    let server: DeskServer

    /// At most this many segments in one batch lookup.
    static let maximumSegments = 200

    func add(to router: Router<BasicRequestContext>) {
        router.post("v1/lookup") { request, _ in try await lookup(request) }
        router.get("v1/concordance") { request, _ in try await concordance(request) }
        router.get("v1/stats") { request, _ in
            _ = try await server.authorize(request, query: try StrictQuery(request), for: .read)
            return try encoded(try await offload { [store = server.store] in try store.stats() })
        }
        router.get("v1/units/:id") { request, context in
            _ = try await server.authorize(request, query: try StrictQuery(request), for: .read)
            let id = try unitID(context)
            guard let unit = try await offload({ [store = server.store] in try store.unit(id: id) }) else {
                throw ClientError(.notFound, "no unit \(id)")
            }
            return try encoded(unit)
        }
        router.get("v1/units/:id/history") { request, context in
            _ = try await server.authorize(request, query: try StrictQuery(request), for: .read)
            let id = try unitID(context)
            let found = try await offload { [store = server.store] in
                try store.unit(id: id).map { _ in try store.revisions(id: id) }
            }
            guard let history = found else { throw ClientError(.notFound, "no unit \(id)") }
            return try encoded(["history": history])
        }
        router.post("v1/units") { request, _ in try await addUnit(request) }
        router.patch("v1/units/:id") { request, context in
            let key = try await server.authorize(request, query: try StrictQuery(request), for: .write)!
            let id = try unitID(context)
            let body = try await collectBody(request, limit: 1 << 16)
            guard let edit = try? JSONDecoder().decode([String: String].self, from: Data(body.readableBytesView)), let target = edit["target"] else {
                throw ClientError(.badRequest, #"send JSON: {"target": "…"}"#)
            }
            let text = try checkedText(target, name: "target")
            guard let unit = try await offload({ [store = server.store] in try store.editUnit(id: id, target: text, user: key.name) }) else {
                throw ClientError(.notFound, "no unit \(id)")
            }
            server.metrics.writes.increment(by: Int64(1))
            return try encoded(unit)
        }
        router.delete("v1/units/:id") { request, context in
            _ = try await server.authorize(request, query: try StrictQuery(request), for: .write)
            let id = try unitID(context)
            guard try await offload({ [store = server.store] in try store.deleteUnit(id: id) }) else {
                throw ClientError(.notFound, "no unit \(id)")
            }
            return try encoded(["deleted": id])
        }
    }

    private struct LookupRequest: Decodable {
        struct Segment: Decodable { var text: String; var previous: String?; var next: String? }
        var segments: [Segment]
        var min: Int?
        var limit: Int?
        /// Origin patterns (a trailing * matches a prefix): only units from these.
        var origins: [String]?
    }

    private struct LookupResult: Encodable {
        var text: String
        var matches: [Match]
    }

    private func lookup(_ request: Request) async throws -> Response {
        _ = try await server.authorize(request, query: try StrictQuery(request), for: .read)
        let body = try await collectBody(request, limit: 1 << 20)
        guard let input = try? JSONDecoder().decode(LookupRequest.self, from: Data(body.readableBytesView)) else {
            throw ClientError(.badRequest, #"send JSON: {"segments": [{"text": "…", "previous": "…", "next": "…"}], "min": 75, "limit": 3}"#)
        }
        guard (1...Self.maximumSegments).contains(input.segments.count) else {
            throw ClientError(.badRequest, "send 1 to \(Self.maximumSegments) segments, got \(input.segments.count)")
        }
        let minimum = input.min ?? 50, limit = input.limit ?? 3
        guard (0...101).contains(minimum), (1...DeskServer.maximumCandidates).contains(limit) else {
            throw ClientError(.badRequest, "min must be 0-101 and limit 1-\(DeskServer.maximumCandidates)")
        }
        var results: [LookupResult] = []
        for segment in input.segments {
            let text = try checkedText(segment.text, name: "text")
            let matches = try await server.lookup(text, context: MatchContext(previousSource: segment.previous, nextSource: segment.next),
                                                  minimum: minimum, limit: limit, filter: UnitFilter(origins: input.origins ?? []))
            results.append(LookupResult(text: text, matches: matches))
        }
        return try encoded(["results": results])
    }

    private func concordance(_ request: Request) async throws -> Response {
        let query = try StrictQuery(request)
        _ = try await server.authorize(request, query: query, for: .read)
        let phrase = try checkedText(query["q"], name: "q")
        guard let side = UnitSide(rawValue: query["side"] ?? "source") else {
            throw ClientError(.badRequest, "side is source or target")
        }
        let limit = try query.int("limit", default: 20, in: 1...200)
        let units = try await offload { [store = server.store] in try Concordance(store: store).search(phrase, side: side, limit: limit) }
        return try encoded(["units": units])
    }

    private struct NewUnit: Decodable {
        var source: String
        var target: String
        var sourceLanguage: String?
        var targetLanguage: String?
    }

    private func addUnit(_ request: Request) async throws -> Response {
        let key = try await server.authorize(request, query: try StrictQuery(request), for: .write)!
        let body = try await collectBody(request, limit: 1 << 16)
        guard let unit = try? JSONDecoder().decode(NewUnit.self, from: Data(body.readableBytesView)) else {
            throw ClientError(.badRequest, #"send JSON: {"source": "…", "target": "…"}"#)
        }
        let summary = try await server.write(source: try checkedText(unit.source, name: "source"),
                                             target: try checkedText(unit.target, name: "target"),
                                             sourceLanguage: unit.sourceLanguage ?? "ar", targetLanguage: unit.targetLanguage ?? "en", by: key)
        return try encoded(summary)
    }

    private func unitID(_ context: BasicRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else {
            throw ClientError(.badRequest, "a unit id is a positive whole number")
        }
        return id
    }

    /// An `Encodable` value as JSON (keys sorted, dates ISO 8601).
    private func encoded(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
