import Foundation
import Hummingbird
import NIOCore
import TarjamaMemory

/// The memory as TMX 1.4 over HTTP, which OmegaT reads as a remote memory:
/// `GET /tmx/{name}.tmx` streams every unit a page at a time (constant memory whatever the
/// memory's size), each with its neighbours in its article as `prev`/`next` props so OmegaT finds
/// context matches, and an `ETag` from the store's generation and unit count, so a client that
/// already has this state gets `304 Not Modified`. `/tmx/reviewed/{name}.tmx` holds only what a
/// person made or checked, `/tmx/unreviewed/{name}.tmx` the rest (automatic alignments, units
/// needing review), for an OmegaT `tm/penalty-NN` folder.
struct TMXRoutes {
    let server: DeskServer

    enum Selection: String { case all, reviewed, unreviewed }

    func add(to router: Router<BasicRequestContext>) {
        router.get("tmx/:name") { request, context in try await tmx(request, context, .all) }
        router.get("tmx/reviewed/:name") { request, context in try await tmx(request, context, .reviewed) }
        router.get("tmx/unreviewed/:name") { request, context in try await tmx(request, context, .unreviewed) }
    }

    private func tmx(_ request: Request, _ context: BasicRequestContext, _ selection: Selection) async throws -> Response {
        _ = try await server.authorize(request, query: try StrictQuery(request), for: .read)
        guard let name = context.parameters.get("name"), name.hasSuffix(".tmx") else {
            throw ClientError(.notFound, "ask for /tmx/NAME.tmx (or /tmx/reviewed/NAME.tmx, /tmx/unreviewed/NAME.tmx)")
        }
        let store = server.store
        let (generation, units) = try await offload { (try store.generation(), try store.unitCount()) }
        let tag = "\"g\(generation)-u\(units)-\(selection.rawValue)\""
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag }) == true {
            return Response(status: .notModified, headers: [.eTag: tag])
        }
        let body = Self.stream(store, tmx: true) { unit in
            switch selection {
            case .all: return true
            case .reviewed: return unit.isReviewed
            case .unreviewed: return !unit.isReviewed
            }
        }
        return Response(status: .ok, headers: [.contentType: "application/x-tmx+xml; charset=utf-8", .eTag: tag], body: body)
    }
}

extension TMXRoutes {
    /// The units `accept` takes, in id order, as TMX 1.4 (with each unit's neighbours in its
    /// article as prev/next props) or TSV lines, streamed a page at a time in constant memory.
    static func stream(_ store: any MemoryStore, tmx asTMX: Bool, accept: @escaping @Sendable (TranslationUnit) -> Bool) -> ResponseBody {
        ResponseBody { writer in
            let text = TextChunks()
            let tmx = TMXWriter(sourceLanguage: "ar") { text.append($0) }
            var window = ArticleContext()
            func write(_ entries: [ArticleContext.Entry]) throws {
                for e in entries where accept(e.unit) {
                    if asTMX { try tmx.write(e.unit, previous: e.previous, next: e.next) } else { text.append(TSV.line(e.unit) + "\n") }
                }
            }
            if asTMX { try tmx.begin() }
            var last: Int64 = 0
            while true {
                let after = last
                let page = try await offload { try store.units(after: after, limit: 1_000) }
                guard let id = page.last?.id else { break }
                try write(window.feed(page))
                try await writer.write(ByteBuffer(string: text.take()))
                last = id
            }
            try write(window.finish())
            if asTMX { try tmx.end() }
            try await writer.write(ByteBuffer(string: text.take()))
            try await writer.finish(nil)
        }
    }
}

/// Text a writer emits, taken out a page at a time (used by one task).
final class TextChunks: @unchecked Sendable {
    private var text = ""
    func append(_ s: String) { text += s }
    func take() -> String { defer { text = "" }; return text }
}
