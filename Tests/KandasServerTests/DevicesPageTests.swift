import Foundation
import KandasTestSupport
import Testing

/// Devices through the console: the list shows what devices report, revoke works like the API's,
/// and an enrollment code's QR image decodes to the code's payload.
@Suite(.serialized) final class DevicesPageTests {
    let server: ServerProcess
    let data: ConsoleData

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
    }

    static func tool(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
        let outcome = try ProcessRunner.run(path, arguments)
        return (outcome.status, outcome.output)
    }

    @Test func revokeFromTheConsole_endsTheDevicesAccess() throws {
        let seed = try #require(server.seed)
        let family = try data.family(seed.families[0])
        _ = try data.complete(
            family: seed.families[0], item: family.items[0], worker: family.worker,
            performedAt: "2026-11-20T06:00:00.000Z", note: nil, location: nil)
        let devices = try data.admin.get("/v1/admin/devices").object["items"] as? [[String: Any]] ?? []
        let device = try #require(devices.first?["id"] as? String)
        var c = ConsoleClient(port: server.port)
        try c.login("super11")
        let page = try c.get("/console/devices")
        #expect(page.text.contains(family.worker))
        #expect(page.text.contains("/console/devices/\(device)/revoke"))
        let empty = try c.post("/console/devices/\(device)/revoke", [("csrf", try c.csrf()), ("reason", " ")])
        #expect(empty.status == 422)
        let r = try c.post("/console/devices/\(device)/revoke", [("csrf", try c.csrf()), ("reason", "lost phone")])
        #expect(r.status == 303)
        let api = try data.admin.get("/v1/admin/devices/\(device)").object
        #expect(api["status"] as? String == "revoked")
        #expect(api["revoke_reason"] as? String == "lost phone")
        let again = try c.post("/console/devices/\(device)/revoke", [("csrf", try c.csrf()), ("reason", "twice")])
        #expect(again.status == 409)
    }

    @Test func enrollmentCodeQR_decodesToThePayload() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        let worker = server.seed?.users["worker111"]?.id ?? ""
        let r = try c.post(
            "/console/enrollment-codes", [("csrf", try c.csrf()), ("user_id", worker), ("ttl_min", "60")])
        #expect(r.status == 200)
        #expect(r.headers["cache-control"] == "no-store")
        let html = r.text
        let code = try #require(
            html.range(of: "id=\"enrollment-code\">").map { String(html[$0.upperBound...].prefix(26)) })
        let prefix = "src=\"data:image/png;base64,"
        let start = try #require(html.range(of: prefix))
        let b64 = String(html[start.upperBound...].prefix { $0 != "\"" })
        let png = try #require(Data(base64Encoded: b64))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg") else {
            Issue.record("zbarimg is needed: apt-get install -y zbar-tools")
            return
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).png")
        try png.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, output) = try Self.tool("/usr/bin/zbarimg", ["--raw", "-q", file.path])
        #expect(status == 0)
        #expect(
            output.trimmingCharacters(in: .whitespacesAndNewlines) == "kandas1:http://127.0.0.1:\(server.port)#\(code)")
        // The code works for enrollment (the console issued a real one).
        let enroll = try server.client.json(
            "POST", "/v1/auth/enroll",
            "{\"code\":\"\(code)\",\"device_uuid\":\"\(UUID().uuidString.lowercased())\",\"platform\":\"cli\","
                + "\"app_version\":\"1.0.0\"}", idempotencyKey: "e-\(UUID().uuidString.prefix(8))")
        #expect(enroll.status == 200)
    }

    @Test func codeForAnUnknownOrNonWorkerUser_isRefused() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        let csrf = try c.csrf()
        #expect(try c.post("/console/enrollment-codes", [("csrf", csrf), ("user_id", "nope")]).status == 422)
        let supervisor = server.seed?.users["super11"]?.id ?? ""
        #expect(try c.post("/console/enrollment-codes", [("csrf", csrf), ("user_id", supervisor)]).status == 422)
        let worker = server.seed?.users["worker111"]?.id ?? ""
        #expect(
            try c.post("/console/enrollment-codes", [("csrf", csrf), ("user_id", worker), ("ttl_min", "0")]).status
                == 422)
    }
}
