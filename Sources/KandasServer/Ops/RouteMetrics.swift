import HTTPServer
import Synchronization

/// Request counters by route and status, and latency histograms by route, for `/metrics`.
///
/// Every label comes from a bounded set, whatever clients send (issue 14 finding 1: one series per
/// unknown method let unauthenticated requests grow memory without bound): methods outside
/// ``knownMethods`` are `other`, routes are the router's templates (``setRoutes(_:)``) or `-`,
/// statuses are the server's own three-digit codes.
final class RouteMetrics: Sendable {
    static let buckets: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000]
    /// RFC 9110 §9 methods plus PATCH; anything else is counted as `other`.
    static let knownMethods: Set<String> = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT",
    ]

    struct Latency {
        var counts = [Int64](repeating: 0, count: RouteMetrics.buckets.count + 1)
        var sum: Double = 0
    }

    /// A request counter's labels, kept apart: rendered only for the exposition, not per request
    /// (an interpolated label string per request was a percent of a poll's CPU, issue 15).
    struct RequestLabels: Hashable {
        var method: String
        var route: String
        var status: String

        var text: String { "method=\"\(method)\",route=\"\(route)\",status=\"\(status)\"" }
    }

    struct State {
        var requests: [RequestLabels: Int64] = [:]
        var latency: [String: Latency] = [:]
        var errors: [String: Int64] = [:]
    }

    private let state = Mutex(State())
    /// The router's templates; a route label outside them (none is expected) becomes `-`.
    private let routes = Mutex<Set<String>?>(nil)

    /// Declares the route templates the router has (called once the router is built).
    func setRoutes(_ templates: Set<String>) { routes.withLock { $0 = templates } }

    /// The label values for one request: each from a bounded set.
    func labels(_ entry: AccessLogEntry) -> (method: String, route: String, status: String) {
        let method = Self.knownMethods.contains(entry.method) ? entry.method : "other"
        let known = routes.withLock { $0 }
        let route =
            if let known { known.contains(entry.route) ? entry.route : "-" } else {
                entry.route.hasPrefix("/") && entry.route.utf8.count <= 128 ? entry.route : "-"
            }
        let status = (100...599).contains(entry.status) ? String(entry.status) : "other"
        // Checked on the bytes first: Foundation's replacing is a tenth of a cheap request's cost (issue 15).
        guard route.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C }) else { return (method, route, status) }
        return (method, route.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "\\", with: ""), status)
    }

    /// How many series the exposition has (for tests and the flood check).
    var seriesCount: Int { state.withLock { $0.requests.count + $0.errors.count + $0.latency.count } }

    func record(_ entry: AccessLogEntry) {
        let (method, route, status) = labels(entry)
        let index = RouteMetrics.buckets.firstIndex { entry.durationMs <= $0 } ?? RouteMetrics.buckets.count
        let labels = RequestLabels(method: method, route: route, status: status)
        state.withLock { s in
            s.requests[labels, default: 0] += 1
            // In place: a copy out and back made the counts' array copy itself on every request.
            s.latency[route, default: Latency()].counts[index] += 1
            s.latency[route, default: Latency()].sum += entry.durationMs
            if entry.status >= 500 { s.errors["route=\"\(route)\"", default: 0] += 1 }
        }
    }

    /// Prometheus text format 0.0.4.
    func prometheusText() -> String {
        let s = state.withLock { $0 }
        var out = "# TYPE kandas_http_requests_total counter\n"
        for (labels, n) in s.requests.map({ ($0.key.text, $0.value) }).sorted(by: { $0.0 < $1.0 }) {
            out += "kandas_http_requests_total{\(labels)} \(n)\n"
        }
        out += "# TYPE kandas_http_errors_total counter\n"
        for (labels, n) in s.errors.sorted(by: { $0.key < $1.key }) {
            out += "kandas_http_errors_total{\(labels)} \(n)\n"
        }
        out += "# TYPE kandas_http_request_duration_ms histogram\n"
        for (route, l) in s.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative: Int64 = 0
            for (i, bound) in RouteMetrics.buckets.enumerated() {
                cumulative += l.counts[i]
                out += "kandas_http_request_duration_ms_bucket{route=\"\(route)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            cumulative += l.counts[RouteMetrics.buckets.count]
            out += "kandas_http_request_duration_ms_bucket{route=\"\(route)\",le=\"+Inf\"} \(cumulative)\n"
            out += "kandas_http_request_duration_ms_sum{route=\"\(route)\"} \(l.sum)\n"
            out += "kandas_http_request_duration_ms_count{route=\"\(route)\"} \(cumulative)\n"
        }
        return out
    }
}
