import Foundation
import KandasDomain
import KandasProtocol
import KandasTestSupport
import Testing

@testable import KandasServer

/// Rules 2, paras 35-37 and 39: a completion counts in Annex 3 only when it carries the evidence
/// its service requires and every declared file is verified; what is left out is listed, not hidden.
@Suite(.serialized) final class EvidenceCountsTests {
    let server: ServerProcess
    let data: ConsoleData

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
    }

    /// The November 2026 report cut now, a second after everything so far (the cut-off is whole seconds).
    func report(_ region: String) throws -> [String: Any] {
        Thread.sleep(forTimeInterval: 1.1)
        let cutoff = Timestamp(millisecondsSince1970: (Int64(Date().timeIntervalSince1970 * 1000) / 1000) * 1000)
        let r = try data.admin.get(
            "/v1/admin/reports/monthly?region_id=\(region)&month=2026-11&cutoff=\(cutoff.description)")
        #expect(r.status == 200, "\(r)")
        return r.object
    }

    func total(_ report: [String: Any]) -> Int {
        (report["rows"] as? [[String: Any]] ?? []).reduce(0) { $0 + (($1["services"] as? [Int]) ?? []).reduce(0, +) }
    }

    func leftOut(_ report: [String: Any], _ id: String) -> [String: Any]? {
        (report["left_out"] as? [[String: Any]] ?? []).first { $0["completion_id"] as? String == id }
    }

    @Test func paras36and37_aCompletionWithoutPhotoVideoOrLocation_isIncompleteAndLeftOutOfAnnex3() throws {
        let seed = try #require(server.seed)
        let f = try data.family(seed.families[0])
        let item = f.items[0]
        // Pushed with nothing: accepted (field work is never refused), flagged incomplete.
        let bare = try data.complete(
            family: seed.families[0], item: item, worker: f.worker, performedAt: "2026-11-10T06:00:00.000Z", note: nil,
            location: nil)
        let c = try data.admin.get("/v1/admin/completions/\(bare)").object
        #expect(c["completeness"] as? String == "incomplete")
        let missing = c["evidence_missing"] as? [String] ?? []
        #expect(missing.starts(with: ["photo", "video"]))
        #expect(missing.contains("geolocation"))
        let code = item["service_code"] as? Int ?? 0
        #expect(missing.contains("document") == (try ServiceCatalog.service(code: code).evidence.document == .required))

        let r = try report(seed.regions[0])
        #expect(total(r) == 0)
        let out = try #require(leftOut(r, bare))
        #expect(out["reasons"] as? [String] == ["incomplete"])
        #expect(out["missing"] as? [String] == missing)

        // The list filter and the dashboard see it too.
        let incomplete = try data.admin.get("/v1/admin/completions?completeness=incomplete").object
        #expect((incomplete["items"] as? [[String: Any]] ?? []).contains { $0["id"] as? String == bare })
    }

    @Test func paras36and39_allEvidenceVerified_isCounted_andUnverifiedFilesAreNot() throws {
        let seed = try #require(server.seed)
        let f = try data.family(seed.families[0])
        let item = f.items[1]
        let tag = Array(UUID().uuidString.utf8)
        let files = [
            ConsoleData.File(kind: "photo", contentType: "image/jpeg", bytes: [0xFF, 0xD8, 0xFF] + tag, name: "p.jpg"),
            ConsoleData.File(
                kind: "video", contentType: "video/mp4", bytes: Array("....ftypmp42".utf8) + tag, name: "v.mp4"),
            ConsoleData.File(
                kind: "document", contentType: "application/pdf", bytes: Array("%PDF-".utf8) + tag, name: "d.pdf"),
        ]
        let id = try data.complete(
            family: seed.families[0], item: item, worker: f.worker, performedAt: "2026-11-11T06:00:00.000Z", note: nil,
            location: (43.2, 76.9), files: files)
        var c = try data.admin.get("/v1/admin/completions/\(id)").object
        #expect(c["completeness"] as? String == "incomplete")
        #expect(c["evidence_missing"] as? [String] == ["unverified_files"])
        var r = try report(seed.regions[0])
        #expect(total(r) == 0)
        #expect(leftOut(r, id)?["missing"] as? [String] == ["unverified_files"])

        for file in files { try data.verify(file) }
        c = try data.admin.get("/v1/admin/completions/\(id)").object
        #expect(c["completeness"] as? String == "complete")
        #expect(c["evidence_missing"] as? [String] == [])
        // Counted once the cut-off is after the verification.
        r = try report(seed.regions[0])
        #expect(total(r) == 1)
        #expect(leftOut(r, id) == nil)
    }

    @Test func para39_rejectedAndDuplicateWork_isListedWithItsReason() throws {
        let seed = try #require(server.seed)
        let f = try data.family(seed.families[0])
        let item = f.items[0]
        let id = try data.completeWithEvidence(
            family: seed.families[0], item: item, worker: f.worker, performedAt: "2026-11-12T06:00:00.000Z")
        let review = try data.admin.json(
            "POST", "/v1/admin/completions/\(id)/reviews", "{\"decision\":\"reject\",\"comment\":\"blurred\"}",
            idempotencyKey: "rv-\(UUID().uuidString.prefix(12))")
        #expect(review.status == 201, "\(review)")
        let r = try report(seed.regions[0])
        #expect(leftOut(r, id)?["reasons"] as? [String] == ["rejected"])
        // The console's report page shows the same list.
        var console = ConsoleClient(port: server.port)
        try console.login("admin")
        let page = try console.get("/console/reports/monthly?region_id=\(seed.regions[0])&month=2026-11")
        #expect(page.text.contains("id=\"left-out-table\""))
        #expect(page.text.contains(id))
    }
}
