import Crypto
import Foundation
import Glibc
import KandasProtocol
import Testing

@testable import KandasUploads

/// Live tus flows: an in-process server on 127.0.0.1 port 0, driven by curl and raw sockets.
@Suite(.serialized)
struct TusHandlersTests {
    @Test func options_publishesVersionExtensionsAndLimits() async throws {
        let f = try UploadFixture()
        let r = try curl(["-X", "OPTIONS", f.base + "/v1/uploads"])
        #expect(r.status == 204)
        #expect(r["Tus-Resumable"] == "1.0.0")
        #expect(r["Tus-Version"] == "1.0.0")
        #expect(r["Tus-Extension"] == "creation,checksum,expiration,termination")
        #expect(r["Tus-Checksum-Algorithm"] == "sha256,sha1")
        #expect(r["Tus-Max-Size"] == "4294967296")
        #expect(r["Kandas-Max-Chunk-Size"] == "67108864")
        #expect(r["Upload-Limit"] == "max-size=4294967296, max-append-size=67108864")
        await f.stop()
    }

    @Test func requestWithoutTusResumable_is412WithTusVersion() async throws {
        let f = try UploadFixture()
        let r = try curl([
            "-X", "POST", f.base + "/v1/uploads", "-H", "Authorization: Bearer d", "-H", "Upload-Length: 5",
        ])
        #expect(r.status == 412)
        #expect(r["Tus-Version"] == "1.0.0")
        #expect(r.body.contains("\"code\":\"tus_version_unsupported\""))
        let anonymous = try curl(["-X", "POST", f.base + "/v1/uploads", "-H", "Tus-Resumable: 1.0.0"])
        #expect(anonymous.status == 401)
        await f.stop()
    }

    @Test func creation_isIdempotentPerOwnerAndAttachment() async throws {
        let f = try UploadFixture()
        let data = Sample.pdf(100_000)
        let attachment = WireID.random().description
        let first = try f.create(data, attachment: attachment)
        #expect(first.status == 201)
        #expect(first["Upload-Offset"] == "0")
        #expect(first["Upload-Expires"]?.hasSuffix(" GMT") == true)
        let location = try #require(first["Location"])
        #expect(location.hasPrefix("/v1/uploads/") && location.count == "/v1/uploads/".count + 32)
        #expect(try f.patch(location, offset: 0, Array(data[0..<30_000])).status == 204)

        let again = try f.create(data, attachment: attachment)
        #expect(again.status == 201)
        #expect(again["Location"] == location)
        #expect(again["Upload-Offset"] == "30000")
        #expect(again["Idempotent-Replayed"] == "true")

        let other = try f.create(data, owner: "device-2", attachment: attachment)
        #expect(other["Location"] != location)
        let mismatch = try f.create(Sample.pdf(99), attachment: attachment)
        #expect(mismatch.status == 422)
        #expect(mismatch.body.contains("attachment_mismatch"))

        #expect(try f.patch(location, offset: 30_000, Array(data[30_000...])).status == 204)
        let done = try f.create(data, attachment: attachment)
        #expect(done.status == 201)
        #expect(done["Location"] == location)
        #expect(done["Upload-Offset"] == "100000")
        #expect(done["Kandas-Upload-State"] == "verified")
        await f.stop()
    }

    @Test func head_reportsCommittedOffsetWithNoStore_andOtherOwnersGet404() async throws {
        let f = try UploadFixture()
        let data = Sample.pdf(5000)
        let location = try #require(try f.create(data)["Location"])
        var h = try f.head(location)
        #expect(h.status == 200)
        #expect(h["Upload-Offset"] == "0")
        #expect(h["Upload-Length"] == "5000")
        #expect(h["Cache-Control"] == "no-store")
        #expect(h["Kandas-Upload-State"] == "receiving")
        #expect(h["Upload-Metadata"]?.contains("attachment_id ") == true)
        _ = try f.patch(location, offset: 0, Array(data[0..<1234]))
        h = try f.head(location)
        #expect(h["Upload-Offset"] == "1234")
        #expect(try f.head(location, owner: "device-2").status == 404)
        #expect(try f.head("/v1/uploads/" + String(repeating: "a", count: 32)).status == 404)
        #expect(try f.head("/v1/uploads/not-an-id").status == 404)
        await f.stop()
    }

