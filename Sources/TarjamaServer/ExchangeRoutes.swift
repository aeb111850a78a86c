import Foundation
import Hummingbird
import NIOCore
import TarjamaMemory

/// Files in and out over `/v1/`, streamed both ways.
///
/// `POST /v1/import?name=FILE.tmx|.tsv|.xlf[&on_duplicate=…][&include_unreviewed=true]` (write
/// key): the body is written to a temporary file as it arrives (at most `maximumImportBytes`),
/// imported exactly as `tarjama import FILE` would (its name is the units' origin), and the
/// answer is NDJSON: `{"progress": N}` lines while units go in, then `{"report": …}`, or
/// `{"error": …}` when the file cannot be imported (nothing of it stored).
/// `GET /v1/export?format=tmx|tsv[&origin=…][&author=…]` streams the memory a page at a time.
struct ExchangeRoutes {
    let server: DeskServer

    static let maximumImportBytes = 2 << 30

    func add(to router: Router<BasicRequestContext>) {
        router.post("v1/import") { request, _ in try await importFile(request) }
        router.get("v1/export") { request, _ in try await export(request) }
    }

    private func importFile(_ request: Request) async throws -> Response {
        let query = try StrictQuery(request)
        let key = try await server.authorize(request, query: query, for: .write)
        let name = URL(fileURLWithPath: query["name"] ?? "").lastPathComponent
        let lower = name.lowercased()
        guard [".tmx", ".tsv", ".txt", ".xlf", ".xliff"].contains(where: { lower.hasSuffix($0) }) else {
            throw ClientError(.badRequest, "give the file's name with its extension: ?name=desk.tmx (.tmx, .tsv, .xlf)")
        }
        guard let policy = DuplicatePolicy(rawValue: query["on_duplicate"] ?? "auto") else {
            throw ClientError(.badRequest, "on_duplicate is one of \(DuplicatePolicy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let includeUnreviewed = query["include_unreviewed"] == "true"
        // The body goes to a file of its own as it arrives: an import reads a file, and a large
        // one must not sit in the server's memory.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: nil)
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            var written = 0
            for try await chunk in request.body {
                written += chunk.readableBytes
                guard written <= Self.maximumImportBytes else {
                    throw ClientError(.contentTooLarge, "the file is larger than \(Self.maximumImportBytes >> 30) GB; split it or import it with tarjama import on the server")
                }
                try handle.write(contentsOf: Data(chunk.readableBytesView))
            }
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        let store = server.store, metrics = server.metrics
        let (progress, continuation) = AsyncStream<Int>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let outcome = Task { () throws -> ImportReport in
            defer {
                continuation.finish()
                try? FileManager.default.removeItem(at: folder)
            }
            return try await offload {
                try store.importFile(path: path, user: key?.name, includeUnreviewed: includeUnreviewed, onDuplicate: policy) { n in
                    continuation.yield(n)
                }
            }
        }
        let body = ResponseBody { writer in
            for await n in progress {
                try await writer.write(ByteBuffer(string: "{\"progress\":\(n)}\n"))
            }
            let line: Data
            do {
                let report = try await outcome.value
                metrics.writes.increment(by: Int64(report.added))
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                line = try encoder.encode(["report": report])
            } catch {
                line = try JSONSerialization.data(withJSONObject: ["error": "\(error)"], options: [.withoutEscapingSlashes])
            }
            try await writer.write(ByteBuffer(bytes: line + Data("\n".utf8)))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson; charset=utf-8"], body: body)
    }

    private func export(_ request: Request) async throws -> Response {
        let query = try StrictQuery(request)
        _ = try await server.authorize(request, query: query, for: .read)
        let format = query["format"] ?? "tmx"
        guard format == "tmx" || format == "tsv" else { throw ClientError(.badRequest, "format is tmx or tsv") }
        let filter = UnitFilter(origins: query["origin"].map { [$0] } ?? [], authors: query["author"].map { [$0] } ?? [])
        let body = TMXRoutes.stream(server.store, tmx: format == "tmx") { filter.accepts($0) }
        let type = format == "tmx" ? "application/x-tmx+xml; charset=utf-8" : "text/tab-separated-values; charset=utf-8"
        return Response(status: .ok, headers: [.contentType: type], body: body)
    }
}
