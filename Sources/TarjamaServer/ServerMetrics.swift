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
        // Descriptor names join metric and unit with "_": tarjama_lookups + total = tarjama_lookups_total.
        lookups = registry.makeCounter(descriptor: .init(metricName: "tarjama_lookups", unitName: "total", helpText: "Lookups answered."))
        writes = registry.makeCounter(descriptor: .init(metricName: "tarjama_units_written", unitName: "total",
                                                        helpText: "Units written through the server."))
        latency = registry.makeDurationHistogram(
            descriptor: .init(metricName: "tarjama_request_duration", unitName: "seconds", helpText: "Time to answer a request."),
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)])
    }

    func requests(status: Int) -> Counter {
        registry.makeCounter(descriptor: .init(metricName: "tarjama_http_requests", unitName: "total",
                                               helpText: "Requests answered, by status class."),
                             labels: [("status", "\(status / 100)xx")])
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
