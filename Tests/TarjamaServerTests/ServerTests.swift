import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TarjamaMatch
import TarjamaMemory
import TarjamaServer
import TarjamaTestStore

/// A desk's memory behind the server, driven through Hummingbird's test client.
struct Desk {
    let dir: URL
    let store: any MemoryStore

    init(_ kind: StoreKind = .sqlite) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tarjama-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        store = try kind.make(in: dir)
        try store.add([
            UnitDraft(source: "ارتفع حجم التبادل التجاري بين البلدين بنسبة 25٪ في عام 2022.",
                      target: "Trade between the two countries rose by 25% in 2022.", createdBy: "hala"),
            UnitDraft(source: "تراجعت أسعار النفط في الأسواق العالمية اليوم.", target: "Oil prices fell on world markets today."),
            UnitDraft(source: "وصل الوفد إلى موسكو.", target: "The delegation arrived in Moscow <b>today</b>."),
        ])
    }

    func test(private isPrivate: Bool = false, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: DeskServer(store: store, isPrivate: isPrivate).router())
        try await app.test(.router, body)
    }

    static func json(_ buffer: ByteBuffer) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [.fragmentsAllowed])
    }

    static func path(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }
}

@Suite("Server")
struct ServerTests {
    static let changed = "ارتفع حجم التبادل التجاري بين البلدين بنسبة 30٪ في عام 2023."

    @Test(arguments: StoreKind.available)
    func tmserverAnswersAmaGamasListBestFirstWithQualityAsADouble(_ kind: StoreKind) async throws {
        try await Desk(kind).test { client in
            for prefix in ["/tmserver/ar/en", "/api/v1/AR_eg/en-GB"] {
                try await client.execute(uri: "\(prefix)/unit/\(Desk.path(Self.changed))?max_candidates=2", method: .get) { response in
                    #expect(response.status == .ok)
                    let text = String(buffer: response.body)
                    #expect(text.contains("\"quality\":98.0"))
                    #expect(text.contains("\"rank\":1.0"))
                    let list = try #require(try Desk.json(response.body) as? [[String: Any]])
                    #expect(list.count == 1)
                    #expect(list.first?["target"] as? String == "Trade between the two countries rose by 30% in 2023.")
                    #expect(list.first?["rank"] as? Double == 1)
                }
            }
        }
    }

