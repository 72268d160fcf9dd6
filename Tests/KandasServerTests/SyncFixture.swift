import Foundation
import KandasTestSupport
import Testing

/// A live server plus enrolled devices and helpers to build events, push and pull.
final class SyncFixture: @unchecked Sendable {
    // @unchecked: owned by the one test that created it; never shared across tasks.
    let base: Fixture
    var server: ServerProcess { base.server }

    /// One enrolled device with its own `device_seq` counter.
    final class Device: @unchecked Sendable {
        // @unchecked: used by one test thread at a time.
        let id: String
        let token: String
        var client: TestHTTPClient
        var seq = 0
        var cursor: String?
        init(id: String, token: String, client: TestHTTPClient) {
            self.id = id
            self.token = token
            self.client = client
        }
        func nextSeq() -> Int {
            seq += 1
            return seq
        }
    }

    init(
        arguments: [String] = [], environment: [String: String] = [:], engine: StoreEngine = .sqlite,
        cluster: PostgresCluster? = nil
    ) throws {
        base = try Fixture(arguments: arguments, environment: environment, engine: engine, cluster: cluster)
    }

    /// Enrolls a device for `worker` with a fresh enrollment code from the admin API.
    func enroll(_ worker: String) throws -> Device {
        let code = try base.admin.json(
            "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(base.user(worker))\"}", idempotencyKey: base.key())
        guard code.status == 201, let text = code.object["code"] as? String else {
            throw TestSupportError("code: \(code)")
        }
        let r = try server.client.json(
            "POST", "/v1/auth/enroll",
            "{\"code\":\"\(text)\",\"device_uuid\":\"\(Self.uuid())\",\"platform\":\"cli\",\"app_version\":\"1.0.0\"}",
            idempotencyKey: base.key())
        guard r.status == 200, let id = r.object["device_id"] as? String,
            let token = r.object["access_token"] as? String
        else { throw TestSupportError("enroll: \(r)") }
        return Device(id: id, token: token, client: server.client.authorized(token))
    }

    /// Points a device at the server's current port (after a restart).
    func reconnect(_ device: Device) { device.client = server.client.authorized(device.token) }

    static func uuid() -> String { UUID().uuidString.lowercased() }

    static func json(_ object: Any) -> String {
        String(
            decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(),
            as: UTF8.self)
    }

    /// Pushes events (already numbered) for a device.
    func push(
        _ device: Device, _ events: [[String: Any]], sentAt: String = "2026-11-25T04:20:12.904Z"
    ) throws
        -> TestResponse
    {
        let body: [String: Any] = ["device_id": device.id, "sent_at": sentAt, "events": events]
        return try device.client.json("POST", "/v1/sync/push", Self.json(body))
    }

    /// The results of a push that must answer 200.
    func results(_ device: Device, _ events: [[String: Any]]) throws -> [[String: Any]] {
        let r = try push(device, events)
        guard r.status == 200 else { throw TestSupportError("push: \(r)") }
        return r.object["results"] as? [[String: Any]] ?? []
    }

    /// Pulls every page from the device's cursor; returns the changes and whether the first page was a reset.
    @discardableResult
    func pull(_ device: Device, limit: Int = 500) throws -> (changes: [[String: Any]], reset: Bool, pages: Int) {
        var all: [[String: Any]] = []
        var reset = false
        var pages = 0
        while true {
            let target = "/v1/sync/pull?limit=\(limit)" + (device.cursor.map { "&cursor=" + $0 } ?? "")
            let r = try device.client.get(target)
            guard r.status == 200 else { throw TestSupportError("pull: \(r)") }
            if pages == 0 { reset = r.object["reset"] as? Bool ?? false }
            pages += 1
            all += r.object["changes"] as? [[String: Any]] ?? []
            device.cursor = r.object["cursor"] as? String
            if r.object["has_more"] as? Bool != true { break }
        }
        return (all, reset, pages)
    }

