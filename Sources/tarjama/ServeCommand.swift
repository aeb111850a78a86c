import ArgumentParser
import Foundation
import Logging
import TarjamaCommandSupport
import TarjamaServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the memory over HTTP to a desk's CAT tools and scripts.",
        discussion: """
        Lookups in the protocols CAT tools already speak, so they need no plugin:
          amaGama / tmserver (Weblate, Okapi, Virtaal)  GET /tmserver/ar/en/unit/TEXT?min_similarity=75&max_candidates=3
          MyMemory (MateCat, scripts)                  GET /get?q=TEXT&langpair=ar|en
          OmegaT remote TMX                            GET /tmx/desk.tmx
        Writes need a write key (tarjama key create --role write): PUT /tmserver/ar/en/unit/TEXT with
        {"target": "…"} and Authorization: Bearer KEY, or GET /set?seg=…&tra=…&langpair=ar|en&key=KEY.
        And GET /healthz, GET /metrics (Prometheus). Stops cleanly on Ctrl-C or SIGTERM (requests in
        flight finish). Listens on loopback unless --host says otherwise.

        Examples:
          tarjama serve --memory Memories/desk.tmdb
          tarjama serve --memory postgres://tarjama@db/newsroom --host 0.0.0.0 --port 8080
        """)

    @OptionGroup var options: MemoryOptions
    @Option(help: "Address to listen on (127.0.0.1: this machine only).") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "A web origin allowed to call the server from a browser (CORS).") var cors: String?
    @Flag(help: "Lookups need a read key too (writes always need a write key).") var `private` = false

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port must be 1-65535, got \(port)") }
    }

    func run() async throws {
        let store = try options.open()
        var logger = Logger(label: "tarjama.serve")
        logger.logLevel = .info
        if !DeskServer.isLoopback(host) {
            warn("tarjama: listening on \(host): other machines can \(`private` ? "use" : "read") this memory; writes need keys (tarjama key create --role write)")
        }
        warn("serving \(store.location) on http://\(host):\(port) (Ctrl-C stops)")
        let server = DeskServer(store: store, host: host, port: port, cors: cors, isPrivate: `private`)
        try await server.application(logger: logger).runService()
    }
}
