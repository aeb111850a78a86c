import Foundation
import Hummingbird
import NIOCore
import TarjamaMemory

/// The memory as TMX 1.4 over HTTP, which OmegaT reads as a remote memory:
/// `GET /tmx/{name}.tmx` streams every unit a page at a time (constant memory whatever the
/// memory's size), with an `ETag` from the store's generation and unit count, so a client that
/// already has this state gets `304 Not Modified`.
struct TMXRoutes {
    let server: DeskServer

    func add(to router: Router<BasicRequestContext>) {
        router.get("tmx/:name") { request, context in try await tmx(request, context) }
    }

    private func tmx(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try await server.authorize(request, query: try StrictQuery(request), for: .read)
        guard let name = context.parameters.get("name"), name.hasSuffix(".tmx") else {
            throw ClientError(.notFound, "ask for /tmx/NAME.tmx")
        }
        let store = server.store
        let (generation, units) = try await offload { (try store.generation(), try store.unitCount()) }
        let tag = "\"g\(generation)-u\(units)\""
        if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag }) == true {
            return Response(status: .notModified, headers: [.eTag: tag])
        }
        let body = ResponseBody { writer in
            let text = TextChunks()
            let tmx = TMXWriter(sourceLanguage: "ar") { text.append($0) }
            try tmx.begin()
            var last: Int64 = 0
            while true {
                let after = last
                let page = try await offload { try store.units(after: after, limit: 1_000) }
                for unit in page { try tmx.write(unit) }
                try await writer.write(ByteBuffer(string: text.take()))
                guard let id = page.last?.id, page.count == 1_000 else { break }
                last = id
            }
            try tmx.end()
            try await writer.write(ByteBuffer(string: text.take()))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-tmx+xml; charset=utf-8", .eTag: tag], body: body)
    }
}

/// Text a writer emits, taken out a page at a time (used by one task).
final class TextChunks: @unchecked Sendable {
    private var text = ""
    func append(_ s: String) { text += s }
    func take() -> String { defer { text = "" }; return text }
}
