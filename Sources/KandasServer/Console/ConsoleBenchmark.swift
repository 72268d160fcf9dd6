import Foundation
import HTTPServer
import KandasProtocol
import KandasStore

/// The console list page on a large store, for `kandas-bench console`: builds a demo store with
/// `completions` rows inserted directly, then renders pages in-process through the console's own
/// dispatch (session cookie, scope, filters, HTML) and reports server time per render.
public enum ConsoleBenchmark {
    /// One measured page.
    public struct Result: Sendable {
        public var label: String
        public var milliseconds: [Double]
        public var bytes: Int
    }

    /// Builds the store in `dataDirectory` (which must be empty) and measures `renders` renders of each page.
    public static func run(dataDirectory: String, completions: Int, renders: Int) throws -> [Result] {
        var config = ServerConfig()
        config.dataDirectory = dataDirectory
        config.passwordIterations = 1000
        config.logLevel = "error"
        _ = try SeedDemo.run(config: config, password: "bench-password-1", json: true)
        let app = try KandasApp(config: config, logger: ServerCommand.logger(config))
        defer { app.pool.close() }
        try fill(app, completions: completions)
        let admin = try app.database.readSync { db in try OrganisationStore.userID(db, username: "admin") ?? "" }
        let (region, iin, worker) = try app.database.readSync { db in try sampleCompletion(db) }
        let session = try AuthHandlers.startSession(
            app, userID: admin, address: "127.0.0.1", now: app.now(), requestID: "bench")
        let route = ConsoleTable.all.first { $0.pattern == "/console/completions" && $0.method == .get }
        guard let route else { throw ServerError(.internalError, "no list route") }
        // A page deep in the list: the keyset cursor of the middle row.
        let middle = Int64(completions / 2)
        let pages: [(String, [HTTPRequest.QueryItem])] = [
            ("first page, no filter", []),
            ("page at row \(middle)", [.init(name: "before", value: String(middle))]),
            ("region + service 7", [.init(name: "region_id", value: region), .init(name: "service_code", value: "7")]),
            ("review_state=rejected", [.init(name: "review_state", value: "rejected")]),
            ("member IIN", [.init(name: "member_iin", value: iin)]),
            (
                "worker + incomplete",
                [.init(name: "worker_id", value: worker), .init(name: "completeness", value: "incomplete")]
            ),
            (
                "performed in 2026 (wide range)",
                [
                    .init(name: "performed_from", value: "2026-01-01"),
                    .init(name: "performed_to", value: "2026-12-31"),
                ]
            ),
            (
                "performed in one week",
                [
                    .init(name: "performed_from", value: "2026-03-02"),
                    .init(name: "performed_to", value: "2026-03-08"),
                ]
            ),
        ]
        var results: [Result] = []
        func other(_ pattern: String) throws -> ConsoleRoute {
            guard let r = ConsoleTable.all.first(where: { $0.pattern == pattern && $0.method == .get }) else {
                throw ServerError(.internalError, "no route \(pattern)")
            }
            return r
        }
        let dashboard = try other("/console/dashboard")
        let map = try other("/console/map")
        let regionOnly: [HTTPRequest.QueryItem] = [.init(name: "region_id", value: region)]
        // The dashboard with its charts (issue 20) and the map, whole country and one region.
        let more: [(String, [HTTPRequest.QueryItem], ConsoleRoute)] = [
            ("dashboard", [], dashboard), ("dashboard, one region", regionOnly, dashboard), ("map", [], map),
            ("map, one region", regionOnly, map),
        ]
        for (label, query, route) in pages.map({ ($0.0, $0.1, route) }) + more {
            let request = HTTPRequest(
                method: .get, target: route.pattern, path: route.pattern, query: query,
                headers: ["Cookie": "kandas_session=" + session.token], remoteAddress: "127.0.0.1", requestID: "bench")
            var times: [Double] = []
            var size = 0
            for _ in 0..<renders {
                let start = DispatchTime.now().uptimeNanoseconds
                let response = app.consoleDispatch(route, request)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                guard response.status.code == 200, case .bytes(let body) = response.body else {
                    throw ServerError(.internalError, "render failed: \(response.status.code)")
                }
                size = body.count
            }
            results.append(Result(label: label, milliseconds: times, bytes: size))
        }
        return results
    }

}
