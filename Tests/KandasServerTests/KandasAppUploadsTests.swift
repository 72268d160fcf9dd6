import Foundation
import KandasTestSupport
import Testing

/// tus uploads on the live server: declared attachments only, device-owned, verified into
/// completeness and receipts (Protocol §10-§11).
@Suite(.serialized) struct KandasAppUploadsTests {
    /// A device with a pushed `complete` event declaring `file`.
    static func declare(_ s: SyncFixture, _ d: SyncFixture.Device, _ file: [String: Any]) throws -> String {
        let (item, member) = try s.addItem(service: 21)
        let completion = SyncFixture.uuid()
        let results = try s.results(
            d, [SyncFixture.complete(d, item: item, member: member, files: [file], completion: completion)])
        #expect(results.first?["outcome"] as? String == "accepted", "\(results)")
        return completion
    }

    static func tus(_ s: SyncFixture, _ d: SyncFixture.Device) -> TusCurl {
        TusCurl(base: "http://127.0.0.1:\(s.server.port)", token: d.token)
    }

    /// A JPEG of `size` bytes declared by an accepted `complete` event of `d`, ready to upload.
    struct DeclaredPhoto {
        let bytes: [UInt8]
        let sha: String
        let attachment: String
        let completion: String
        let tus: TusCurl

        init(_ s: SyncFixture, _ d: SyncFixture.Device, size: Int) throws {
            bytes = TusCurl.jpeg(size)
            sha = ServerProcessDigest.sha256(bytes)
            let file = SyncFixture.file(kind: "photo", type: "image/jpeg", size: bytes.count, sha: sha)
            attachment = try #require(file["attachment_id"] as? String)
            completion = try KandasAppUploadsTests.declare(s, d, file)
            tus = KandasAppUploadsTests.tus(s, d)
        }

        /// `POST /v1/uploads` with the declared metadata.
        func create() throws -> TusCurl.Reply {
            try tus.create(
                attachment: attachment, sha256: sha, size: bytes.count, contentType: "image/jpeg", kind: "photo")
        }
    }

    @Test(arguments: StoreEngine.allCases) func declaredPhoto_uploadedInTwoPatches_isVerifiedAndReceipted(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let photo = try DeclaredPhoto(s, d, size: 50_000)
        let created = try photo.create()
        #expect(created.status == 201, "\(created)")
        let location = try #require(created.headers["location"])
        #expect(location.hasPrefix("/v1/uploads/"))
        let first = try photo.tus.patch(location, offset: 0, Array(photo.bytes[0..<20_000]))
        #expect(first.status == 204 && first.headers["upload-offset"] == "20000", "\(first)")
        let middle = try s.base.admin.get("/v1/admin/completions/\(photo.completion)")
        #expect(middle.object["files_verified"] as? Int == 0)
        let second = try photo.tus.patch(location, offset: 20_000, Array(photo.bytes[20_000...]))
        #expect(second.status == 204 && second.headers["upload-offset"] == "50000", "\(second)")
        #expect(second.headers["kandas-upload-state"] == "verified")
        let detail = try s.base.admin.get("/v1/admin/completions/\(photo.completion)")
        #expect(detail.object["files_declared"] as? Int == 1)
        #expect(detail.object["files_verified"] as? Int == 1)
        // Every declared file verified; a photo alone is still incomplete (Rules 2, paras 36-37: video, geolocation).
        #expect(!((detail.object["evidence_missing"] as? [String]) ?? ["?"]).contains("unverified_files"))
        let receipts = SyncFixture.entities(try s.pull(d).changes, "receipt")
        let receipt = try #require(receipts.last?["data"] as? [String: Any], "\(receipts)")
        #expect(receipt["completion_id"] as? String == photo.completion)
        #expect(receipt["files_verified"] as? Int == 1)
        let files = receipt["files"] as? [[String: Any]] ?? []
        #expect(files.first?["sha256"] as? String == photo.sha)
        #expect(files.first?["upload_state"] as? String == "verified")
        let blob =
            s.server.dataDirectory + "/blobs/\(photo.sha.prefix(2))/\(photo.sha.dropFirst(2).prefix(2))/\(photo.sha)"
        #expect(FileManager.default.contents(atPath: blob).map { [UInt8]($0) } == photo.bytes)
        let (status, output) = try ServerProcess.run(["verify"] + s.server.storeArguments)
        #expect(status == 0, "\(output)")
        #expect(output.contains("verified 1 blobs"))
    }