    @Test func tmserverToleratesATrailingSlashAndWrapsJSONP() async throws {
        try await Desk().test { client in
            try await client.execute(uri: "/tmserver/ar/en/unit/\(Desk.path(Self.changed))/?jsoncallback=show", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("show(["))
                #expect(text.hasSuffix(");"))
            }
            try await client.execute(uri: "/tmserver/ar/en/unit/\(Desk.path(Self.changed))?callback=alert(1)", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/tmserver/languages/", method: .get) { response in
                let languages = try #require(try Desk.json(response.body) as? [String: [String]])
                #expect(languages == ["sourceLanguages": ["ar"], "targetLanguages": ["en"]])
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func myMemoryAnswersItsShapeWithProvenance(_ kind: StoreKind) async throws {
        try await Desk(kind).test { client in
            try await client.execute(uri: "/get?q=\(Desk.path(Self.changed))&langpair=ar%7Cen", method: .get) { response in
                #expect(response.status == .ok)
                let body = try #require(try Desk.json(response.body) as? [String: Any])
                #expect(body["responseStatus"] as? Int == 200)
                let data = try #require(body["responseData"] as? [String: Any])
                #expect(data["translatedText"] as? String == "Trade between the two countries rose by 30% in 2023.")
                #expect(data["match"] as? Double == 0.98)
                let first = try #require((body["matches"] as? [[String: Any]])?.first)
                #expect(first["created-by"] as? String == "hala")
                #expect(first["usage-count"] as? Int == 0)
                #expect((first["last-update-date"] as? String)?.count == 19)
            }
        }
    }

    @Test func badRequestsGetJSONErrorsNeverACrash() async throws {
        try await Desk().test { client in
            try await client.execute(uri: "/get?q=%E0%A4&langpair=ar|en", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("percent-encoding"))
            }
            try await client.execute(uri: "/get?q=x", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("langpair"))
            }
            let long = String(repeating: "كلمة ", count: 3_000)
            try await client.execute(uri: "/get?q=\(Desk.path(long))&langpair=ar|en", method: .get) { response in
                #expect(response.status == .contentTooLarge)
            }
            // A 1 MB lookup body is refused at once, as JSON.
            let huge = #"{"segments": [{"text": "\#(String(repeating: "كلمة ", count: 120_000))"}]}"#
            try await client.execute(uri: "/v1/lookup", method: .post, body: ByteBuffer(string: huge)) { response in
                #expect(response.status == .contentTooLarge)
                #expect(String(buffer: response.body).contains("\"error\""))
            }
            try await client.execute(uri: "/tmserver/ar/en/unit/x?max_candidates=5000", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("max_candidates"))
            }
        }
    }

    /// Eight clients writing fifty units each at the same moment: every unit is stored once.
    @Test(arguments: StoreKind.available)
    func eightWritersAtOnceLoseNothing(_ kind: StoreKind) async throws {
        let desk = try Desk(kind)
        let (key, _) = try AccessKeys.create(role: .write, name: "desk", in: desk.store)
        let before = try desk.store.unitCount()
        try await desk.test { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for w in 0..<8 {
                    group.addTask {
                        var ok = 0
                        for i in 0..<50 {
                            let body = #"{"source": "كتب المحرر \#(w) الجملة \#(i).", "target": "Editor \#(w) wrote sentence \#(i)."}"#
                            try await client.execute(uri: "/v1/units", method: .post, headers: [.authorization: "Bearer \(key)"],
                                                     body: ByteBuffer(string: body)) { if $0.status == .ok { ok += 1 } }
                        }
                        return ok
                    }
                }
                var answered = 0
                for try await ok in group { answered += ok }
                #expect(answered == 400)
            }
        }
        #expect(try desk.store.unitCount() == before + 400)
        #expect(try desk.store.exact("كتب المحرر 7 الجملة 49.").first?.target == "Editor 7 wrote sentence 49.")
    }

    /// OmegaT's view: each aligned unit with its neighbours' text as prev/next props; reviewed
    /// units and automatic alignments in files of their own (the latter for tm/penalty-NN); and
    /// a TMX with prev/next props gives context (101%) matches once imported.
    @Test(arguments: StoreKind.available)
    func tmxCarriesContextAndSplitsReviewedFromAutomaticUnits(_ kind: StoreKind) async throws {
        let desk = try Desk(kind)
        let article = ["بدأت القمة صباح اليوم.", "ناقش الزعيمان التجارة.", "انتهت القمة مساء."]
        let english = ["The summit began this morning.", "The two leaders discussed trade.", "The summit ended in the evening."]
        try desk.store.add(article.indices.map { k in
            UnitDraft(source: article[k], target: english[k], origin: "wire/summit.txt", position: k,
                      previousSource: k > 0 ? article[k - 1] : nil, nextSource: k + 1 < article.count ? article[k + 1] : nil,
                      confidence: 0.8)
        })
        let box = TextBox()
        try await desk.test { client in
            try await client.execute(uri: "/tmx/desk.tmx", method: .get) { response in
                let all = String(buffer: response.body)
                box.text = all
                #expect(all.contains("<prop type=\"prev\">بدأت القمة صباح اليوم.</prop>"))
                #expect(all.contains("<prop type=\"next\">انتهت القمة مساء.</prop>"))
                #expect(all.components(separatedBy: "<tu ").count - 1 == 6)
            }
            try await client.execute(uri: "/tmx/reviewed/desk.tmx", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.components(separatedBy: "<tu ").count - 1 == 3)
                #expect(!text.contains("The summit began"))
            }
            try await client.execute(uri: "/tmx/unreviewed/desk.tmx", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.components(separatedBy: "<tu ").count - 1 == 3)
                #expect(text.contains("The summit began"))
            }
        }
        let tmx = box.text
        // Another tool's TMX holds only the text props: the context comes from them.
        let foreign = tmx.replacingOccurrences(of: #"<prop type="x-context-(prev|next)">[^<]*</prop>\n"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #"<prop type="x-origin">[^<]*</prop>\n"#, with: "", options: .regularExpression)
        #expect(!foreign.contains("x-context-prev"))
        let other = try Desk(kind)
        let file = other.dir.appendingPathComponent("omegat.tmx")
        try foreign.write(to: file, atomically: true, encoding: .utf8)
        _ = try other.store.importFile(path: file.path)
        let matches = try await Matcher(store: other.store).lookup("ناقش الزعيمان التجارة.",
                                                             context: MatchContext(previousSource: "بدأت القمة صباح اليوم.", nextSource: "انتهت القمة مساء."))
        #expect(matches.first?.score == 101)
    }

    @Test(arguments: StoreKind.available)
    func tmxStreamsEveryUnitWithAnETagAndAnswers304WhenUnchanged(_ kind: StoreKind) async throws {
        let desk = try Desk(kind)
        try await desk.test { client in
            let tag: String = try await client.execute(uri: "/tmx/desk.tmx", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.components(separatedBy: "<tu ").count - 1 == 3)
                #expect(text.contains("The delegation arrived in Moscow &lt;b&gt;today&lt;/b&gt;."))
                #expect(text.hasSuffix("</tmx>\n"))
                return try #require(response.headers[.eTag])
            }
            try await client.execute(uri: "/tmx/desk.tmx", method: .get, headers: [.ifNoneMatch: tag]) { response in
                #expect(response.status == .notModified)
            }
            try desk.store.add([UnitDraft(source: "غادر الوفد موسكو.", target: "The delegation left Moscow.")])
            try await client.execute(uri: "/tmx/desk.tmx", method: .get, headers: [.ifNoneMatch: tag]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] != tag)
            }
        }
    }

    @Test func healthAndMetricsReportTheMemoryAndTheRequests() async throws {
        try await Desk().test { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                let body = try #require(try Desk.json(response.body) as? [String: Any])
                #expect(body["status"] as? String == "ok")
                #expect(body["units"] as? Int == 3)
            }
            try await client.execute(uri: "/get?q=\(Desk.path(Self.changed))&langpair=ar|en", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains("tarjama_lookups_total 1"))
                #expect(text.contains("tarjama_http_requests_total{status=\"2xx\"}"))
                #expect(text.contains("tarjama_request_duration_seconds_bucket"))
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func writesNeedAWriteKeyAndStoreNothingWithout(_ kind: StoreKind) async throws {
        let desk = try Desk(kind)
        let (writeKey, writer) = try AccessKeys.create(role: .write, name: "omegat-desk", in: desk.store)
        let (readKey, _) = try AccessKeys.create(role: .read, name: "viewer", in: desk.store)
        let source = "غادر الوفد موسكو صباح اليوم."
        let uri = "/tmserver/ar/en/unit/\(Desk.path(source))"
        let body = ByteBuffer(string: #"{"target": "The delegation left Moscow this morning."}"#)
        try await desk.test { client in
            try await client.execute(uri: uri, method: .put, body: body) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: uri, method: .put, headers: [.authorization: "Bearer \(readKey)"], body: body) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: uri, method: .put, headers: [.authorization: "Bearer tj_0000"], body: body) {
                #expect($0.status == .forbidden)
            }
            #expect(try desk.store.exact(source).isEmpty)
            try await client.execute(uri: uri, method: .put, headers: [.authorization: "Bearer \(writeKey)"], body: body) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"added\":1"))
            }
            let stored = try #require(try desk.store.exact(source).first)
            #expect(stored.createdBy == "omegat-desk")
            try await client.execute(uri: "/set?seg=\(Desk.path("وصل الوفد إلى بكين."))&tra=\(Desk.path("The delegation arrived in Beijing."))&langpair=ar|en",
                                     method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/set?seg=\(Desk.path("وصل الوفد إلى بكين."))&tra=\(Desk.path("The delegation arrived in Beijing."))&langpair=ar|en&key=\(writeKey)",
                                     method: .get) { #expect($0.status == .ok) }
            #expect(try desk.store.exact("وصل الوفد إلى بكين.").count == 1)
            #expect(try desk.store.revokeKey(id: writer.id))
            try await client.execute(uri: uri, method: .put, headers: [.authorization: "Bearer \(writeKey)"], body: body) {
                #expect($0.status == .forbidden)
            }
        }
    }

    @Test func aPrivateServerAnswersLookupsOnlyWithAKey() async throws {
        let desk = try Desk()
        let (readKey, _) = try AccessKeys.create(role: .read, name: "viewer", in: desk.store)
        try await desk.test(private: true) { client in
            try await client.execute(uri: "/get?q=\(Desk.path(Self.changed))&langpair=ar|en", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/get?q=\(Desk.path(Self.changed))&langpair=ar|en&key=\(readKey)", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/tmx/desk.tmx", method: .get, headers: [.authorization: "Bearer \(readKey)"]) { #expect($0.status == .ok) }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    /// Two servers on one memory (two processes behind a load balancer): a unit written
    /// through one is found through the other at once.
    @Test(arguments: StoreKind.available.filter { $0 != .dictionary })
    func aWriteThroughOneServerIsSeenByAnotherAtOnce(_ kind: StoreKind) async throws {
        let desk = try Desk(kind)
        let other = try kind.reopen(desk.store.location)
        let (key, _) = try AccessKeys.create(role: .write, name: "desk", in: desk.store)
        let first = Application(router: DeskServer(store: desk.store).router())
        // One server object for both sessions: its matcher's cached statistics must follow the write.
        let secondServer = DeskServer(store: other)
        let second = Application(router: secondServer.router())
        let source = "أعلنت الحكومة خطة جديدة لدعم المزارعين في الجنوب."
        try await second.test(.router) { client in
            try await client.execute(uri: "/get?q=\(Desk.path(source))&langpair=ar|en", method: .get) { response in
                #expect(String(buffer: response.body).contains("\"matches\":[]"))
            }
        }
        try await first.test(.router) { client in
            try await client.execute(uri: "/tmserver/ar/en/unit/\(Desk.path(source))", method: .put,
                                     headers: [.authorization: "Bearer \(key)"],
                                     body: ByteBuffer(string: #"{"target": "The government announced a new plan to support farmers in the south."}"#)) {
                #expect($0.status == .ok)
            }
        }
        try await Application(router: secondServer.router()).test(.router) { client in
            try await client.execute(uri: "/get?q=\(Desk.path(source))&langpair=ar|en", method: .get) { response in
                #expect(String(buffer: response.body).contains("support farmers in the south"))
            }
        }
    }

    /// The search page shows the match with what changed marked, and escapes whatever the memory
    /// holds: a stored `<script>` is text, never markup.
    @Test func theSearchPageShowsMatchesAndEscapesStoredMarkup() async throws {
        let desk = try Desk()
        try desk.store.add([UnitDraft(source: "نشر الموقع رمزا خبيثا.", target: "The site published <script>alert('x')</script> code.")])
        try await desk.test { client in
            try await client.execute(uri: "/search?q=\(Desk.path(Self.changed))", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let html = String(buffer: response.body)
                #expect(html.contains("98%"))
                #expect(html.contains("<del>25٪</del><ins>30٪</ins>"))
                #expect(html.contains("rose by 30% in 2023"))
            }
            try await client.execute(uri: "/search?q=\(Desk.path("نشر الموقع رمزا خبيثا."))", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(!html.contains("<script>"))
                #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
            }
            try await client.execute(uri: "/search?q=%3Cscript%3E&side=target", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(!html.contains("<script>"))
                #expect(html.contains("value=\"&lt;script&gt;\""))
            }
        }
    }
}

/// Text handed out of a test client's closure.
final class TextBox: @unchecked Sendable {
    var text = ""
}
