import Foundation
import KandasTestSupport
import Testing

/// Issue 14 finding 4, end to end with the real `kandas` and `kandas-server`: the documented
/// recovery of a revoked device (sync-v1 §2.4, §10.2). The device's push reached the server but its
/// answer was lost, the device is revoked, the same installation enrolls again for the same worker
/// and syncs: the resent event is a `duplicate`, the new device uploads the evidence, and the
/// receipt reaches it.
@Suite(.serialized) struct ReEnrollmentTests {
    @Test func revokedDevice_reEnrolled_resendsAsDuplicate_andItsEvidenceArrives() throws {
        let site = try FieldSite()
        defer { site.cleanup() }
        let proxy = try FaultProxy(targetPort: site.server.port)
        defer { proxy.stop() }
        let url = "http://127.0.0.1:\(proxy.port)"
        let code = try #require(site.seed.codes["worker111"])
        let device = try site.enrolledDevice("tablet", code: code, url: url)
        let firstID = try #require(try device.status()["device_id"] as? String)
        let item = String(try #require(try device.onceOnlyItem()["id"] as? String).prefix(8))
        let photo = try site.evidence("form.jpg", .jpeg, size: 200_000, seed: 7)
        let recorded = try device.ok(["complete", item, "--photo", photo, "--geo", "43.2,76.9,5", "--json"]).object
        let completion = try #require(recorded["completion_id"] as? String)

        // The push reaches the server; its answer never reaches the device, so the event stays unsent.
        // (30 bytes let a `100 Continue` through, so the body is sent; the final answer is cut.)
        try proxy.setPolicy(.cutAfter(bytes: 30, direction: .downstream))
        #expect(try device.run(["sync", "--json"]).status != 0)
        try proxy.setPolicy(.none)
        let admin = try site.adminAPI()
        #expect(try admin.get("/v1/admin/completions/\(completion)").object["files_verified"] as? Int == 0)

        // The administrator revokes the device; the device learns it on its next sync and keeps its data.
        let revoked = try admin.json(
            "POST", "/v1/admin/devices/\(firstID)/revoke", "{\"reason\":\"Phone reset\"}",
            idempotencyKey: UUID().uuidString.lowercased())
        #expect(revoked.status == 200, "\(revoked)")
        #expect(try device.run(["sync", "--json"]).status != 0)
        #expect(try device.status()["re_enroll_required"] as? Bool == true)

        // Enroll again for the same worker and sync: the event comes back duplicate, the photo uploads.
        let again = try site.newCode(for: "worker111")
        _ = try device.ok(["enroll", "--server", url, "--code", again, "--name", "tablet", "--quiet"])
        let secondID = try #require(try device.status()["device_id"] as? String)
        #expect(secondID != firstID)
        let report = try device.ok(["sync", "--json"]).object
        #expect(report["files_failed"] as? Int ?? 0 == 0, "\(report)")
        let server = try admin.get("/v1/admin/completions/\(completion)").object
        #expect(server["files_verified"] as? Int == 1 && server["files_declared"] as? Int == 1, "\(server)")
        #expect(server["device_id"] as? String == firstID)
        // One completion: the resend was a duplicate, not a second copy.
        let events = try admin.get("/v1/admin/completions/\(completion)/events")
        if events.status == 200 {
            let outcomes = (events.object["items"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
            #expect(outcomes.contains("duplicate") || outcomes.count <= 1, "\(events)")
        }
        // The receipt reached the new device: its copy is verified (or already freed) and nothing is pending.
        let files = try device.ok(["files", "--json"]).array
        let state = files.first?["state"] as? String
        #expect(state == "verified" || state == "freed", "\(files)")
        #expect(try device.status()["files_pending"] as? Int == 0)
    }
}
