import Foundation
import KandasTestSupport
import Testing

/// `GET /v1/admin/attachments/{id}/content` on the live server (Protocol §4.9): the verified bytes
/// with `Range`, the SHA-256 as `ETag`, and the scope of `GET /v1/admin/attachments/{id}`.
@Suite(.serialized) struct AttachmentContentTests {
    /// A verified JPEG declared and uploaded by worker111's device.
    struct Uploaded {
        var attachment: String
        var bytes: [UInt8]
        var sha: String
    }

    static func upload(_ s: SyncFixture, _ d: SyncFixture.Device, size: Int = 5_000) throws -> Uploaded {
        let bytes = TusCurl.jpeg(size, seed: 4)
        let sha = ServerProcessDigest.sha256(bytes)
        let file = SyncFixture.file(kind: "photo", type: "image/jpeg", size: bytes.count, sha: sha)
        let attachment = try #require(file["attachment_id"] as? String)
        _ = try KandasAppUploadsTests.declare(s, d, file)
        let tus = KandasAppUploadsTests.tus(s, d)
        let created = try tus.create(
            attachment: attachment, sha256: sha, size: bytes.count, contentType: "image/jpeg", kind: "photo")
        let location = try #require(created.headers["location"], "\(created)")
        let done = try tus.patch(location, offset: 0, bytes)
        guard done.headers["kandas-upload-state"] == "verified" else { throw TestSupportError("upload: \(done)") }
        return Uploaded(attachment: attachment, bytes: bytes, sha: sha)
    }

    static func bearer(_ s: SyncFixture) -> String {
        s.base.admin.defaultHeaders.first { $0.0 == "Authorization" }?.1 ?? ""
    }

    /// Verified blobs in the default folder, or in an S3 bucket (streamed through, chunked).
    enum Blobs: String, CaseIterable, Sendable {
        case file
        case s3
    }

    @Test(arguments: Blobs.allCases)
    func verifiedFile_isServedWholeAndByRange_withItsHashAsETag(blobs: Blobs) throws {
        let store = blobs == .s3 ? try SeaweedServer() : nil
        defer { store?.stop() }
        try store?.createBucket("evidence")
        let s = try SyncFixture(
            arguments: store?.serverArguments() ?? [], environment: store?.credentialsEnvironment ?? [:])
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let f = try Self.upload(s, d)
        let path = "/v1/admin/attachments/\(f.attachment)/content"
        let whole = try s.base.admin.get(path)
        #expect(whole.status == 200, "\(whole)")
        #expect(whole.body == f.bytes)
        #expect(whole.headers["content-type"] == "image/jpeg")
        if blobs == .file { #expect(whole.headers["content-length"] == "\(f.bytes.count)") }
        if let store {
            // The blob is an object named by its hash, not a file in the data folder.
            #expect(
                try store.client(bucket: "evidence").headObject(
                    key: "kandas/\(f.sha.prefix(2))/\(f.sha.dropFirst(2).prefix(2))/\(f.sha)")?.size
                    == Int64(f.bytes.count))
            #expect(!FileManager.default.fileExists(atPath: s.server.dataDirectory + "/blobs/\(f.sha.prefix(2))"))
        }
        #expect(whole.headers["etag"] == "\"\(f.sha)\"")
        #expect(whole.headers["accept-ranges"] == "bytes")

        // curl, a real third-party client, asks for the first 100 bytes.
        let dir = s.server.dataDirectory
        let (status, output) = try TusCurl.run([
            "curl", "-s", "-S", "-r", "0-99", "-D", dir + "/head.txt", "-o", dir + "/part.bin", "-H",
            "Authorization: " + Self.bearer(s), "http://127.0.0.1:\(s.server.port)" + path,
        ])
        #expect(status == 0, "\(output)")
        let head = (try? String(contentsOfFile: dir + "/head.txt", encoding: .utf8)) ?? ""
        #expect(head.hasPrefix("HTTP/1.1 206"), "\(head)")
        #expect(head.lowercased().contains("content-range: bytes 0-99/\(f.bytes.count)\r\n"), "\(head)")
        #expect(FileManager.default.contents(atPath: dir + "/part.bin").map { [UInt8]($0) } == Array(f.bytes[0..<100]))

        let tail = try s.base.admin.send("GET", path, headers: [("Range", "bytes=4990-")])
        #expect(tail.status == 206 && tail.body == Array(f.bytes[4990...]), "\(tail)")
        let beyond = try s.base.admin.send("GET", path, headers: [("Range", "bytes=5000-5010")])
        #expect(beyond.status == 416 && beyond.headers["content-range"] == "bytes */\(f.bytes.count)", "\(beyond)")
        let cached = try s.base.admin.send("GET", path, headers: [("If-None-Match", "\"\(f.sha)\"")])
        #expect(cached.status == 304 && cached.body.isEmpty, "\(cached)")
        let stale = try s.base.admin.send("GET", path, headers: [("Range", "bytes=0-9"), ("If-Range", "\"other\"")])
        #expect(stale.status == 200 && stale.body == f.bytes)
    }