    @Test(arguments: StoreEngine.allCases) func undeclaredAttachment_creationIsRefused_andMismatchToo(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let tus = Self.tus(s, d)
        let bytes = TusCurl.pdf(4_000)
        let sha = ServerProcessDigest.sha256(bytes)
        let unknown = try tus.create(
            attachment: SyncFixture.uuid(), sha256: sha, size: bytes.count, contentType: "application/pdf",
            kind: "document")
        #expect(unknown.body.contains("\"unknown_attachment\""), "\(unknown)")
        #expect(unknown.status >= 400 && unknown.headers["location"] == nil)
        let file = SyncFixture.file(kind: "document", type: "application/pdf", size: bytes.count, sha: sha)
        _ = try Self.declare(s, d, file)
        let wrongSize = try tus.create(
            attachment: try #require(file["attachment_id"] as? String), sha256: sha, size: bytes.count + 1,
            contentType: "application/pdf", kind: "document")
        #expect(wrongSize.body.contains("\"attachment_mismatch\""), "\(wrongSize)")
    }

    @Test(arguments: StoreEngine.allCases) func anotherUsersDevice_cannotSeeOrWriteAnUpload(engine: StoreEngine) throws
    {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let other = try s.enroll("worker112")
        let bytes = TusCurl.pdf(8_000)
        let sha = ServerProcessDigest.sha256(bytes)
        let file = SyncFixture.file(kind: "document", type: "application/pdf", size: bytes.count, sha: sha)
        _ = try Self.declare(s, d, file)
        let created = try Self.tus(s, d).create(
            attachment: try #require(file["attachment_id"] as? String), sha256: sha, size: bytes.count,
            contentType: "application/pdf", kind: "document")
        let location = try #require(created.headers["location"], "\(created)")
        let intruder = Self.tus(s, other)
        #expect(try intruder.send("HEAD", location).status == 404)
        #expect(try intruder.patch(location, offset: 0, bytes).status == 404)
        #expect(try intruder.send("DELETE", location).status == 404)
        let head = try Self.tus(s, d).send("HEAD", location)
        #expect(head.status == 200 && head.headers["upload-offset"] == "0")
        // A staff session is not a device: 403 before anything is read.
        let bearer = s.base.admin.defaultHeaders.first { $0.0 == "Authorization" }?.1 ?? ""
        let admin = TusCurl(base: intruder.base, token: String(bearer.dropFirst("Bearer ".count)))
        let refused = try admin.patch(location, offset: 0, bytes)
        #expect(refused.status == 403 && refused.headers["tus-resumable"] == "1.0.0", "\(refused)")
    }

    @Test(arguments: AttachmentContentTests.Blobs.allCases)
    func stockTusClient_uploadsAndResumesAgainstTheServer(blobs: AttachmentContentTests.Blobs) throws {
        let store = blobs == .s3 ? try SeaweedServer() : nil
        defer { store?.stop() }
        try store?.createBucket("evidence")
        let s = try SyncFixture(
            arguments: store?.serverArguments() ?? [], environment: store?.credentialsEnvironment ?? [:])
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let bytes = TusCurl.pdf(300_000, seed: 3)
        let sha = ServerProcessDigest.sha256(bytes)
        let file = SyncFixture.file(kind: "document", type: "application/pdf", size: bytes.count, sha: sha)
        let attachment = try #require(file["attachment_id"] as? String)
        let completion = try Self.declare(s, d, file)
        let path = s.server.dataDirectory + "/scan.pdf"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("KandasUploadsTests/tus_resume.py").path
        let common = [
            "http://127.0.0.1:\(s.server.port)/v1/uploads", path, d.token, attachment, sha,
            s.server.dataDirectory + "/urls.json",
        ]
        let first = try TusCurl.run(["python3", script, "first"] + common)
        #expect(first.1.trimmingCharacters(in: .whitespacesAndNewlines) == "131072", "\(first)")
        let second = try TusCurl.run(["python3", script, "resume"] + common)
        #expect(second.0 == 0, "\(second.1)")
        let parts = second.1.split(separator: " ")
        #expect(parts.first == "131072")
        #expect(parts.dropFirst().first == "300000")
        let detail = try s.base.admin.get("/v1/admin/completions/\(completion)")
        #expect(!((detail.object["evidence_missing"] as? [String]) ?? ["?"]).contains("unverified_files"), "\(detail)")
    }

    @Test(arguments: StoreEngine.allCases) func readyz_isNotReady_whenTheBlobFolderCannotTakeAFile(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        #expect(try s.server.client.get("/readyz").status == 200)
        // A file where the folder should be: no probe can be created in it (root ignores modes).
        let blobs = s.server.dataDirectory + "/blobs"
        try FileManager.default.removeItem(atPath: blobs)
        #expect(FileManager.default.createFile(atPath: blobs, contents: Data()))
        let r = try s.server.client.get("/readyz")
        #expect(r.status == 503, "\(r)")
        #expect((r.object["checks"] as? [String: String])?["blobs"] == "blob folder not writable")
    }

