import Foundation
import KandasTestSupport
import Testing

/// `kandas-server` with `--blob-store s3://` against SeaweedFS: clear start-up errors for bad
/// settings, `/readyz` probing the bucket, `verify` over objects, and `blobs copy` both ways.
@Suite(.serialized) struct S3BlobStoreServerTests {
    private func serve(_ data: String, _ arguments: [String], _ environment: [String: String]) throws -> (Int32, String)
    {
        try ServerProcess.run(
            ["serve", "--data", data, "--listen", "127.0.0.1:0", "--log-level", "error"] + arguments,
            environment: environment)
    }

    @Test func badS3Settings_stopTheStartWithExit1AndSayWhatIsWrong() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket("evidence")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("kandas-s3-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let good = store.credentialsEnvironment

        let wrongSecret = try serve(
            data, store.serverArguments(), good.merging(["AWS_SECRET_ACCESS_KEY": "wrong"]) { $1 })
        #expect(wrongSecret.0 == 1, "\(wrongSecret.1)")
        #expect(wrongSecret.1.contains("refused the credentials (HTTP 403"), "\(wrongSecret.1)")
        #expect(!wrongSecret.1.contains("wrong") && !wrongSecret.1.contains(SeaweedServer.accessKey))

        let missingBucket = try serve(data, store.serverArguments(bucket: "no-such-bucket"), good)
        #expect(missingBucket.0 == 1 && missingBucket.1.contains("bucket does not exist"), "\(missingBucket.1)")

        let unreachable = try serve(
            data, ["--blob-store", "s3://evidence", "--s3-endpoint", "http://127.0.0.1:9"], good)
        #expect(unreachable.0 == 1 && unreachable.1.contains("unreachable"), "\(unreachable.1)")

        let noCredentials = try serve(data, store.serverArguments(), [:])
        #expect(noCredentials.0 == 1 && noCredentials.1.contains("AWS_ACCESS_KEY_ID"), "\(noCredentials.1)")

        for bad in ["s3://A", "s3://", "ftp://x", "s3://ab"] {
            let usage = try serve(data, ["--blob-store", bad], good)
            #expect(usage.0 == 64, "\(bad): \(usage.1)")
        }
    }

    @Test func uploadsLandInTheBucket_verifyChecksObjects_andBlobsCopyGoesBothWays() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket("evidence")
        let env = store.credentialsEnvironment
        let s = try SyncFixture(arguments: store.serverArguments(), environment: env)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let f = try AttachmentContentTests.upload(s, d)
        let ready = try s.server.client.get("/readyz")
        #expect(ready.status == 200, "\(ready)")
        s.server.stop()

        let data = ["--data", s.server.dataDirectory]
        let s3 = store.serverArguments()
        let clean = try ServerProcess.run(["verify"] + data + s3, environment: env)
        #expect(clean.0 == 0 && clean.1.contains("verified 1 blobs"), "\(clean.1)")

        let bucket = store.client(bucket: "evidence")
        try bucket.putObject(key: "kandas/00/00/" + String(repeating: "0", count: 64), bytes: [1])
        let orphan = try ServerProcess.run(["verify"] + data + s3, environment: env)
        #expect(orphan.0 == 1 && orphan.1.contains("orphan kandas/00/00/"), "\(orphan.1)")
        #expect(orphan.1.contains("mismatch kandas/00/00/"), "\(orphan.1)")
        try bucket.deleteObject(key: "kandas/00/00/" + String(repeating: "0", count: 64))

        // To the folder and back to another prefix; a second run copies nothing.
        let toFile = try ServerProcess.run(["blobs", "copy", "--to", "file:"] + data + s3, environment: env)
        #expect(toFile.0 == 0 && toFile.1.contains("copied 1 blobs"), "\(toFile.1)")
        let again = try ServerProcess.run(["blobs", "copy", "--to", "file:"] + data + s3, environment: env)
        #expect(again.0 == 0 && again.1.contains("copied 0 blobs") && again.1.contains("1 already there"), "\(again.1)")
        let local = try ServerProcess.run(["verify"] + data)
        #expect(local.0 == 0 && local.1.contains("verified 1 blobs"), "\(local.1)")
        let back = try ServerProcess.run(
            ["blobs", "copy", "--to", "s3://evidence/back"] + data + ["--s3-endpoint", store.endpoint], environment: env
        )
        #expect(back.0 == 0 && back.1.contains("copied 1 blobs"), "\(back.1)")
        let key = "back/\(f.sha.prefix(2))/\(f.sha.dropFirst(2).prefix(2))/\(f.sha)"
        #expect(try bucket.getObject(key: key) == f.bytes)
    }

    @Test func aStoreThatGoesAwayWhileServing_makesReadyzAndContent503WithRetryAfter() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket("evidence")
        let s = try SyncFixture(arguments: store.serverArguments(), environment: store.credentialsEnvironment)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let f = try AttachmentContentTests.upload(s, d)
        store.stop()
        let ready = try s.server.client.get("/readyz")
        #expect(ready.status == 503, "\(ready)")
        let content = try s.base.admin.get("/v1/admin/attachments/\(f.attachment)/content")
        #expect(content.status == 503 && content.code == "unavailable", "\(content)")
        #expect(content.headers["retry-after"] != nil, "\(content)")
    }
}
