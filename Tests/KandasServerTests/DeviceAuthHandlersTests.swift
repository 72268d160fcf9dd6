import Foundation
import KandasTestSupport
import SQLiteKit
import Testing

/// Enrollment codes and device tokens against the live server (Protocol §2.2-§2.4).
struct DeviceAuthHandlersTests {
    func enrollBody(_ code: String) -> String {
        "{\"code\":\"\(code)\",\"device_uuid\":\"\(UUID().uuidString.lowercased())\",\"platform\":\"android\","
            + "\"app_version\":\"2.1.0\"}"
    }

    @Test func enrollmentCode_worksOnce_andIsThenUsed() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let code = try #require(f.seed.codes["worker111"])
        // Lowercase with dashes and spaces: the server normalises.
        let spaced = code.lowercased().enumerated().map { $0.offset % 5 == 4 ? "\($0.element)-" : "\($0.element)" }
            .joined()
        let first = try f.server.client.json("POST", "/v1/auth/enroll", enrollBody(spaced), idempotencyKey: "e-1")
        #expect(first.status == 200, "\(first)")
        #expect((first.object["access_token"] as? String)?.hasPrefix("kda_") == true)
        #expect((first.object["refresh_token"] as? String)?.hasPrefix("kdr_") == true)
        let again = try f.server.client.json("POST", "/v1/auth/enroll", enrollBody(code), idempotencyKey: "e-2")
        #expect(again.status == 410 && again.code == "enrollment_code_used")
        let unknown = try f.server.client.json(
            "POST", "/v1/auth/enroll", enrollBody("AAAAAAAAAAAAAAAAAAAAAAAAAA"), idempotencyKey: "e-3")
        #expect(unknown.status == 401 && unknown.code == "enrollment_code_invalid")
        let me = try f.server.client.authorized(first.object["access_token"] as? String ?? "").get("/v1/auth/me")
        #expect(me.status == 200 && me.object["kind"] as? String == "device")
    }

    @Test func lostEnrollResponse_isReplayedWithTheSameKey() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let body = enrollBody(f.seed.codes["worker121"] ?? "")
        let first = try f.server.client.json("POST", "/v1/auth/enroll", body, idempotencyKey: "same")
        let replay = try f.server.client.json("POST", "/v1/auth/enroll", body, idempotencyKey: "same")
        #expect(first.status == 200 && replay.status == 200)
        #expect(replay.body == first.body)
        #expect(replay.headers["idempotent-replayed"] == "true")
        // The stored replay is sealed with the code: no usable token rests in the store.
        let db = try Connection(path: f.server.databasePath, options: .init(readOnly: true, journalMode: nil))
        for row in try db.query("SELECT body FROM idempotency") {
            let text = String(decoding: row.blob("body") ?? [], as: UTF8.self)
            #expect(!text.contains("kda_") && !text.contains("kdr_"))
        }
    }

    @Test func enrollmentCode_expires() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let created = try f.admin.json(
            "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(f.user("worker112"))\",\"ttl_s\":60}",
            idempotencyKey: f.key())
        #expect(created.status == 201)
        let code = try #require(created.object["code"] as? String)
        #expect((created.object["payload"] as? String)?.hasSuffix("#" + code) == true)
        let replay = try f.admin.json(
            "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(f.user("worker112"))\",\"ttl_s\":60}",
            idempotencyKey: "code-key")
        let again = try f.admin.json(
            "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(f.user("worker112"))\",\"ttl_s\":60}",
            idempotencyKey: "code-key")
        #expect(replay.body == again.body && again.headers["idempotent-replayed"] == "true")
        let db = try Connection(path: f.server.databasePath, options: .init(readOnly: true, journalMode: nil))
        let stored = try db.query("SELECT body FROM idempotency").map {
            String(decoding: $0.blob("body") ?? [], as: UTF8.self)
        }
        #expect(stored.allSatisfy { !$0.contains(code) && !$0.contains(replay.object["code"] as? String ?? "-") })
        try f.server.setClockOffset(seconds: 61)
        let late = try f.server.client.json("POST", "/v1/auth/enroll", enrollBody(code), idempotencyKey: f.key())
        #expect(late.status == 410 && late.code == "enrollment_code_expired")
        try f.server.setClockOffset(seconds: 0)
        let listed = try f.admin.get("/v1/admin/enrollment-codes?user_id=\(f.user("worker112"))&status=active")
        #expect(((listed.object["items"] as? [[String: Any]]) ?? []).allSatisfy { $0["code"] == nil })
    }

    @Test func refresh_rotates_andALostResponseGetsTheSameSuccessor() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let tokens = try f.enroll("worker111")
        let old = try #require(tokens["refresh_token"] as? String)
        let body = "{\"refresh_token\":\"\(old)\"}"
        let first = try f.server.client.json("POST", "/v1/auth/refresh", body, idempotencyKey: f.key())
        #expect(first.status == 200)
        let next = try #require(first.object["refresh_token"] as? String)
        #expect(next != old)
        // The response was lost: the device retries with the old token (a new key) within the window.
        try f.server.setClockOffset(seconds: 300)
        let retry = try f.server.client.json("POST", "/v1/auth/refresh", body, idempotencyKey: f.key())
        #expect(retry.status == 200)
        #expect(retry.object["refresh_token"] as? String == next)
        #expect(retry.object["access_token"] as? String == first.object["access_token"] as? String)
        let access = try #require(retry.object["access_token"] as? String)
        #expect(try f.server.client.authorized(access).get("/v1/auth/me").status == 200)
    }

    @Test func refreshReuse_afterTheWindow_revokesTheFamily() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let tokens = try f.enroll("worker111")
        let old = try #require(tokens["refresh_token"] as? String)
        let first = try f.server.client.json(
            "POST", "/v1/auth/refresh", "{\"refresh_token\":\"\(old)\"}", idempotencyKey: f.key())
        let successorAccess = try #require(first.object["access_token"] as? String)
        let successorRefresh = try #require(first.object["refresh_token"] as? String)
        try f.server.setClockOffset(seconds: 601)
        let reuse = try f.server.client.json(
            "POST", "/v1/auth/refresh", "{\"refresh_token\":\"\(old)\"}", idempotencyKey: f.key())
        #expect(reuse.status == 401 && reuse.code == "refresh_token_reused")
        let me = try f.server.client.authorized(successorAccess).get("/v1/auth/me")
        #expect(me.status == 401 && me.code == "token_revoked")
        let refresh = try f.server.client.json(
            "POST", "/v1/auth/refresh", "{\"refresh_token\":\"\(successorRefresh)\"}", idempotencyKey: f.key())
        #expect(refresh.status == 401)
        let audit = try f.admin.get("/v1/admin/audit?action=device.refresh_reuse")
        #expect(((audit.object["items"] as? [[String: Any]]) ?? []).count == 1)
    }

    @Test func refreshReuse_afterTheSuccessorWasUsed_revokesTheFamily() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let old = try #require(try f.enroll("worker111")["refresh_token"] as? String)
        let first = try f.server.client.json(
            "POST", "/v1/auth/refresh", "{\"refresh_token\":\"\(old)\"}", idempotencyKey: f.key())
        let access = try #require(first.object["access_token"] as? String)
        #expect(try f.server.client.authorized(access).get("/v1/auth/me").status == 200)
        let reuse = try f.server.client.json(
            "POST", "/v1/auth/refresh", "{\"refresh_token\":\"\(old)\"}", idempotencyKey: f.key())
        #expect(reuse.status == 401 && reuse.code == "refresh_token_reused")
    }

    @Test func revokedDevice_getsDeviceRevoked_onEveryRequest() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let tokens = try f.enroll("worker111")
        let device = try #require(tokens["device_id"] as? String)
        let revoke = try f.admin.json(
            "POST", "/v1/admin/devices/\(device)/revoke", "{\"reason\":\"phone lost\"}", idempotencyKey: f.key())
        #expect(revoke.status == 200 && revoke.object["status"] as? String == "revoked")
        let me = try f.server.client.authorized(tokens["access_token"] as? String ?? "").get("/v1/auth/me")
        #expect(me.status == 401 && me.code == "device_revoked")
        let refresh = try f.server.client.json(
            "POST", "/v1/auth/refresh", "{\"refresh_token\":\"\(tokens["refresh_token"] as? String ?? "")\"}",
            idempotencyKey: f.key())
        #expect(refresh.status == 401 && refresh.code == "device_revoked")
    }

    @Test func expiredAccessToken_isTokenExpired() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let tokens = try f.enroll("worker111")
        try f.server.setClockOffset(seconds: 3601)
        let me = try f.server.client.authorized(tokens["access_token"] as? String ?? "").get("/v1/auth/me")
        #expect(me.status == 401 && me.code == "token_expired")
    }

    @Test func revokedCode_cannotEnroll() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let created = try f.admin.json(
            "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(f.user("worker112"))\"}", idempotencyKey: f.key())
        let id = try #require(created.object["id"] as? String)
        let revoke = try f.admin.send(
            "DELETE", "/v1/admin/enrollment-codes/\(id)", headers: [("Idempotency-Key", f.key())])
        #expect(revoke.status == 204)
        let code = try #require(created.object["code"] as? String)
        let r = try f.server.client.json("POST", "/v1/auth/enroll", enrollBody(code), idempotencyKey: f.key())
        #expect(r.status == 410 && r.code == "enrollment_code_used")
    }

    @Test func codes_areOnlyForFieldWorkers() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let r = try f.admin.json(
            "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(f.user("super11"))\"}", idempotencyKey: f.key())
        #expect(r.status == 422 && r.code == "invalid_field")
    }
}