    @Test(arguments: BlobBackend.allCases)
    func completeUpload_isVerifiedStoredByHashAndHookRunsOnce(blobs: BlobBackend) async throws {
        let f = try UploadFixture(blobs: blobs)
        let data = Sample.pdf(300_000)
        let location = try #require(try f.create(data)["Location"])
        let sha = SHA256.hash(data)
        let p1 = try f.patch(
            location, offset: 0, Array(data[0..<100_000]),
            checksum: "sha256 " + SHA256.hash(Array(data[0..<100_000])).base64)
        #expect(p1.status == 204)
        #expect(p1["Upload-Offset"] == "100000")
        let p2 = try f.patch(
            location, offset: 100_000, Array(data[100_000...]),
            checksum: "sha1 " + SHA1.hash(Array(data[100_000...])).base64)
        #expect(p2.status == 204)
        #expect(p2["Kandas-Upload-State"] == "verified")
        #expect(p2["Upload-Offset"] == "300000")
        #expect(p2["Upload-Expires"] == nil)
        #expect(f.blobBytes(sha.hex) == data)
        #expect(fileSize(f.partialPath(String(location.suffix(32)))) == -1)
        #expect(f.verified.all.map(\.sha256) == [sha.hex])
        let h = try f.head(location)
        #expect(h.status == 200)
        #expect(h["Kandas-Upload-State"] == "verified")
        #expect(h["Upload-Offset"] == "300000")
        #expect(try f.delete(location).status == 409)
        await f.stop()
    }

    @Test(arguments: BlobBackend.allCases)
    func chunkChecksumMismatch_is460AndOffsetUnchanged(blobs: BlobBackend) async throws {
        let f = try UploadFixture(blobs: blobs)
        let data = Sample.pdf(50_000)
        let location = try #require(try f.create(data)["Location"])
        _ = try f.patch(location, offset: 0, Array(data[0..<10_000]))
        let wrong = SHA256.hash(Array("something else".utf8)).base64
        let r = try f.patch(location, offset: 10_000, Array(data[10_000..<20_000]), checksum: "sha256 " + wrong)
        #expect(r.status == 460)
        #expect(r.body.contains("\"code\":\"checksum_mismatch\""))
        #expect(r["Upload-Offset"] == "10000")
        #expect(try f.head(location)["Upload-Offset"] == "10000")
        #expect(fileSize(f.partialPath(String(location.suffix(32)))) == 10_000)
        let bad = try f.patch(location, offset: 10_000, Array(data[10_000..<20_000]), checksum: "md5 AAAA")
        #expect(bad.status == 400)
        #expect(bad.body.contains("checksum_algorithm_unsupported"))
        await f.stop()
    }

    @Test(arguments: BlobBackend.allCases)
    func wrongOffset_is409WithTheStoredOffset(blobs: BlobBackend) async throws {
        let f = try UploadFixture(blobs: blobs)
        let data = Sample.pdf(20_000)
        let location = try #require(try f.create(data)["Location"])
        _ = try f.patch(location, offset: 0, Array(data[0..<5000]))
        let r = try f.patch(location, offset: 4000, Array(data[4000..<6000]))
        #expect(r.status == 409)
        #expect(r["Upload-Offset"] == "5000")
        #expect(r.body.contains("\"upload_offset\":5000"))
        #expect(r.body.contains("\"code\":\"upload_offset_mismatch\""))
        #expect(try f.head(location)["Upload-Offset"] == "5000")
        await f.stop()
    }

    @Test func limits_chunkAndUploadTooLarge() async throws {
        let f = try UploadFixture { $0.maxChunkBytes = 20_000 }
        let data = Sample.pdf(30_000)
        let location = try #require(try f.create(data)["Location"])
        let big = try f.patch(location, offset: 0, Array(data[0..<20_001]))
        #expect(big.status == 413)
        #expect(big.body.contains("\"code\":\"chunk_too_large\""))
        #expect(big.body.contains("\"limit\":20000"))
        #expect(try f.head(location)["Upload-Offset"] == "0")
        _ = try f.patch(location, offset: 0, Array(data[0..<20_000]))
        let beyond = try f.patch(location, offset: 20_000, Array(data[20_000..<30_000]) + [1])
        #expect(beyond.status == 413)
        #expect(beyond.body.contains("upload_too_large"))
        let huge = try curl([
            "-X", "POST", f.base + "/v1/uploads", "-H", "Authorization: Bearer d", "-H", "Tus-Resumable: 1.0.0",
            "-H", "Upload-Length: 5000000000", "-H",
            "Upload-Metadata: "
                + UploadMetadata(
                    attachmentID: .random(), sha256: String(repeating: "a", count: 64), contentType: "video/mp4",
                    kind: .video
                ).headerValue,
        ])
        #expect(huge.status == 413)
        #expect(huge.body.contains("upload_too_large"))
        await f.stop()
    }

