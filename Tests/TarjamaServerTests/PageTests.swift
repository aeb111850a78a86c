import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TarjamaMemory
import TarjamaServer
import TarjamaTestStore

/// The pages' routes through Hummingbird's test client (a real browser runs them too:
/// BrowserTests): alignment review, units, pre-translation; on every store.
@Suite("Pages")
struct PageTests {
    static let arabic = "وصل الرئيس إلى القاهرة صباح الأحد. وقال إن المحادثات ستتناول التجارة والطاقة.\nوأضاف أن الزيارة تستمر ثلاثة أيام."
    static let english = "The president arrived in Cairo on Sunday morning. He said the talks would cover trade and energy.\nHe added that the visit would last three days."

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: fields.map { "\($0.0)=\(Desk.path($0.1))" }.joined(separator: "&"))
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// Creates a review through the form; its id from the redirect.
    static func newReview(_ client: any TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/review", method: .post, headers: formHeaders,
                                 body: form([("name", "wire/cairo"), ("arabic", arabic), ("english", english)])) { response in
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix("/review/"))
            return String(location.dropFirst("/review/".count))
        }
    }

    @Test(arguments: StoreKind.available)
    func aReviewIsAlignedChangedSavedAndStoredWithAKey(_ kind: StoreKind) async throws {
        let desk = try Desk(kind)
        let key = try AccessKeys.create(role: .write, name: "reviewer", in: desk.store).key
        try await desk.test { client in
            let id = try await Self.newReview(client)
            var revision: Int64 = 1
            func act(_ fields: [(String, String)]) async throws -> String {
                try await client.execute(uri: "/review/\(id)", method: .post, headers: Self.formHeaders,
                                         body: Self.form(fields + [("revision", String(revision))])) { response in
                    #expect(response.status == .seeOther)
                    return response.headers[.location] ?? ""
                }
            }
            try await client.execute(uri: "/review/\(id)", method: .get) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("3 beads: 3 open"))
                #expect(page.contains("He added that the visit would last three days."))
            }
            #expect(try await act([("op", "confirm"), ("bead", "0")]).hasSuffix("#b1"))
            revision += 1
            _ = try await act([("op", "merge"), ("bead", "1")])
            revision += 1
            // A stale revision is not applied: the page says why.
            let stale = try await client.execute(uri: "/review/\(id)", method: .post, headers: Self.formHeaders,
                                                 body: Self.form([("op", "confirm"), ("bead", "0"), ("revision", "1")])) { $0.headers[.location] ?? "" }
            #expect(stale.contains("changed%20elsewhere"))
            _ = try await act([("op", "confirm"), ("bead", "1")])
            revision += 1
            // Without a key nothing is stored; with one, the two confirmed beads are.
            #expect(try await act([("op", "store")]).contains("Nothing%20stored"))
            #expect(try await act([("op", "store"), ("key", key)]).contains("Stored%202%20confirmed%20beads"))
            revision += 1
            #expect(try await act([("op", "split"), ("bead", "0")]).contains("stored%20in%20the%20memory%20already"))
        }
        let stored = try desk.store.exact("وصل الرئيس إلى القاهرة صباح الأحد.")
        #expect(stored.first?.origin == "wire/cairo")
        #expect(stored.first?.confidence == 1)
        #expect(stored.first?.createdBy == "reviewer")
        let merged = try desk.store.exact("وقال إن المحادثات ستتناول التجارة والطاقة. وأضاف أن الزيارة تستمر ثلاثة أيام.")
        #expect(merged.first?.target == "He said the talks would cover trade and energy. He added that the visit would last three days.")
        #expect(try desk.store.reviews().count == 1)
    }

    /// Text from an article is shown as text on the review page, never as markup.
    @Test func reviewPagesEscapeTheArticles() async throws {
        let desk = try Desk()
        try await desk.test { client in
            let location = try await client.execute(uri: "/review", method: .post, headers: Self.formHeaders,
                                                    body: Self.form([("name", "<i>wire</i>"), ("arabic", "وصل الوفد <script>x()</script>."),
                                                                     ("english", "The delegation <b>arrived</b>.")])) { $0.headers[.location] ?? "" }
            try await client.execute(uri: location, method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("&lt;script&gt;x()&lt;/script&gt;") && !page.contains("<script>x()"))
                #expect(page.contains("&lt;b&gt;arrived&lt;/b&gt;") && page.contains("&lt;i&gt;wire&lt;/i&gt;"))
            }
            try await client.execute(uri: "/review", method: .get) { response in
                #expect(String(buffer: response.body).contains("&lt;i&gt;wire&lt;/i&gt;"))
            }
        }
    }

    /// The root leads to the search page; the pre-translate form is served; a browser on the
    /// allowed origin may use the API with a key (CORS), another origin gets no CORS answer.
    @Test func rootFormAndCrossOriginRequests() async throws {
        let desk = try Desk()
        try await desk.test { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/search")
            }
            try await client.execute(uri: "/pretranslate", method: .get) { response in
                #expect(String(buffer: response.body).contains("<textarea id=article1"))
            }
        }
        let app = Application(router: DeskServer(store: desk.store, cors: "https://desk.example").router())
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/units/1", method: .options,
                                     headers: [.origin: "https://desk.example", .accessControlRequestMethod: "PATCH"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "https://desk.example")
                #expect(response.headers[.accessControlAllowMethods]?.contains("PATCH") == true)
                #expect(response.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
            }
        }
    }

    @Test func aHeldBackReviewFileBecomesAReview() async throws {
        let desk = try Desk()
        let file = "# comment\nwire/a.txt\t0.31\tوصل الوفد.\tThe delegation arrived.\nwire/a.txt\t0.28\tانتهت الزيارة.\tThe visit ended.\n"
        try await desk.test { client in
            let location = try await client.execute(uri: "/review", method: .post, headers: Self.formHeaders,
                                                    body: Self.form([("reviewfile", file)])) { $0.headers[.location] ?? "" }
            try await client.execute(uri: location, method: .get) { response in
                #expect(String(buffer: response.body).contains("2 beads: 2 open"))
            }
            let bad = try await client.execute(uri: "/review", method: .post, headers: Self.formHeaders,
                                               body: Self.form([("reviewfile", "not a review file")])) { $0.headers[.location] ?? "" }
            #expect(bad.contains("cannot%20be%20read"))
        }
    }

    @Test(arguments: StoreKind.available)
    func unitsAreFilteredAndCorrectedOnlyWithAKey(_ kind: StoreKind) async throws {
        let desk = try Desk(kind)
        let key = try AccessKeys.create(role: .write, name: "editor", in: desk.store).key
        let unit = try #require(try desk.store.exact("تراجعت أسعار النفط في الأسواق العالمية اليوم.").first)
        try await desk.test { client in
            try await client.execute(uri: "/units?author=hala", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("Trade between the two countries"))
                #expect(!page.contains("Oil prices fell"))
                #expect(page.contains("&lt;b&gt;today&lt;/b&gt;") == false)   // filtered out, and escaped when shown
            }
            try await client.execute(uri: "/units", method: .get) { response in
                #expect(String(buffer: response.body).contains("&lt;b&gt;today&lt;/b&gt;"))
            }
            let refused = try await client.execute(uri: "/units/\(unit.id!)", method: .post, headers: Self.formHeaders,
                                                   body: Self.form([("op", "edit"), ("target", "Oil prices dropped.")])) { $0.headers[.location] ?? "" }
            #expect(refused.contains("Not%20changed"))
            let saved = try await client.execute(uri: "/units/\(unit.id!)", method: .post, headers: Self.formHeaders,
                                                 body: Self.form([("op", "edit"), ("target", "Oil prices dropped."), ("key", key)])) { $0.headers[.location] ?? "" }
            #expect(saved.contains("Saved%20unit"))
        }
        #expect(try desk.store.unit(id: unit.id!)?.target == "Oil prices dropped.")
        #expect(try desk.store.revisions(id: unit.id!).count == 1)
    }

    @Test(arguments: StoreKind.available)
    func pretranslationAnswersAReportJSONAndXLIFF(_ kind: StoreKind) async throws {
        let article = "ارتفع حجم التبادل التجاري بين البلدين بنسبة 30٪ في عام 2023.\n\nتراجعت أسعار النفط في الأسواق العالمية اليوم."
        try await Desk(kind).test { client in
            try await client.execute(uri: "/pretranslate", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("min", "75"), ("name1", "oil.txt"), ("article1", article)])) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("Batch (1 articles"))
                #expect(page.contains("oil.txt"))
            }
            let body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: ["articles": [["name": "oil.txt", "text": article]], "min": 75]))
            try await client.execute(uri: "/v1/pretranslate", method: .post, body: body) { response in
                #expect(response.status == .ok)
                let json = try #require(try Desk.json(response.body) as? [String: Any])
                let articles = try #require(json["articles"] as? [[String: Any]])
                #expect((articles.first?["segments"] as? [Any])?.count == 2)
            }
            try await client.execute(uri: "/v1/pretranslate?format=xliff", method: .post, body: body) { response in
                #expect(response.status == .ok)
                let xliff = String(buffer: response.body)
                #expect(xliff.contains("<xliff") && xliff.contains("Oil prices fell on world markets today."))
            }
            try await client.execute(uri: "/v1/pretranslate", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}
