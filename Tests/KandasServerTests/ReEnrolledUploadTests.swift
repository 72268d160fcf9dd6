import Foundation
import KandasTestSupport
import Testing

/// Issue 14 finding 4: uploads belong to the user (Protocol §10.2). After the documented recovery
/// (revoke device A, enroll B for the same worker, resend the events: `duplicate`), B continues A's
/// upload, the evidence arrives, and the receipts reach B, which now holds the files.
@Suite(.serialized) struct ReEnrolledUploadTests {
    static func revoke(_ s: SyncFixture, _ device: SyncFixture.Device) throws {
        let r = try s.base.admin.json(
            "POST", "/v1/admin/devices/\(device.id)/revoke", "{\"reason\":\"Phone lost\"}",
            idempotencyKey: s.base.key())
        #expect(r.status == 200, "\(r)")
    }

    static func receiptFile(_ s: SyncFixture, _ d: SyncFixture.Device, _ attachment: String) throws -> [String: Any]? {
        let receipts = SyncFixture.entities(try s.pull(d).changes, "receipt")
        let files = receipts.compactMap { ($0["data"] as? [String: Any])?["files"] as? [[String: Any]] }.joined()
        return files.last { $0["attachment_id"] as? String == attachment }
    }

    @Test(arguments: StoreEngine.allCases) func reEnrolledDevice_continuesTheUsersUpload_andGetsTheReceipt(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let a = try s.enroll("worker111")
        let bytes = TusCurl.jpeg(40_000)
        let sha = ServerProcessDigest.sha256(bytes)
        let file = SyncFixture.file(kind: "photo", type: "image/jpeg", size: bytes.count, sha: sha)
        let attachment = try #require(file["attachment_id"] as? String)
        let (item, member) = try s.addItem(service: 21)
        let event = SyncFixture.complete(a, item: item, member: member, files: [file])
        #expect(try s.results(a, [event]).first?["outcome"] as? String == "accepted")
        // A starts the upload, sends part of it, and is lost.
        let tusA = KandasAppUploadsTests.tus(s, a)
        let created = try tusA.create(
            attachment: attachment, sha256: sha, size: bytes.count, contentType: "image/jpeg", kind: "photo")
        let location = try #require(created.headers["location"], "\(created)")
        #expect(try tusA.patch(location, offset: 0, Array(bytes[0..<10_000])).status == 204)
        try Self.revoke(s, a)

        // B: the same worker enrolled again resends the outbox under new device_seq numbers.
        let b = try s.enroll("worker111")
        var resent = event
        resent["device_seq"] = b.nextSeq()
        let result = try s.results(b, [resent]).first
        #expect(result?["outcome"] as? String == "duplicate" && result?["stored_outcome"] as? String == "accepted")
        // B already holds the files: a receipt tells it their state (one declared, 10,000 bytes in).
        #expect(try Self.receiptFile(s, b, attachment)?["upload_state"] as? String == "receiving")

        // B continues A's upload: HEAD finds it, creation answers the same upload, the rest verifies.
        let tusB = KandasAppUploadsTests.tus(s, b)
        let head = try tusB.send("HEAD", location)
        #expect(head.status == 200 && head.headers["upload-offset"] == "10000", "\(head)")
        let again = try tusB.create(
            attachment: attachment, sha256: sha, size: bytes.count, contentType: "image/jpeg", kind: "photo")
        #expect(again.status == 201 && again.headers["location"] == location, "\(again)")
        let rest = try tusB.patch(location, offset: 10_000, Array(bytes[10_000...]))
        #expect(rest.status == 204 && rest.headers["kandas-upload-state"] == "verified", "\(rest)")
        #expect(try Self.receiptFile(s, b, attachment)?["upload_state"] as? String == "verified")

        // Another user's device still sees nothing of it.
        let stranger = try s.enroll("worker112")
        #expect(try KandasAppUploadsTests.tus(s, stranger).send("HEAD", location).status == 404)
        let detail = try s.base.admin.get("/v1/admin/completions/\(try #require(result?["completion_id"] as? String))")
        // The photo arrived and verified (Rules 2 para 36 still wants a video and a location for
        // `complete`, which this completion never declared).
        let missing = try #require(detail.object["evidence_missing"] as? [String], "\(detail)")
        #expect(!missing.contains("unverified_files") && missing.contains("video"), "\(detail)")
        #expect(detail.object["files_verified"] as? Int == 1 && detail.object["files_declared"] as? Int == 1)
    }

    @Test(arguments: StoreEngine.allCases) func reEnrolledDevice_thatDidNotResend_stillUploadsAndReceivesTheReceipt(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let a = try s.enroll("worker111")
        let bytes = TusCurl.pdf(20_000)
        let sha = ServerProcessDigest.sha256(bytes)
        let file = SyncFixture.file(kind: "document", type: "application/pdf", size: bytes.count, sha: sha)
        let attachment = try #require(file["attachment_id"] as? String)
        let (item, member) = try s.addItem(service: 21)
        #expect(
            try s.results(a, [SyncFixture.complete(a, item: item, member: member, files: [file])]).first?["outcome"]
                as? String == "accepted")
        try Self.revoke(s, a)
        let b = try s.enroll("worker111")
        _ = try s.pull(b)
        let tusB = KandasAppUploadsTests.tus(s, b)
        let created = try tusB.create(
            attachment: attachment, sha256: sha, size: bytes.count, contentType: "application/pdf", kind: "document")
        let location = try #require(created.headers["location"], "\(created)")
        let done = try tusB.patch(location, offset: 0, bytes)
        #expect(done.headers["kandas-upload-state"] == "verified", "\(done)")
        // The declaring device is revoked, so its user's active device gets the receipt.
        #expect(try Self.receiptFile(s, b, attachment)?["upload_state"] as? String == "verified")
    }
}
