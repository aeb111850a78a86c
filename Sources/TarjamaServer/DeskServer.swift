import Foundation
import Hummingbird
import Logging
import NIOCore
import TarjamaMatch
import TarjamaMemory

/// `tarjama serve`: one memory for a whole desk over HTTP, in the protocols CAT tools already
/// speak (amaGama/tmserver, MyMemory, TMX for OmegaT), with health and Prometheus metrics.
///
/// Handlers never block the server's threads: lookups go through the matcher's async entry,
/// other store reads through `offload`, both on Dispatch's threads. The matcher follows the
/// store's generation, so units written by any process are found at once.
/// ```swift
/// let server = DeskServer(store: try SQLiteMemory(path: "Memories/desk.tmdb"), host: "127.0.0.1", port: 8080)
/// try await server.application(logger: Logger(label: "tarjama")).runService()
/// ```
public struct DeskServer: Sendable {
    public let store: any MemoryStore
    public let host: String
    public let port: Int
    /// An origin allowed to call from a browser (no CORS headers when nil).
    public let cors: String?
    /// Whether reads need a key too (on loopback they are open by default).
    public let isPrivate: Bool
    let matcher: Matcher
    let metrics: ServerMetrics

    /// Longest query text accepted, in bytes (a sentence is a few hundred).
    public static let maximumQueryBytes = 8_192
    /// Most matches one request may ask for.
    public static let maximumCandidates = 50

    public init(store: any MemoryStore, host: String = "127.0.0.1", port: Int = 8080, cors: String? = nil, isPrivate: Bool = false) {
        self.store = store
        self.host = host
        self.port = port
        self.cors = cors
        self.isPrivate = isPrivate
        matcher = Matcher(store: store)
        metrics = ServerMetrics()
    }

    /// Whether `host` only listens on this machine.
    public static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost"
    }

    /// The router with every route, for the application and for tests.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        if let cors { router.add(middleware: CORSMiddleware(allowOrigin: .custom(cors), allowHeaders: [.accept, .authorization, .contentType, .origin], allowMethods: [.get, .put, .post, .patch, .delete])) }

        router.get("healthz") { _, _ in   // open: load balancers ask it
            let units = try await offload { try store.unitCount() }
            return JSONBody(["status": "ok", "units": units] as [String: any Sendable])
        }
        router.get("metrics") { _, _ in
            var buffer = [UInt8]()
            metrics.registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        TMServerRoutes(server: self).add(to: router)
        MyMemoryRoutes(server: self).add(to: router)
        TMXRoutes(server: self).add(to: router)
        APIRoutes(server: self).add(to: router)
        ExchangeRoutes(server: self).add(to: router)
        SearchPage(server: self).add(to: router)
        ReviewPages(server: self).add(to: router)
        UnitPages(server: self).add(to: router)
        PretranslatePages(server: self).add(to: router)
        router.get("/") { _, _ in Page.redirect("/search") }
        return router
    }

    public func application(logger: Logger) -> some ApplicationProtocol {
        Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "Tarjama"),
                    logger: logger)
    }

    /// Best matches for a text, counted in the metrics.
    func lookup(_ text: String, context: MatchContext = MatchContext(), minimum: Int, limit: Int,
                filter: UnitFilter = .all) async throws -> [Match] {
        metrics.lookups.increment()
        return try await matcher.lookup(text, context: context, options: MatchOptions(minimum: minimum, limit: limit, filter: filter))
    }
}

/// Runs blocking store work on Dispatch's threads, off the server's.
func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
