import Foundation
import KandasTestSupport
import Testing

/// A live server with the demo organisation plus the IDs the tests need, gathered through the API.
final class Fixture: @unchecked Sendable {
    // @unchecked: set up once in init, then only read by the one test that owns it.
    let server: ServerProcess
    let seed: ServerProcess.SeedInfo
    let admin: TestHTTPClient
    var ids: [String: String] = [:]
    private var keyCounter = 0

    /// Tables that change on authentication alone (last use), left out of "nothing changed" digests.
    static let activityTables: Set<String> = ["sessions", "device_tokens", "device_activity", "device_days"]

    /// - Parameters:
    ///   - arguments: extra `kandas-server serve` settings (e.g. `--upload-sweep-seconds 1`).
    ///   - engine: the store's engine (the suites that matter run on both).
    ///   - cluster: the PostgreSQL cluster (nil: the shared one), for a test that stops its database.
    init(
        arguments: [String] = [], environment: [String: String] = [:], engine: StoreEngine = .sqlite,
        cluster: PostgresCluster? = nil
    ) throws {
        server = try ServerProcess(arguments: arguments, environment: environment, engine: engine, cluster: cluster)
        guard let seed = server.seed else { throw TestSupportError("no seed") }
        self.seed = seed
        admin = try server.login("admin")
    }

    func user(_ name: String) -> String { seed.users[name]?.id ?? "" }

    /// A fresh Idempotency-Key.
    func key() -> String {
        keyCounter += 1
        return "test-\(keyCounter)-" + UUID().uuidString.lowercased().prefix(8)
    }

    /// The digest of every domain table (activity tables excluded).
    func digest() throws -> String {
        try server.storeDigest(excluding: Self.activityTables)
    }

    /// Enrolls a device for a seeded worker with its demo code; returns the token response.
    func enroll(_ worker: String) throws -> [String: Any] {
        let code = seed.codes[worker] ?? ""
        let r = try server.client.json(
            "POST", "/v1/auth/enroll",
            "{\"code\":\"\(code)\",\"device_uuid\":\"\(UUID().uuidString.lowercased())\",\"platform\":\"cli\","
                + "\"app_version\":\"1.0.0\"}", idempotencyKey: key())
        guard r.status == 200 else { throw TestSupportError("enroll failed: \(r)") }
        return r.object
    }

    /// The first item of a JSON page, or the object itself.
    static func first(_ r: TestResponse) -> [String: Any] {
        ((r.object["items"] as? [[String: Any]]) ?? []).first ?? [:]
    }

    /// Fills `ids` with one object of every kind, all in the first centre of the first region.
    func collectIDs() throws {
        ids["regions"] = seed.regions[0]
        ids["career-centres"] = seed.centres[0]
        ids["users"] = user("worker111")
        let device = try enroll("worker111")
        ids["devices"] = device["device_id"] as? String
        ids["device_access"] = device["access_token"] as? String
        let code = try admin.json(
            "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(user("worker112"))\"}", idempotencyKey: key())
        ids["enrollment-codes"] = code.object["id"] as? String
        let family = seed.families[0]
        ids["families"] = family
        let detail = try admin.get("/v1/admin/families/\(family)")
        ids["members"] = ((detail.object["members"] as? [[String: Any]]) ?? []).first?["id"] as? String
        let plan = Self.first(try admin.get("/v1/admin/plans?family_id=\(family)"))
        ids["plans"] = plan["id"] as? String
        let planDetail = try admin.get("/v1/admin/plans/\(ids["plans"] ?? "")")
        ids["plan-items"] = ((planDetail.object["items"] as? [[String: Any]]) ?? []).first?["id"] as? String
        try collectSyncIDs(device: device["device_id"] as? String ?? "")
        try collectStayIDs()
        try collectRules2IDs()
    }

    /// The pattern with `:id` replaced by the fixture's object of that kind (nil when none is known).
    func path(for pattern: String) -> String? {
        var out: [String] = []
        let parts = pattern.split(separator: "/").map(String.init)
        for (i, part) in parts.enumerated() {
            if part.hasPrefix(":") {
                guard i > 0, let id = ids[parts[i - 1]] else { return nil }
                out.append(id)
            } else {
                out.append(part)
            }
        }
        return "/" + out.joined(separator: "/")
    }

    /// A completion with a file and a duplicate-completion conflict, pushed by worker111's device.
    func collectSyncIDs(device: String) throws {
        let family = seed.families[1]
        let detail = try admin.get("/v1/admin/families/\(family)")
        let member = ((detail.object["members"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        let plan = Self.first(try admin.get("/v1/admin/plans?family_id=\(family)"))["id"] as? String ?? ""
        let item = try admin.json(
            "POST", "/v1/admin/plans/\(plan)/items",
            "{\"member_id\":\"\(member)\",\"service_code\":9,\"due_date\":\"2026-12-20\"}", idempotencyKey: key())
        let itemID = item.object["id"] as? String ?? ""
        let attachment = UUID().uuidString.lowercased()
        var events: [String] = []
        for seq in 1...2 {
            let files =
                seq == 1
                ? "[{\"attachment_id\":\"\(attachment)\",\"kind\":\"photo\",\"content_type\":\"image/jpeg\","
                    + "\"size\":10,\"sha256\":\"\(String(repeating: "0", count: 64))\","
                    + "\"captured_at\":\"2026-11-20T05:00:00.000Z\",\"source\":\"camera\"}]" : "[]"
            events.append(
                "{\"event_id\":\"\(UUID().uuidString.lowercased())\",\"device_seq\":\(seq),\"type\":\"complete\","
                    + "\"item_id\":\"\(itemID)\",\"base_version\":1,\"recorded_at\":\"2026-11-20T06:00:00.000Z\","
                    + "\"payload\":{\"completion_id\":\"\(UUID().uuidString.lowercased())\",\"member_id\":\"\(member)\","
                    + "\"performed_at\":\"2026-11-20T05:30:00.000Z\",\"files\":\(files)}}")
        }
        let push = try server.client.authorized(ids["device_access"] ?? "").json(
            "POST", "/v1/sync/push",
            "{\"device_id\":\"\(device)\",\"sent_at\":\"2026-11-20T06:00:00.000Z\",\"events\":["
                + events.joined(separator: ",") + "]}")
        let results = push.object["results"] as? [[String: Any]] ?? []
        ids["completions"] = results.first?["completion_id"] as? String
        ids["conflicts"] = (results.last?["conflict_ids"] as? [String])?.first
        ids["attachments"] = attachment
        // Any well-formed upload id: authorisation is decided before the upload is looked up.
        ids["uploads"] = String(repeating: "ab", count: 16)
        // Any well-formed delivery id: another centre's or region's caller gets 404 either way; the
        // forwarding tests check the scope on real deliveries (CardForwardTests).
        ids["card-forwards"] = UUID().uuidString.lowercased()
        guard ids["completions"] != nil, ids["conflicts"] != nil else {
            throw TestSupportError("sync fixture: \(push)")
        }
    }
}
