import Foundation
import Hummingbird
import NIOCore
import TarjamaMemory

/// An error a client can act on: a status and a message, answered as JSON `{"error": …}`.
struct ClientError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: ["error": message, "status": Int(status.code)],
                                                options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns store failures into 503 and anything unexpected into 500, always as JSON, so no
/// client is left with an empty or HTML answer.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPResponseError {
            throw error
        } catch let error as MemoryError {
            throw ClientError(.serviceUnavailable, error.description)
        } catch {
            throw ClientError(.internalServerError, "\(error)")
        }
    }
}

/// A JSON answer, keys sorted, slashes unescaped, optionally wrapped in a JSONP callback.
struct JSONBody: ResponseGenerator {
    let value: Any
    let callback: String?
    private var raw: Data?

    init(_ value: Any, callback: String? = nil) {
        self.value = value
        self.callback = callback
    }

    /// JSON written by the caller (numbers whose form a client depends on).
    init(raw: Data, callback: String? = nil) {
        self.value = NSNull()
        self.callback = callback
        self.raw = raw
    }

    /// A string as a JSON string literal.
    static func string(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: s, options: [.fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var data = try raw ?? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        var type = "application/json; charset=utf-8"
        if let callback {
            data = Data((callback + "(").utf8) + data + Data(");".utf8)
            type = "application/javascript; charset=utf-8"
        }
        return Response(status: .ok, headers: [.contentType: type], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Query-string parameters decoded strictly: a value whose percent-encoding is broken is a
/// client error (Hummingbird's own map passes such a value on undecoded).
struct StrictQuery {
    private var values: [String: String] = [:]

    init(_ request: Request) throws {
        guard let query = request.uri.query, !query.isEmpty else { return }
        guard query.utf8.count <= DeskServer.maximumQueryBytes * 3 + 1_024 else {
            throw ClientError(.contentTooLarge, "the query string is longer than the server accepts (\(DeskServer.maximumQueryBytes) bytes of text)")
        }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = StrictQuery.decode(parts[0]) else {
                throw ClientError(.badRequest, "bad percent-encoding in the query string near '\(parts[0].prefix(40))'")
            }
            let raw = parts.count > 1 ? parts[1] : ""
            guard let value = StrictQuery.decode(raw) else {
                throw ClientError(.badRequest, "bad percent-encoding in the value of '\(key)'")
            }
            values[key] = value
        }
    }

    /// Percent-decodes a component, `+` as a space; nil when the encoding or UTF-8 is broken.
    static func decode(_ s: Substring) -> String? {
        String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    subscript(_ key: String) -> String? { values[key] }

    func int(_ key: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = values[key] else { return value }
        guard let n = Int(text) ?? Double(text).map({ Int($0.rounded()) }), range.contains(n) else {
            throw ClientError(.badRequest, "'\(key)' must be a number from \(range.lowerBound) to \(range.upperBound), got '\(text.prefix(40))'")
        }
        return n
    }
}

/// A query text checked for size and emptiness.
func checkedText(_ text: String?, name: String) throws -> String {
    guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        throw ClientError(.badRequest, "give the text to look up in '\(name)'")
    }
    guard text.utf8.count <= DeskServer.maximumQueryBytes else {
        throw ClientError(.contentTooLarge, "the text is \(text.utf8.count) bytes; the server looks up at most \(DeskServer.maximumQueryBytes)")
    }
    return text
}

/// A language code's primary subtag, lower-cased: `ar`, `ar_EG`, `AR-eg` are all `ar`.
func primaryLanguage(_ code: Substring) -> String {
    String(code.split(whereSeparator: { $0 == "_" || $0 == "-" }).first ?? code).lowercased()
}

/// A request's body, at most `limit` bytes: a larger one is a JSON 413 saying the limit.
func collectBody(_ request: Request, limit: Int) async throws -> ByteBuffer {
    do {
        return try await request.body.collect(upTo: limit)
    } catch {
        throw ClientError(.contentTooLarge, "the request body is larger than this route accepts (\(limit >> 10) KB)")
    }
}