    // MARK: Upload states reach the attachment, the receipt and the admin API (Protocol §9.3, §11)

    /// The admin view of one attachment (`EvidenceFile`).
    static func evidence(_ s: SyncFixture, _ attachment: String) throws -> [String: Any] {
        let r = try s.base.admin.get("/v1/admin/attachments/\(attachment)")
        guard r.status == 200 else { throw TestSupportError("attachment: \(r)") }
        return r.object
    }

    /// What the device's next pull says about `attachment`: its receipt entry (nil without a new receipt)
    /// and its state in the re-sent completion (nil without one).
    static func pulled(
        _ s: SyncFixture, _ d: SyncFixture.Device, _ attachment: String
    ) throws -> (receipt: [String: Any]?, completionState: String?) {
        let changes = try s.pull(d).changes
        func file(_ entity: String) -> [String: Any]? {
            let data = SyncFixture.entities(changes, entity).last?["data"] as? [String: Any]
            return (data?["files"] as? [[String: Any]])?.first { $0["attachment_id"] as? String == attachment }
        }
        return (file("receipt"), file("completion")?["upload_state"] as? String)
    }

    @Test(arguments: StoreEngine.allCases) func receivingUpload_showsReceivedBytes_withOneReceiptNotOnePerChunk(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let photo = try DeclaredPhoto(s, d, size: 30_000)
        #expect(try Self.evidence(s, photo.attachment)["upload_state"] as? String == "declared")
        _ = try s.pull(d)
        let created = try photo.create()
        let location = try #require(created.headers["location"], "\(created)")
        let atCreation = try Self.evidence(s, photo.attachment)
        #expect(atCreation["upload_state"] as? String == "receiving")
        #expect(atCreation["received_bytes"] as? Int == 0)
        let first = try Self.pulled(s, d, photo.attachment)
        #expect(first.receipt?["upload_state"] as? String == "receiving", "\(String(describing: first.receipt))")
        #expect(first.completionState == "receiving")
        for chunk in 0..<2 {
            let r = try photo.tus.patch(
                location, offset: chunk * 10_000, Array(photo.bytes[(chunk * 10_000)..<((chunk + 1) * 10_000)]))
            #expect(r.status == 204, "\(r)")
            let view = try Self.evidence(s, photo.attachment)
            #expect(view["upload_state"] as? String == "receiving")
            #expect(view["received_bytes"] as? Int == (chunk + 1) * 10_000)
            // Progress within a state is no transition: no receipt, no photo.completion change for the device.
            let later = try Self.pulled(s, d, photo.attachment)
            #expect(later.receipt == nil && later.completionState == nil, "\(String(describing: later.receipt))")
        }
        let last = try photo.tus.patch(location, offset: 20_000, Array(photo.bytes[20_000...]))
        #expect(last.headers["kandas-upload-state"] == "verified", "\(last)")
        let done = try Self.pulled(s, d, photo.attachment)
        #expect(done.receipt?["upload_state"] as? String == "verified")
        #expect(try Self.evidence(s, photo.attachment)["received_bytes"] as? Int == photo.bytes.count)
    }