    @Test(arguments: BlobBackend.allCases)
    func expiry_is410WhileKnownThen404_andCreationStartsAgain(blobs: BlobBackend) async throws {
        let f = try UploadFixture(blobs: blobs)
        let data = Sample.pdf(8000)
        let attachment = WireID.random().description
        let location = try #require(try f.create(data, attachment: attachment)["Location"])
        _ = try f.patch(location, offset: 0, Array(data[0..<4000]))
        f.clock.advance(seconds: 6 * 86_400)
        // A PATCH slides the expiry.
        _ = try f.patch(location, offset: 4000, Array(data[4000..<5000]))
        f.clock.advance(seconds: 6 * 86_400)
        #expect(try f.head(location).status == 200)
        f.clock.advance(seconds: 2 * 86_400)
        #expect(try f.head(location).status == 410)
        let p = try f.patch(location, offset: 5000, Array(data[5000...]))
        #expect(p.status == 410)
        #expect(p.body.contains("upload_expired"))
        let report = try f.store.sweep()
        #expect(report.expiredUploads == 1)
        #expect(fileSize(f.partialPath(String(location.suffix(32)))) == -1)
        #expect(try f.head(location).status == 410)
        let again = try f.create(data, attachment: attachment)
        #expect(again.status == 201)
        #expect(again["Location"] != location)
        #expect(again["Upload-Offset"] == "0")
        f.clock.advance(seconds: 31 * 86_400)
        #expect(try f.store.sweep().purgedUploads == 1)
        #expect(try f.head(location).status == 404)
        await f.stop()
    }

    @Test(arguments: BlobBackend.allCases)
    func termination_removesBytesThen404(blobs: BlobBackend) async throws {
        let f = try UploadFixture(blobs: blobs)
        let data = Sample.pdf(8000)
        let location = try #require(try f.create(data)["Location"])
        _ = try f.patch(location, offset: 0, Array(data[0..<4000]))
        let r = try f.delete(location)
        #expect(r.status == 204)
        #expect(r["Tus-Resumable"] == "1.0.0")
        #expect(fileSize(f.partialPath(String(location.suffix(32)))) == -1)
        #expect(try f.head(location).status == 404)
        #expect(try f.patch(location, offset: 4000, Array(data[4000...])).status == 404)
        #expect(try f.delete(location).status == 404)
        await f.stop()
    }

    @Test(arguments: BlobBackend.allCases)
    func wholeFileDigestMismatch_is460AndUploadCorrupt(blobs: BlobBackend) async throws {
        let f = try UploadFixture(blobs: blobs)
        let data = Sample.pdf(9000)
        let attachment = WireID.random().description
        let declared = SHA256.hash(Sample.pdf(9000, seed: 7)).hex
        let location = try #require(try f.create(data, attachment: attachment, sha256: declared)["Location"])
        _ = try f.patch(location, offset: 0, Array(data[0..<3000]))
        let r = try f.patch(location, offset: 3000, Array(data[3000...]))
        #expect(r.status == 460)
        #expect(r.body.contains("\"code\":\"file_digest_mismatch\""))
        #expect(try f.head(location).status == 410)
        #expect(fileSize(f.partialPath(String(location.suffix(32)))) == -1)
        #expect(f.blobBytes(declared) == nil)
        #expect(f.verified.all.isEmpty)
        let again = try f.create(data, attachment: attachment, sha256: declared)
        #expect(again["Location"] != location)
        await f.stop()
    }