    @Test func contentFollowsTheAttachmentScope_andIs409UntilVerified() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let f = try Self.upload(s, d)
        let declaredOnly = SyncFixture.file(kind: "photo", type: "image/jpeg", size: 100)
        let pending = try #require(declaredOnly["attachment_id"] as? String)
        _ = try KandasAppUploadsTests.declare(s, d, declaredOnly)
        let content = { (id: String) in "/v1/admin/attachments/\(id)/content" }

        let notYet = try s.base.admin.get(content(pending))
        #expect(notYet.status == 409 && notYet.code == "conflict", "\(notYet)")
        #expect(try s.base.admin.get(content(SyncFixture.uuid())).status == 404)
        #expect(try s.base.admin.get("/v1/admin/attachments/not-a-uuid/content").status == 404)
        // worker111 is in region 1, centre 1.1: same answers as GET /v1/admin/attachments/{id}.
        for (user, expected) in [
            ("region1", 200), ("super11", 200), ("auditor", 200), ("region2", 404), ("super12", 404),
        ] {
            let client = try s.server.login(user)
            let meta = try client.get("/v1/admin/attachments/\(f.attachment)")
            let r = try client.get(content(f.attachment))
            #expect(r.status == expected && meta.status == expected, "\(user): \(r) / \(meta)")
            if expected == 404 { #expect(r.code == "not_found" && !r.text.contains(f.sha)) }
        }
        let device = try d.client.get(content(f.attachment))
        #expect(device.status == 403 && device.code == "forbidden", "\(device)")
        let anonymous = try s.server.client.get(content(f.attachment))
        #expect(anonymous.status == 401)
    }

    @Test func kandasAdminDownload_writesTheVerifiedFile() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let f = try Self.upload(s, d, size: 70_000)
        let kandas = (try ServerProcess.binary() as NSString).deletingLastPathComponent + "/kandas"
        let home = s.server.dataDirectory + "/cli-home"
        let environment = [
            "HOME": home, "KANDAS_HOME": home, "KANDAS_PASSWORD": s.base.seed.password,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin",
        ]
        // `env -i` through the suite's program runner: exactly this environment, none of the caller's KANDAS_*.
        func kandasRun(_ arguments: [String]) throws -> (Int32, String) {
            try TusCurl.run(
                ["-i"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + [kandas] + arguments)
        }
        let login = try kandasRun([
            "admin", "login", "--server", "http://127.0.0.1:\(s.server.port)", "--user", "region1",
        ])
        #expect(login.0 == 0, "\(login.1)")
        let out = s.server.dataDirectory + "/evidence.jpg"
        let download = try kandasRun(["admin", "download", f.attachment, "--out", out])
        #expect(download.0 == 0, "\(download.1)")
        #expect(FileManager.default.contents(atPath: out).map { [UInt8]($0) } == f.bytes)
        #expect(!FileManager.default.fileExists(atPath: out + ".part"))
    }
}