    @Test(arguments: StoreEngine.allCases) func corruptUpload_isShownToDeviceAndAdmin_andAReuploadStillVerifies(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let photo = try DeclaredPhoto(s, d, size: 20_000)
        let created = try photo.create()
        let location = try #require(created.headers["location"], "\(created)")
        // A JPEG of the right size whose photo.bytes are not the declared ones.
        let wrong = try photo.tus.patch(location, offset: 0, TusCurl.jpeg(20_000, seed: 9))
        #expect(wrong.status == 460 && wrong.body.contains("file_digest_mismatch"), "\(wrong)")
        let view = try Self.evidence(s, photo.attachment)
        #expect(view["upload_state"] as? String == "corrupt")
        #expect(view["received_bytes"] as? Int == 0)
        let detail = try s.base.admin.get("/v1/admin/completions/\(photo.completion)")
        #expect(detail.object["files_verified"] as? Int == 0)
        #expect(detail.object["completeness"] as? String == "incomplete")
        let seen = try Self.pulled(s, d, photo.attachment)
        #expect(seen.receipt?["upload_state"] as? String == "corrupt", "\(String(describing: seen.receipt))")
        #expect(seen.completionState == "corrupt")
        #expect(try photo.tus.send("HEAD", location).status == 410)
        var console = ConsoleClient(port: s.server.port)
        _ = try console.login("super11", password: s.base.seed.password)
        let page = try console.get("/console/completions/\(photo.completion)")
        #expect(page.status == 200 && page.text.contains("corrupt 0/20000 B") && page.text.contains("(0/1)"), "\(page)")

        let again = try photo.tus.create(
            attachment: photo.attachment, sha256: photo.sha, size: photo.bytes.count, contentType: "image/jpeg",
            kind: "photo")
        let second = try #require(again.headers["location"], "\(again)")
        #expect(again.status == 201 && second != location)
        #expect(try Self.evidence(s, photo.attachment)["upload_state"] as? String == "receiving")
        let ok = try photo.tus.patch(second, offset: 0, photo.bytes)
        #expect(ok.headers["kandas-upload-state"] == "verified", "\(ok)")
        let receipt = try #require(try Self.pulled(s, d, photo.attachment).receipt)
        #expect(receipt["upload_state"] as? String == "verified" && receipt["sha256"] as? String == photo.sha)
        let verified = try s.base.admin.get("/v1/admin/completions/\(photo.completion)")
        #expect(!((verified.object["evidence_missing"] as? [String]) ?? ["?"]).contains("unverified_files"))
    }

    @Test(arguments: StoreEngine.allCases) func magicBytesMismatch_andTermination_reachTheAttachment(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let pdf = TusCurl.pdf(8_000)
        let sha = ServerProcessDigest.sha256(pdf)
        let file = SyncFixture.file(kind: "document", type: "application/pdf", size: pdf.count, sha: sha)
        let attachment = try #require(file["attachment_id"] as? String)
        _ = try Self.declare(s, d, file)
        let tus = Self.tus(s, d)
        func create() throws -> String {
            let r = try tus.create(
                attachment: attachment, sha256: sha, size: pdf.count, contentType: "application/pdf",
                kind: "document")
            return try #require(r.headers["location"], "\(r)")
        }
        let first = try create()
        let jpeg = try tus.patch(first, offset: 0, TusCurl.jpeg(100))
        #expect(jpeg.status == 422 && jpeg.body.contains("content_type_mismatch"), "\(jpeg)")
        #expect(try Self.evidence(s, attachment)["upload_state"] as? String == "corrupt")
        #expect(try Self.pulled(s, d, attachment).receipt?["upload_state"] as? String == "corrupt")
        let second = try create()
        #expect(try tus.patch(second, offset: 0, Array(pdf[0..<4_000])).status == 204)
        #expect(try tus.send("DELETE", second).status == 204)
        let view = try Self.evidence(s, attachment)
        #expect(view["upload_state"] as? String == "declared" && view["received_bytes"] as? Int == 0, "\(view)")
        #expect(try Self.pulled(s, d, attachment).receipt?["upload_state"] as? String == "declared")
    }

    @Test func sweeper_expiresAnUploadPastItsExpiry_inARunningServer() throws {
        let s = try SyncFixture(arguments: ["--upload-sweep-seconds", "1"])
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let photo = try DeclaredPhoto(s, d, size: 20_000)
        let created = try photo.create()
        let location = try #require(created.headers["location"], "\(created)")
        #expect(try photo.tus.patch(location, offset: 0, Array(photo.bytes[0..<8_000])).status == 204)
        #expect(try Self.evidence(s, photo.attachment)["received_bytes"] as? Int == 8_000)
        // Past Upload-Expires (last PATCH + 7 days): the running sweeper, not a request, must close it.
        try s.server.setClockOffset(seconds: 8 * 86_400)
        // Sessions expire too when the clock jumps: a fresh login watches the photo.attachment.
        let admin = try s.server.login("admin")
        var view: [String: Any] = [:]
        for _ in 0..<600 where view["upload_state"] as? String != "expired" {
            view = try admin.get("/v1/admin/attachments/\(photo.attachment)").object
            if view["upload_state"] as? String != "expired" { Thread.sleep(forTimeInterval: 0.1) }
        }
        #expect(view["upload_state"] as? String == "expired", "\(view)")
        #expect(view["received_bytes"] as? Int == 0)
        // Back to the present so that the device's token works again; the upload stays expired.
        try s.server.setClockOffset(seconds: 0)
        #expect(try Self.pulled(s, d, photo.attachment).receipt?["upload_state"] as? String == "expired")
        #expect(try photo.tus.send("HEAD", location).status == 410)
        let partial = s.server.dataDirectory + "/uploads/partial"
        #expect((try FileManager.default.contentsOfDirectory(atPath: partial)).isEmpty)
    }
}
