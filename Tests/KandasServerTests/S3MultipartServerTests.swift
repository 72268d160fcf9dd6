import Foundation
import KandasTestSupport
import Testing

/// tus uploads on an S3 multipart upload with the real `kandas-server` on SeaweedFS (issue 13 item
/// 4): stock tuspy with small chunks, resumed after a `kill -9` and restart and then by a second
/// instance on the same data folder and bucket; termination aborts the multipart upload; the
/// object store killed mid-upload gives 503 with `Retry-After` and the upload later completes.
@Suite(.serialized) struct S3MultipartServerTests {
    static let mib = 1 << 20

    /// A declared 12 MiB PDF on a live server backed by `store`, written to the data folder for tuspy.
    struct Upload {
        let bytes: [UInt8]
        let sha: String
        let attachment: String
        let completion: String
        let path: String

        init(_ s: SyncFixture, _ d: SyncFixture.Device, size: Int) throws {
            bytes = TusCurl.pdf(size, seed: 7)
            sha = ServerProcessDigest.sha256(bytes)
            let file = SyncFixture.file(kind: "document", type: "application/pdf", size: bytes.count, sha: sha)
            attachment = try #require(file["attachment_id"] as? String)
            completion = try KandasAppUploadsTests.declare(s, d, file)
            path = s.server.dataDirectory + "/scan-\(attachment).pdf"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        }

        var objectKey: String { "kandas/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)" }
    }

    /// Runs `tus_resume.py MODE` against `port`, sending chunks of 256 KiB (`chunks` of them for
    /// `first` and `more`); the upload URL store is rewritten to `port` first (a restarted
    /// server or another instance listens elsewhere, and tuspy resumes from the URL it stored).
    static func tuspy(
        _ mode: String, port: Int, _ s: SyncFixture, _ d: SyncFixture.Device, _ upload: Upload, chunks: Int = 0
    ) throws -> (Int32, String) {
        let urls = s.server.dataDirectory + "/urls-\(upload.attachment).json"
        if var text = try? String(contentsOfFile: urls, encoding: .utf8) {
            text = text.replacingOccurrences(
                of: #"127\.0\.0\.1:[0-9]+"#, with: "127.0.0.1:\(port)", options: .regularExpression)
            try text.write(toFile: urls, atomically: true, encoding: .utf8)
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("KandasUploadsTests/tus_resume.py").path
        return try TusCurl.run([
            "env", "TUS_CHUNK_SIZE=262144", "TUS_CHUNKS=\(chunks)", "python3", script, mode,
            "http://127.0.0.1:\(port)/v1/uploads", upload.path, d.token, upload.attachment, upload.sha, urls,
        ])
    }

    static func verified(_ s: SyncFixture, _ upload: Upload) throws -> Bool {
        let detail = try s.server.login("admin").get("/v1/admin/completions/\(upload.completion)")
        return !((detail.object["evidence_missing"] as? [String]) ?? ["?"]).contains("unverified_files")
    }

    @Test func stockTusClient_smallChunks_resumeAfterKill9_thenOnASecondInstance_intoOneObject() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket("evidence")
        let bucket = store.client(bucket: "evidence")
        let s = try SyncFixture(arguments: store.serverArguments(), environment: store.credentialsEnvironment)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let upload = try Upload(s, d, size: 12 * Self.mib + 4321)

        // 26 chunks of 256 KiB: the first 5 MiB are part 1, 1.5 MiB stay as the tail.
        let first = try Self.tuspy("first", port: s.server.port, s, d, upload, chunks: 26)
        #expect(first.1.trimmingCharacters(in: .whitespacesAndNewlines) == String(26 << 18), "\(first)")
        #expect(try bucket.listMultipartUploads(prefix: "kandas/").map(\.key) == [upload.objectKey])

        s.server.crash()
        try s.server.restart()
        let more = try Self.tuspy("more", port: s.server.port, s, d, upload, chunks: 16)
        #expect(more.1.trimmingCharacters(in: .whitespacesAndNewlines) == String(42 << 18), "\(more)")

        // A second instance on the same data folder and bucket finishes it.
        let other = try s.server.launchAnotherInstance()
        defer { other.process.stop() }
        let done = try Self.tuspy("resume", port: other.port, s, d, upload)
        #expect(done.0 == 0, "\(done.1)")
        #expect(
            done.1.split(separator: " ").prefix(2) == [Substring(String(42 << 18)), Substring("\(upload.bytes.count)")])
        #expect(try Self.verified(s, upload))
        #expect(try bucket.listMultipartUploads(prefix: "kandas/").isEmpty)
        #expect(try bucket.headObject(key: upload.objectKey)?.size == Int64(upload.bytes.count))
        var fetched: [UInt8] = []
        try bucket.getObject(key: upload.objectKey) { piece in
            fetched += piece
            return true
        }
        #expect(ServerProcessDigest.sha256(fetched) == upload.sha)
    }

    @Test func termination_abortsTheMultipartUpload() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket("evidence")
        let bucket = store.client(bucket: "evidence")
        let s = try SyncFixture(arguments: store.serverArguments(), environment: store.credentialsEnvironment)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let upload = try Upload(s, d, size: 12 * Self.mib)
        let tus = KandasAppUploadsTests.tus(s, d)
        let created = try tus.create(
            attachment: upload.attachment, sha256: upload.sha, size: upload.bytes.count,
            contentType: "application/pdf", kind: "document")
        let path = try #require(created.headers["location"], "\(created)")
        #expect(try tus.patch(path, offset: 0, Array(upload.bytes[0..<6 * Self.mib])).status == 204)
        #expect(try bucket.listMultipartUploads(prefix: "kandas/").count == 1)
        #expect(try tus.send("DELETE", path).status == 204)
        #expect(try bucket.listMultipartUploads(prefix: "kandas/").isEmpty)
        #expect(try tus.send("HEAD", path).status == 404)
    }

    @Test func objectStoreKilledMidUpload_is503WithRetryAfter_offsetKept_thenTusResumes() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket("evidence")
        let s = try SyncFixture(arguments: store.serverArguments(), environment: store.credentialsEnvironment)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let upload = try Upload(s, d, size: 12 * Self.mib)
        let first = try Self.tuspy("first", port: s.server.port, s, d, upload, chunks: 26)
        #expect(first.1.trimmingCharacters(in: .whitespacesAndNewlines) == String(26 << 18), "\(first)")
        let urls = try String(
            contentsOfFile: s.server.dataDirectory + "/urls-\(upload.attachment).json", encoding: .utf8)
        let path = try #require(
            urls.range(of: #"/v1/uploads/[0-9a-f]{32}"#, options: .regularExpression).map { String(urls[$0]) })
        let tus = KandasAppUploadsTests.tus(s, d)

        store.crash()
        let offset = 26 << 18
        let refused = try tus.patch(path, offset: offset, Array(upload.bytes[offset..<offset + 4 * Self.mib]))
        #expect(refused.status == 503, "\(refused)")
        #expect(refused.headers["retry-after"] != nil, "\(refused)")
        #expect(refused.body.contains("\"unavailable\""), "\(refused.body)")
        #expect(try tus.send("HEAD", path).headers["upload-offset"] == String(offset))

        try store.restart()
        let done = try Self.tuspy("resume", port: s.server.port, s, d, upload)
        #expect(done.0 == 0, "\(done.1)")
        #expect(try Self.verified(s, upload))
    }
}