    /// Adds an item to a published plan of `worker`'s first family; returns (item id, member id).
    func addItem(worker: String = "worker111", service: Int, instructions: String? = nil) throws -> (String, String) {
        let families = try base.admin.get("/v1/admin/families?limit=500")
        let family = ((families.object["items"] as? [[String: Any]]) ?? []).first {
            ($0["assigned_worker_ids"] as? [String])?.contains(base.user(worker)) == true
        }
        let familyID = try #require(family?["id"] as? String)
        let detail = try base.admin.get("/v1/admin/families/\(familyID)")
        let member = try #require(((detail.object["members"] as? [[String: Any]]) ?? []).first?["id"] as? String)
        let plans = try base.admin.get("/v1/admin/plans?family_id=\(familyID)")
        let plan = try #require(Fixture.first(plans)["id"] as? String)
        var body: [String: Any] = ["member_id": member, "service_code": service, "due_date": "2026-12-20"]
        if let instructions { body["instructions"] = instructions }
        let r = try base.admin.json(
            "POST", "/v1/admin/plans/\(plan)/items", Self.json(body), idempotencyKey: base.key())
        guard r.status == 201, let id = r.object["id"] as? String else { throw TestSupportError("item: \(r)") }
        return (id, member)
    }

    /// Changes an item through the admin API (`reschedule`, `edit`, `cancel`...); returns its new version.
    @discardableResult
    func changeItem(_ item: String, _ body: [String: Any]) throws -> Int {
        let current = try base.admin.get("/v1/admin/plan-items/\(item)")
        var b = body
        b["version"] = current.object["version"] as? Int ?? 1
        let r = try base.admin.json(
            "POST", "/v1/admin/plan-items/\(item)/changes", Self.json(b), idempotencyKey: base.key())
        guard r.status == 200 else { throw TestSupportError("change: \(r)") }
        return r.object["version"] as? Int ?? 0
    }

    static var location: [String: Any] {
        [
            "latitude": 43.22, "longitude": 76.9, "accuracy_m": 8.5, "fix_time": "2026-11-20T05:31:48.200Z",
            "provider": "gps", "mock": false,
        ]
    }

    static func file(
        kind: String = "photo", type: String = "image/jpeg", size: Int = 1000, sha: String? = nil
    )
        -> [String: Any]
    {
        [
            "attachment_id": uuid(), "kind": kind, "content_type": type, "size": size,
            "sha256": sha ?? String(repeating: "ab", count: 32), "captured_at": "2026-11-20T05:32:10.512Z",
            "source": "camera",
        ]
    }

    static func event(
        _ device: Device, _ type: String, item: String, base: Int = 1, payload: [String: Any], id: String = uuid()
    ) -> [String: Any] {
        [
            "event_id": id, "device_seq": device.nextSeq(), "type": type, "item_id": item, "base_version": base,
            "recorded_at": "2026-11-20T06:00:00.000Z", "payload": payload,
        ]
    }

    static func complete(
        _ device: Device, item: String, member: String, base: Int = 1, note: String = "done",
        files: [[String: Any]] = [], completion: String = uuid()
    ) -> [String: Any] {
        event(
            device, "complete", item: item, base: base,
            payload: [
                "completion_id": completion, "member_id": member, "performed_at": "2026-11-20T05:30:00.000Z",
                "note": note, "location": location, "files": files,
            ])
    }

    static func amend(
        _ device: Device, item: String, completion: String, baseRev: Int, changes: [String: Any],
        files: [[String: Any]]? = nil
    ) -> [String: Any] {
        var payload: [String: Any] = ["completion_id": completion, "base_completion_rev": baseRev, "changes": changes]
        if let files { payload["add_files"] = files }
        return event(device, "amend", item: item, payload: payload)
    }

    static func entities(_ changes: [[String: Any]], _ entity: String) -> [[String: Any]] {
        changes.filter { $0["entity"] as? String == entity }
    }
}
