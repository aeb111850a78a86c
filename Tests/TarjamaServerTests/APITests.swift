import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TarjamaMemory
import TarjamaServer
import TarjamaTestStore

/// `docs/openapi.json` read as the contract: each documented answer is checked for its status
/// and the properties the document requires.
struct OpenAPI: Sendable {
    /// The file's bytes (Sendable), parsed where needed.
    private let data: Data

    init() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/openapi.json")
        data = try Data(contentsOf: url)
        #expect(document["openapi"] as? String == "3.1.0")
    }

    var document: [String: Any] {
        (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// The schema of an answer, references resolved one level.
    func schema(_ path: String, _ method: String, _ status: Int) -> [String: Any]? {
        let paths = document["paths"] as? [String: Any]
        let operation = (paths?[path] as? [String: Any])?[method] as? [String: Any]
        let response = (operation?["responses"] as? [String: Any])?[String(status)] as? [String: Any]
        let content = (response?["content"] as? [String: Any])?["application/json"] as? [String: Any]
        return resolve(content?["schema"] as? [String: Any])
    }

    func resolve(_ schema: [String: Any]?) -> [String: Any]? {
        guard let ref = schema?["$ref"] as? String else { return schema }
        let name = ref.split(separator: "/").last.map(String.init) ?? ""
        return ((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?[name] as? [String: Any]
    }

    /// Whether `path` and `method` are documented with `status`.
    func documents(_ path: String, _ method: String, _ status: Int) -> Bool {
        let paths = document["paths"] as? [String: Any]
        let operation = (paths?[path] as? [String: Any])?[method] as? [String: Any]
        return (operation?["responses"] as? [String: Any])?[String(status)] != nil
    }

    /// Checks a JSON answer against the documented schema's required properties (objects, and
    /// the items of arrays).
    func check(_ body: ByteBuffer, _ path: String, _ method: String, _ status: Int) throws {
        #expect(documents(path, method, status), "\(method.uppercased()) \(path) → \(status) is not in docs/openapi.json")
        guard let schema = schema(path, method, status) else { return }
        let value = try JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed])
        verify(value, schema, at: "\(method.uppercased()) \(path)")
    }

    private func verify(_ value: Any, _ schema: [String: Any], at place: String) {
        if let required = schema["required"] as? [String] {
            let object = value as? [String: Any]
            #expect(object != nil, "\(place): not an object")
            for key in required { #expect(object?[key] != nil, "\(place): '\(key)' missing") }
            for (key, sub) in (schema["properties"] as? [String: Any]) ?? [:] {
                if let v = object?[key], let s = resolve(sub as? [String: Any]) { verify(v, s, at: "\(place).\(key)") }
            }
        }
        if let items = resolve(schema["items"] as? [String: Any]), let array = value as? [Any] {
            for element in array { verify(element, items, at: place + "[]") }
        }
    }
}

@Suite("Tarjama's own API against docs/openapi.json")
struct APITests {
    @Test(arguments: StoreKind.available)
    func everyV1RouteAnswersAsDocumented(_ kind: StoreKind) async throws {
        let api = try OpenAPI()
        let desk = try Desk(kind)
        let (key, _) = try AccessKeys.create(role: .write, name: "desk", in: desk.store)
        let auth: HTTPFields = [.authorization: "Bearer \(key)", .contentType: "application/json"]
        try await desk.test { client in
            let lookup = #"{"segments": [{"text": "ارتفع حجم التبادل التجاري بين البلدين بنسبة 30٪ في عام 2023."}, {"text": "وصل الوفد إلى موسكو."}], "min": 60}"#
            try await client.execute(uri: "/v1/lookup", method: .post, body: ByteBuffer(string: lookup)) { response in
                #expect(response.status == .ok)
                try api.check(response.body, "/v1/lookup", "post", 200)
                #expect(String(buffer: response.body).contains("rose by 30% in 2023"))
            }
            try await client.execute(uri: "/v1/lookup", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .badRequest)
                try api.check(response.body, "/v1/lookup", "post", 400)
            }
            let articles = #"{"articles": [{"name": "a.txt", "text": "ارتفع حجم التبادل التجاري بين البلدين بنسبة 30٪ في عام 2023."}]}"#
            try await client.execute(uri: "/v1/pretranslate", method: .post, body: ByteBuffer(string: articles)) { response in
                #expect(response.status == .ok)
                try api.check(response.body, "/v1/pretranslate", "post", 200)
            }
            try await client.execute(uri: "/v1/pretranslate", method: .post, body: ByteBuffer(string: #"{"articles": []}"#)) { response in
                #expect(response.status == .badRequest)
                try api.check(response.body, "/v1/pretranslate", "post", 400)
            }
            try await client.execute(uri: "/v1/concordance?q=\(Desk.path("الوفد"))", method: .get) { response in
                try api.check(response.body, "/v1/concordance", "get", 200)
                #expect(String(buffer: response.body).contains("Moscow"))
            }
            try await client.execute(uri: "/v1/units", method: .post, body: ByteBuffer(string: #"{"source": "غادر الوفد.", "target": "The delegation left."}"#)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/units", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"source": "غادر الوفد.", "target": "The delegation left."}"#)) { response in
                try api.check(response.body, "/v1/units", "post", 200)
            }
            let id = try #require(try desk.store.exact("غادر الوفد.").first?.id)
            try await client.execute(uri: "/v1/units/\(id)", method: .get) { response in
                try api.check(response.body, "/v1/units/{id}", "get", 200)
            }
            try await client.execute(uri: "/v1/units/\(id)", method: .patch, body: ByteBuffer(string: #"{"target": "The delegation went."}"#)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/units/\(id)", method: .patch, headers: auth, body: ByteBuffer(string: #"{"tagret": "x"}"#)) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/v1/units/\(id)", method: .patch, headers: auth,
                                     body: ByteBuffer(string: #"{"target": "The delegation went home."}"#)) { response in
                try api.check(response.body, "/v1/units/{id}", "patch", 200)
                #expect(String(buffer: response.body).contains("went home"))
            }
            try await client.execute(uri: "/v1/units/\(id)/history", method: .get) { response in
                try api.check(response.body, "/v1/units/{id}/history", "get", 200)
                #expect(String(buffer: response.body).contains(#""replaced_by":"desk""#))
                #expect(String(buffer: response.body).contains("The delegation left."))
            }
            try await client.execute(uri: "/v1/stats", method: .get) { response in
                try api.check(response.body, "/v1/stats", "get", 200)
            }
            try await client.execute(uri: "/v1/units/\(id)", method: .delete, headers: auth) { response in
                try api.check(response.body, "/v1/units/{id}", "delete", 200)
            }
            try await client.execute(uri: "/v1/units/\(id)", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/tmserver/ar/en/unit/\(Desk.path("وصل الوفد إلى موسكو."))", method: .get) { response in
                try api.check(response.body, "/tmserver/{src}/{tgt}/unit/{text}", "get", 200)
            }
            try await client.execute(uri: "/tmserver/languages", method: .get) { response in
                try api.check(response.body, "/tmserver/languages", "get", 200)
            }
            try await client.execute(uri: "/get?q=\(Desk.path("وصل الوفد إلى موسكو."))&langpair=ar|en", method: .get) { response in
                try api.check(response.body, "/get", "get", 200)
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                try api.check(response.body, "/healthz", "get", 200)
            }
        }
    }
}

@Suite("Files in and out through /v1")
struct ExchangeAPITests {
    @Test(arguments: StoreKind.available)
    func aFileIsImportedWithProgressAndTheMemoryExportedStreamed(_ kind: StoreKind) async throws {
        let desk = try Desk(kind)
        let (key, _) = try AccessKeys.create(role: .write, name: "loader", in: desk.store)
        let auth: HTTPFields = [.authorization: "Bearer \(key)"]
        let lines = (0..<300).map { "جملة رقم \($0) في الملف.\tSentence number \($0) in the file." }.joined(separator: "\n") + "\n"
        try await desk.test { client in
            try await client.execute(uri: "/v1/import?name=batch.tsv", method: .post, body: ByteBuffer(string: lines)) {
                #expect($0.status == .unauthorized)
            }
            let api = try OpenAPI()
            try await client.execute(uri: "/v1/import?name=batch.doc", method: .post, headers: auth, body: ByteBuffer(string: lines)) { response in
                #expect(response.status == .badRequest)
                try api.check(response.body, "/v1/import", "post", 400)
            }
            try await client.execute(uri: "/v1/export?format=xml", method: .get) { response in
                #expect(response.status == .badRequest)
                try api.check(response.body, "/v1/export", "get", 400)
            }
            try await client.execute(uri: "/v1/import?name=batch.tsv", method: .post, headers: auth, body: ByteBuffer(string: lines)) { response in
                #expect(response.status == .ok)
                let answer = String(buffer: response.body).split(separator: "\n")
                let last = try #require(try JSONSerialization.jsonObject(with: Data(answer.last!.utf8)) as? [String: Any])
                let report = try #require(last["report"] as? [String: Any])
                #expect(report["added"] as? Int == 300)
                #expect(answer.dropLast().allSatisfy { $0.hasPrefix("{\"progress\":") })
            }
            // A truncated TMX is refused whole: an error line, nothing stored.
            try await client.execute(uri: "/v1/import?name=cut.tmx", method: .post, headers: auth,
                                     body: ByteBuffer(string: "<?xml version=\"1.0\"?><tmx version=\"1.4\"><body><tu><tuv xml:lang=\"ar\"><seg>نص")) { response in
                #expect(String(buffer: response.body).contains("\"error\""))
            }
            try await client.execute(uri: "/v1/export?format=tsv&origin=batch.tsv", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).split(separator: "\n").count == 300)
            }
            try await client.execute(uri: "/v1/export?format=tmx", method: .get) { response in
                let tmx = String(buffer: response.body)
                #expect(tmx.components(separatedBy: "<tu ").count - 1 == 303)
                #expect(tmx.hasSuffix("</tmx>\n"))
            }
        }
        #expect(try desk.store.unitCount() == 303)
        #expect(try desk.store.exact("جملة رقم 7 في الملف.").first?.createdBy == "loader")
    }
}
