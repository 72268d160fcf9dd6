import SystemKit

/// Counters for `/metrics`, as a value the application renders as it likes.
public struct HTTPServerMetrics: Sendable, Equatable {
    /// Upper bounds of the latency buckets, in milliseconds (the last bucket is +Inf).
    public static let latencyBucketsMs: [Double] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000]

    /// Requests by status class: index 1 for 1xx ... 5 for 5xx (index 0 unused).
    public var requestsByStatusClass: [Int64] = Array(repeating: 0, count: 6)
    public var bytesIn: Int64 = 0
    public var bytesOut: Int64 = 0
    public var openConnections: Int64 = 0
    public var acceptedConnections: Int64 = 0
    /// Connections refused because of a cap (503 sent, or closed) or a full handler queue.
    public var shedConnections: Int64 = 0
    /// Requests the event loop answered itself (``HTTPServerHooks/answerOnLoop``), no handler thread taken.
    public var answeredOnLoop: Int64 = 0
    /// Cumulative counts per bucket of ``latencyBucketsMs`` plus one for +Inf, not cumulative.
    public var latencyBucketCounts: [Int64] = Array(repeating: 0, count: latencyBucketsMs.count + 1)
    public var latencySumMs: Double = 0

    public init() {}

    public var totalRequests: Int64 { requestsByStatusClass.reduce(0, +) }

    /// Prometheus text exposition of these counters, names prefixed by `prefix`.
    public func prometheusText(prefix: String = "http") -> String {
        var out = ""
        out += "# TYPE \(prefix)_requests_total counter\n"
        for c in 1...5 { out += "\(prefix)_requests_total{class=\"\(c)xx\"} \(requestsByStatusClass[c])\n" }
        out += "# TYPE \(prefix)_received_bytes_total counter\n\(prefix)_received_bytes_total \(bytesIn)\n"
        out += "# TYPE \(prefix)_sent_bytes_total counter\n\(prefix)_sent_bytes_total \(bytesOut)\n"
        out += "# TYPE \(prefix)_open_connections gauge\n\(prefix)_open_connections \(openConnections)\n"
        out += "# TYPE \(prefix)_shed_connections_total counter\n\(prefix)_shed_connections_total \(shedConnections)\n"
        out += "# TYPE \(prefix)_answered_on_loop_total counter\n\(prefix)_answered_on_loop_total \(answeredOnLoop)\n"
        out += "# TYPE \(prefix)_request_duration_ms histogram\n"
        var cumulative: Int64 = 0
        for (i, bound) in Self.latencyBucketsMs.enumerated() {
            cumulative += latencyBucketCounts[i]
            out += "\(prefix)_request_duration_ms_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        cumulative += latencyBucketCounts[Self.latencyBucketsMs.count]
        out += "\(prefix)_request_duration_ms_bucket{le=\"+Inf\"} \(cumulative)\n"
        out += "\(prefix)_request_duration_ms_sum \(latencySumMs)\n\(prefix)_request_duration_ms_count \(cumulative)\n"
        return out
    }
}

/// The live counters behind ``HTTPServerMetrics``, updated from loop and handler threads.
final class MetricsRecorder: Sendable {
    /// Every request of every event loop takes it: a parking lock, not a spinning `Mutex` (see ``ParkingLock``).
    private let state = ParkingLock(HTTPServerMetrics())

    var snapshot: HTTPServerMetrics { state.withLock { $0 } }

    func connectionOpened() {
        state.withLock {
            $0.openConnections += 1
            $0.acceptedConnections += 1
        }
    }

    func connectionClosed() { state.withLock { $0.openConnections -= 1 } }

    func shed() { state.withLock { $0.shedConnections += 1 } }

    func answeredOnLoop() { state.withLock { $0.answeredOnLoop += 1 } }

    func request(status: Int, bytesIn: Int64, bytesOut: Int64, durationMs: Double) {
        let bucket =
            HTTPServerMetrics.latencyBucketsMs.firstIndex { durationMs <= $0 }
            ?? HTTPServerMetrics.latencyBucketsMs.count
        state.withLock {
            $0.requestsByStatusClass[min(max(status / 100, 1), 5)] += 1
            $0.bytesIn += bytesIn
            $0.bytesOut += bytesOut
            $0.latencyBucketCounts[bucket] += 1
            $0.latencySumMs += durationMs
        }
    }
}
