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
        let admin = try app.database.readSync { db in
            try db.queryOne("SELECT id FROM users WHERE username = 'admin'")?.string("id") ?? ""
        }
        let (region, iin, worker) = try app.database.readSync { db in
            let row = try db.queryOne(
                "SELECT c.region_id, m.iin, c.user_id FROM completions c JOIN members m ON m.id = c.member_id LIMIT 1")
            return (
                row?.optionalString("region_id") ?? "", row?.optionalString("iin") ?? "",
                row?.optionalString("user_id") ?? ""
            )
        }
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
        let dashboard = ConsoleTable.all.first { $0.pattern == "/console/dashboard" }
        for (label, query, route) in pages.map({ ($0.0, $0.1, route) }) + [("dashboard", [], dashboard ?? route)] {
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

    /// Inserts `count` completions spread over the demo's items, workers, months and review states.
    static func fill(_ app: KandasApp, completions count: Int) throws {
        try app.database.writeSync { db in
            let items = try db.query(
                "SELECT i.id, i.plan_id, i.family_id, i.member_id, i.service_code, f.region_id, f.career_centre_id,"
                    + " (SELECT user_id FROM family_workers w WHERE w.family_id = f.id LIMIT 1) AS worker"
                    + " FROM plan_items i JOIN families f ON f.id = i.family_id ORDER BY i.rowid")
            let states = ["pending", "pending", "approved", "has_issues", "rejected"]
            let base: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
            try db.transaction {
                let statement = try db.prepare(
                    "INSERT INTO completions(id, item_id, plan_id, family_id, member_id, region_id, career_centre_id,"
                        + " service_code, device_id, user_id, state, rev, is_primary, performed_at, recorded_at,"
                        + " received_at, clock_skew_ms, note, location, files_declared, files_verified, review_state,"
                        + " event_seq, created_at, updated_at)"
                        + " VALUES(?,?,?,?,?,?,?,?,?,?,'active',1,1,?,?,?,0,?,?,2,?,?,?,?,?)")
                let files = try db.prepare(
                    "INSERT INTO attachments(id, completion_id, device_id, position, kind, content_type, size, sha256,"
                        + " captured_at, source, state, received_bytes, verified_at, declared_at)"
                        + " VALUES(?,?,'00000000-0000-4000-8000-000000000001',?,?,?,1000,?,?,'camera',?,0,?,0)")
                for n in 0..<count {
                    let item = items[n % items.count]
                    let completionID = UUID().uuidString.lowercased()
                    let performed = base + Int64(n) * 280_000  // about 10 months for 100,000 rows
                    try statement.bind([
                        .text(completionID), item["id"], item["plan_id"], item["family_id"],
                        item["member_id"], item["region_id"], item["career_centre_id"], item["service_code"],
                        .text("00000000-0000-4000-8000-000000000001"), item["worker"], .integer(performed),
                        .integer(performed + 60_000), .integer(performed + 120_000), .text("bench note \(n)"),
                        .text(
                            "{\"latitude\":43.2,\"longitude\":76.9,\"accuracy_m\":10,\"fix_time\":\"2026-01-01T00:00:00Z\",\"provider\":\"gps\",\"mock\":false}"
                        ),
                        .integer(Int64(n % 3 == 0 ? 1 : 2)), .text(states[n % states.count]), .integer(Int64(n + 1)),
                        .integer(performed), .integer(performed),
                    ])
                    try statement.run()
                    // Two files each: a verified photo and a video, still receiving for every third completion.
                    for position in 0..<2 {
                        let verified = position == 0 || n % 3 != 0
                        try files.bind([
                            .text(UUID().uuidString.lowercased()), .text(completionID), .integer(Int64(position)),
                            .text(position == 0 ? "photo" : "video"),
                            .text(position == 0 ? "image/jpeg" : "video/mp4"),
                            .text(String(repeating: position == 0 ? "a" : "b", count: 64)), .integer(performed),
                            .text(verified ? "verified" : "receiving"),
                            verified ? .integer(performed + 86_400_000) : .null,
                        ])
                        try files.run()
                    }
                }
            }
            _ = try db.run("ANALYZE")
        }
    }
}