    /// The window between "object written" and "offset committed": the store took the object, then
    /// the commit failed (as a kill -9 there would leave it). The client sees no acknowledgement,
    /// HEAD still says the old offset, the resent chunk verifies, and the bucket holds one object.
    @Test func objectWrittenButOffsetNotCommitted_losesAndDuplicatesNothing() async throws {
        let f = try UploadFixture(blobs: .s3)
        let failing = FailOnceAfterAdd(f.blobs)
        f.store = try UploadFixture.makeStore(
            pool: f.pool, configuration: f.configuration, clock: f.clock, verified: f.verified, blobs: failing)
        await f.server?.shutdown()
        try f.startServer()
        let data = Sample.pdf(40_000)
        let sha = SHA256.hash(data).hex
        let location = try #require(try f.create(data)["Location"])
        #expect(try f.patch(location, offset: 0, Array(data[0..<20_000])).status == 204)
        let lost = try f.patch(location, offset: 20_000, Array(data[20_000...]))
        #expect(lost.status == 503, "\(lost.body)")
        #expect(lost["Retry-After"] != nil)
        #expect(try f.head(location)["Upload-Offset"] == "20000")
        #expect(f.blobBytes(sha) == data)  // the object did land
        let resent = try f.patch(location, offset: 20_000, Array(data[20_000...]))
        #expect(resent.status == 204 && resent["Kandas-Upload-State"] == "verified")
        #expect(f.verified.all.map(\.blobAlreadyPresent) == [true])
        var keys: [String] = []
        try f.seaweed?.client(bucket: "evidence").forEachObject(prefix: "blobs/") { keys.append($0.key) }
        #expect(keys == ["blobs/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)"])
        await f.stop()
    }

    @Test func pdfDeclaredAsVideo_isContentTypeMismatch() async throws {
        let f = try UploadFixture()
        let data = Sample.pdf(5000)
        let location = try #require(try f.create(data, contentType: "video/mp4", kind: .video)["Location"])
        let r = try f.patch(location, offset: 0, Array(data[0..<100]))
        #expect(r.status == 422)
        #expect(r.body.contains("\"code\":\"content_type_mismatch\""))
        #expect(try f.head(location).status == 410)
        let unsupported = try f.create(data, contentType: "application/zip")
        #expect(unsupported.status == 415)
        await f.stop()
    }

    @Test(arguments: BlobBackend.allCases)
    func identicalFiles_areStoredOnce(blobs: BlobBackend) async throws {
        let f = try UploadFixture(blobs: blobs)
        let data = Sample.mp4(70_000)
        for owner in ["device-1", "device-2"] {
            let location = try #require(
                try f.create(data, owner: owner, contentType: "video/mp4", kind: .video)["Location"])
            #expect(try f.patch(location, offset: 0, data, owner: owner)["Kandas-Upload-State"] == "verified")
        }
        let sha = SHA256.hash(data).hex
        #expect(f.blobBytes(sha) == data)
        if blobs == .file {
            let shard = (f.blobPath(sha) as NSString).deletingLastPathComponent
            #expect(try FileManager.default.contentsOfDirectory(atPath: shard) == [sha])
        }
        #expect(f.verified.all.map(\.blobAlreadyPresent) == [false, true])
        await f.stop()
    }

    @Test func badHeaders_getStableCodesAndChangeNothing() async throws {
        let f = try UploadFixture()
        let auth = ["-H", "Authorization: Bearer device-1", "-H", "Tus-Resumable: 1.0.0"]
        let post = ["-X", "POST", f.base + "/v1/uploads"] + auth
        let deferred = try curl(post + ["-H", "Upload-Defer-Length: 1"])
        #expect(deferred.status == 400)
        #expect(deferred.body.contains("\"code\":\"invalid_field\""))
        #expect(try curl(post).body.contains("\"code\":\"missing_field\""))
        #expect(try curl(post + ["-H", "Upload-Length: -5"]).status == 422)
        let noMetadata = try curl(post + ["-H", "Upload-Length: 5"])
        #expect(noMetadata.status == 422)
        #expect(noMetadata.body.contains("missing_field"))

        let data = Sample.pdf(1000)
        let location = try #require(try f.create(data)["Location"])
        let patch = ["-X", "PATCH", f.base + location] + auth + ["--data-binary", "abc"]
        let wrongType = try curl(patch + ["-H", "Content-Type: application/octet-stream", "-H", "Upload-Offset: 0"])
        #expect(wrongType.status == 415)
        let noOffset = try curl(patch + ["-H", "Content-Type: application/offset+octet-stream"])
        #expect(noOffset.status == 422)
        let badOffset = try curl(
            patch + ["-H", "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: +0"])
        #expect(badOffset.status == 422)
        #expect(try f.head(location)["Upload-Offset"] == "0")
        #expect(fileSize(f.partialPath(String(location.suffix(32)))) <= 0)
        await f.stop()
    }
}
