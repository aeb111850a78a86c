import Foundation
import Hummingbird
import Prometheus

/// The server's Prometheus metrics (`GET /metrics`): requests by status class, their latency,
/// lookups and writes. One registry per server, so tests and several servers in one process do
/// not share counts (the global metrics system can be bootstrapped only once).
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let lookups: Counter
    let writes: Counter
    let latency: DurationHistogram

    init() {
        lookups = registry.makeCounter(name: "tarjama_lookups_total", help: "Lookups answered.")
        writes = registry.makeCounter(name: "tarjama_units_written_total", help: "Units written through the server.")
        latency = registry.makeDurationHistogram(
            name: "tarjama_request_duration_seconds",
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)],
            help: "Time to answer a request.")
    }

    func requests(status: Int) -> Counter {
        registry.makeCounter(name: "tarjama_http_requests_total", labels: [("status", "\(status / 100)xx")],
                             help: "Requests answered, by status class.")
    }
}

/// Counts every request and times it.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.requests(status: Int(response.status.code)).increment()
            metrics.latency.record(ContinuousClock.now - start)
            return response
        } catch let error as HTTPResponseError {
            metrics.requests(status: Int(error.status.code)).increment()
            metrics.latency.record(ContinuousClock.now - start)
            throw error
        } catch {
            metrics.requests(status: 500).increment()
            throw error
        }
    }
}
