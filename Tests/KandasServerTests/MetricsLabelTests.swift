import Foundation
import HTTPServer
import KandasTestSupport
import Testing

@testable import KandasServer

/// Issue 14 finding 1: `/metrics` labels come from bounded sets, so requests cannot grow memory.
@Suite struct MetricsLabelTests {
    static func entry(method: String, route: String, status: Int) -> AccessLogEntry {
        AccessLogEntry(
            method: method, route: route, status: status, bytesIn: 0, bytesOut: 0, durationMs: 1, requestID: "r",
            remoteAddress: "127.0.0.1")
    }

    static func randomToken(_ length: Int) -> String {
        String((0..<length).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ".randomElement()! })
    }

    @Test func unknownMethodsAndUnroutedPaths_shareOneSeriesEach() {
        let metrics = RouteMetrics()
        metrics.setRoutes(["/v1/families/:id", "/healthz"])
        metrics.record(Self.entry(method: "GET", route: "/healthz", status: 200))
        let before = metrics.seriesCount
        for i in 0..<5000 {
            metrics.record(Self.entry(method: Self.randomToken(1 + i % 64), route: "-", status: 405))
            metrics.record(Self.entry(method: "GET", route: "/v1/families/\(i)", status: 404))
        }
        // -: 405 by `other`, 404 by GET, each with one latency and no error series.
        #expect(metrics.seriesCount <= before + 3)
        let text = metrics.prometheusText()
        #expect(text.contains("method=\"other\",route=\"-\",status=\"405\""))
        #expect(!text.contains("/v1/families/1\""))
    }

    @Test func knownMethodsAndTemplates_keepTheirLabels() {
        let metrics = RouteMetrics()
        metrics.setRoutes(["/v1/families/:id"])
        metrics.record(Self.entry(method: "PATCH", route: "/v1/families/:id", status: 200))
        #expect(metrics.prometheusText().contains("method=\"PATCH\",route=\"/v1/families/:id\",status=\"200\""))
    }

    /// Floods the live server with odd methods and raw paths over keep-alive connections: the
    /// number of series in `/metrics` stays what it was after a warm-up, and RSS stays bounded.
    @Test func floodOfOddMethodsAndPaths_keepsSeriesCountAndMemoryFlat() throws {
        let server = try ServerProcess(seed: false)
        defer { server.cleanup() }
        func series() throws -> Int {
            let text = try server.client.get("/metrics").text
            return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count
        }
        func flood(_ requests: Int, batch: Int = 50) throws {
            var sent = 0
            while sent < requests {
                let client = try RawClient(port: server.port)
                var wire = ""
                for i in 0..<batch {
                    let method = Self.randomToken(Int.random(in: 500...4000))
                    let path = i % 2 == 0 ? "/v1/families/\(UUID())" : "/\(Self.randomToken(40))/\(sent + i)"
                    wire += "\(method) \(path) HTTP/1.1\r\nHost: x\r\n\r\n"
                    wire += "GET \(path)?q=\(sent + i) HTTP/1.1\r\nHost: x\r\n\r\n"
                }
                client.send(wire)
                let responses = client.readResponses(batch * 2)
                try #require(responses.count == batch * 2)
                sent += batch
            }
        }
        try flood(100)
        _ = try series()  // its own series exist from the second call on
        let warmSeries = try series()
        let warmRSS = try #require(server.residentKiB)
        try flood(1500)
        #expect(try series() == warmSeries)
        let rss = try #require(server.residentKiB)
        #expect(rss < warmRSS + 64 * 1024, "RSS grew from \(warmRSS) KiB to \(rss) KiB")
    }
}
