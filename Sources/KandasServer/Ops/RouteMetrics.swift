import HTTPServer
import Synchronization

/// Request counters by route and status, and latency histograms by route, for `/metrics`.
final class RouteMetrics: Sendable {
    static let buckets: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000]

    struct Latency {
        var counts = [Int64](repeating: 0, count: RouteMetrics.buckets.count + 1)
        var sum: Double = 0
    }

    struct State {
        var requests: [String: Int64] = [:]
        var latency: [String: Latency] = [:]
        var errors: [String: Int64] = [:]
    }

    private let state = Mutex(State())

    func record(_ entry: AccessLogEntry) {
        let route = entry.route.replacingOccurrences(of: "\"", with: "")
        state.withLock { s in
            s.requests["method=\"\(entry.method)\",route=\"\(route)\",status=\"\(entry.status)\"", default: 0] += 1
            var l = s.latency[route] ?? Latency()
            let index = RouteMetrics.buckets.firstIndex { entry.durationMs <= $0 } ?? RouteMetrics.buckets.count
            l.counts[index] += 1
            l.sum += entry.durationMs
            s.latency[route] = l
            if entry.status >= 500 { s.errors["route=\"\(route)\"", default: 0] += 1 }
        }
    }

    /// Prometheus text format 0.0.4.
    func prometheusText() -> String {
        let s = state.withLock { $0 }
        var out = "# TYPE kandas_http_requests_total counter\n"
        for (labels, n) in s.requests.sorted(by: { $0.key < $1.key }) {
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
