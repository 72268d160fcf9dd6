import Crypto
import Foundation
import Glibc
import KandasProtocol
import KandasStore
import KandasTestSupport
import ObjectStore
import SQLiteKit
import Synchronization
import Testing

@testable import KandasUploads

/// tus uploads on an object store (issue 13 item 4): partial bytes in an S3 multipart upload on
/// SeaweedFS, offset, parts, tail and hash state in the metadata store.
@Suite(.serialized) struct MultipartUploadTests {
    static let mib = 1 << 20

    /// Sends `data[from..<to]` in chunks of `chunk` bytes, expecting 204 each time.
    @discardableResult
    private func send(
        _ f: UploadFixture, _ location: String, _ data: [UInt8], from: Int, to: Int, chunk: Int
    ) throws
        -> CurlResult?
    {
        var offset = from
        var last: CurlResult?
        while offset < to {
            let end = min(to, offset + chunk)
            let r = try f.patch(location, offset: offset, Array(data[offset..<end]))
            guard r.status == 204 else { throw TestSupportError("PATCH at \(offset): \(r.status) \(r.body)") }
            last = r
            offset = end
        }
        return last
    }

    private func count(_ f: UploadFixture, _ table: String) throws -> Int64 {
        let value = try f.pool.readSync { try $0.scalar("SELECT count(*) FROM \(table)") }
        guard case .integer(let n) = value else { return -1 }
        return n
    }

    @Test func smallChunks_fillPartsInTheBucket_andANewStoreResumesFromTheMetadataAlone() async throws {
        let f = try UploadFixture(blobs: .s3)
        let bucket = try #require(f.seaweed).client(bucket: "evidence")
        let data = Sample.pdf(12 * Self.mib + 12_345)
        let sha = SHA256.hash(data).hex
        let location = try #require(try f.create(data)["Location"])
        let id = String(location.suffix(32))
        // 64 KiB chunks (a device after back-off), then 1 MiB ones: 5 MiB make the first part.
        try send(f, location, data, from: 0, to: Self.mib, chunk: 64 << 10)
        #expect(try bucket.listMultipartUploads(prefix: "blobs/").isEmpty)  // all of it is tail so far
        #expect(try count(f, "tus_upload_tail") == 16)
        try send(f, location, data, from: Self.mib, to: 7 * Self.mib, chunk: Self.mib)
        let uploads = try bucket.listMultipartUploads(prefix: "blobs/")
        #expect(uploads.map(\.key) == ["blobs/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)"])
        let upload = try #require(uploads.first)
        #expect(try bucket.listParts(key: upload.key, uploadID: upload.uploadID).map(\.size) == [5 << 20])
        #expect(try count(f, "tus_upload_parts") == 1)
        #expect(try count(f, "tus_upload_tail") == 2)

        // Another instance: no session, no spool file; only the metadata store and the bucket.
        await f.server?.shutdown()
        unlink(f.partialPath(id))
        try f.restartStore()
        try f.startServer()
        #expect(try f.head(location)["Upload-Offset"] == String(7 * Self.mib))
        let last = try send(f, location, data, from: 7 * Self.mib, to: data.count, chunk: Self.mib)
        #expect(last?["Kandas-Upload-State"] == "verified")
        #expect(f.blobBytes(sha) == data)
        #expect(f.verified.all.map(\.blobAlreadyPresent) == [false])
        #expect(try bucket.listMultipartUploads(prefix: "blobs/").isEmpty)
        #expect(try count(f, "tus_upload_parts") == 0 && count(f, "tus_upload_tail") == 0)
        await f.stop()
    }

    /// The same on PostgreSQL (the metadata store several instances share): the tail's bytes,
    /// the parts and the saved hash state go through `bytea` and back.
    @Test func onPostgreSQL_smallChunksResumeOnANewStore_andVerify() async throws {
        try await PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 4, migrations: PostgresSchema.migrations)
            let f = try UploadFixture(blobs: .s3, engine: engine)
            let data = Sample.pdf(7 * Self.mib + 99)
            let sha = SHA256.hash(data).hex
            let location = try #require(try f.create(data)["Location"])
            try send(f, location, data, from: 0, to: Self.mib, chunk: 256 << 10)
            try send(f, location, data, from: Self.mib, to: 6 * Self.mib + 5, chunk: Self.mib)
            await f.server?.shutdown()
            unlink(f.partialPath(String(location.suffix(32))))
            try f.restartStore()
            try f.startServer()
            #expect(try f.head(location)["Upload-Offset"] == String(6 * Self.mib + 5))
            let last = try f.patch(location, offset: 6 * Self.mib + 5, Array(data[(6 * Self.mib + 5)...]))
            #expect(last["Kandas-Upload-State"] == "verified", "\(last.body)")
            #expect(f.blobBytes(sha) == data)
            await f.stop()
        }
    }

    @Test func termination_abortsTheMultipartUpload() async throws {
        let f = try UploadFixture(blobs: .s3)
        let bucket = try #require(f.seaweed).client(bucket: "evidence")
        let data = Sample.pdf(12 * Self.mib)
        let location = try #require(try f.create(data)["Location"])
        try send(f, location, data, from: 0, to: 6 * Self.mib, chunk: 6 * Self.mib)
        #expect(try bucket.listMultipartUploads(prefix: "blobs/").count == 1)
        #expect(try f.delete(location).status == 204)
        #expect(try bucket.listMultipartUploads(prefix: "blobs/").isEmpty)
        #expect(try f.head(location).status == 404)
        #expect(try count(f, "tus_upload_parts") == 0 && count(f, "tus_upload_tail") == 0)
        await f.stop()
    }

    @Test func expiry_abortsTheMultipartUpload_andTheSweeperAbortsOrphans() async throws {
        let f = try UploadFixture(blobs: .s3)
        let bucket = try #require(f.seaweed).client(bucket: "evidence")
        let data = Sample.pdf(12 * Self.mib)
        let location = try #require(try f.create(data)["Location"])
        try send(f, location, data, from: 0, to: 6 * Self.mib, chunk: 6 * Self.mib)
        // A multipart upload no receiving upload names (a crash between its start and the commit).
        _ = try bucket.createMultipartUpload(key: "blobs/00/00/orphan")
        f.clock.advance(seconds: Double(f.configuration.expirySeconds) + 1)
        let report = try f.store.sweep()
        #expect(report.expiredUploads == 1)
        #expect(report.abortedMultipartUploads == 1)
        #expect(try bucket.listMultipartUploads(prefix: "blobs/").isEmpty)
        #expect(try f.head(location).status == 410)
        await f.stop()
    }

    /// The object store goes down mid-upload: a PATCH that fills a part gets 503 with `Retry-After`
    /// and moves nothing; one that only grows the tail still succeeds (the tail is in the metadata
    /// store); once the store is back the same chunk goes through and the file verifies.
    @Test func objectStoreDown_is503WithRetryAfter_offsetKept_thenTheUploadCompletes() async throws {
        let f = try UploadFixture(blobs: .s3)
        let seaweed = try #require(f.seaweed)
        let data = Sample.pdf(12 * Self.mib)
        let sha = SHA256.hash(data).hex
        let location = try #require(try f.create(data)["Location"])
        try send(f, location, data, from: 0, to: 6 * Self.mib, chunk: 6 * Self.mib)

        seaweed.crash()
        let small = try f.patch(location, offset: 6 * Self.mib, Array(data[6 * Self.mib..<7 * Self.mib]))
        #expect(small.status == 204, "\(small.body)")
        let refused = try f.patch(location, offset: 7 * Self.mib, Array(data[7 * Self.mib..<11 * Self.mib]))
        #expect(refused.status == 503, "\(refused.body)")
        #expect(refused["Retry-After"] != nil)
        #expect(refused.body.contains("unavailable"), "\(refused.body)")
        #expect(try f.head(location)["Upload-Offset"] == String(7 * Self.mib))

        try seaweed.restart()
        try send(f, location, data, from: 7 * Self.mib, to: 11 * Self.mib, chunk: 4 * Self.mib)
        let last = try f.patch(location, offset: 11 * Self.mib, Array(data[(11 * Self.mib)...]))
        #expect(last["Kandas-Upload-State"] == "verified", "\(last.body)")
        #expect(f.blobBytes(sha) == data)
        await f.stop()
    }

    /// A crash between "part stored" and "offset committed" (here: the commit fails after the
    /// part's upload): nothing is acknowledged, HEAD keeps the old offset, the resent chunk goes
    /// under the same part number (replacing the stray one), and the object holds each byte once.
    @Test func partStoredButOffsetNotCommitted_losesAndDuplicatesNothing() async throws {
        let f = try UploadFixture(blobs: .s3)
        let failOnce = FailOnce()
        f.store = try UploadStore(
            database: f.pool, configuration: f.configuration, blobs: f.blobs, clock: { f.clock.date },
            logger: .disabled,
            onStateChanged: { _, change in
                if change.receivedBytes == Int64(12 * Self.mib) { try failOnce.fail() }
            })
        await f.server?.shutdown()
        try f.startServer()
        let bucket = try #require(f.seaweed).client(bucket: "evidence")
        let data = Sample.pdf(13 * Self.mib)
        let sha = SHA256.hash(data).hex
        let location = try #require(try f.create(data)["Location"])
        try send(f, location, data, from: 0, to: 6 * Self.mib, chunk: 6 * Self.mib)
        let lost = try f.patch(location, offset: 6 * Self.mib, Array(data[6 * Self.mib..<12 * Self.mib]))
        #expect(lost.status == 500, "\(lost.body)")
        #expect(try f.head(location)["Upload-Offset"] == String(6 * Self.mib))
        let upload = try #require(try bucket.listMultipartUploads(prefix: "blobs/").first)
        #expect(try bucket.listParts(key: upload.key, uploadID: upload.uploadID).count == 2)  // the part did land

        try send(f, location, data, from: 6 * Self.mib, to: 12 * Self.mib, chunk: 6 * Self.mib)
        let parts = try bucket.listParts(key: upload.key, uploadID: upload.uploadID)
        // SeaweedFS lists a replaced part twice: the part list in the metadata store (with ETags), not
        // ListParts, is what completion sends.
        #expect(Set(parts.map(\.number)) == [1, 2], "\(parts)")
        let last = try f.patch(location, offset: 12 * Self.mib, Array(data[(12 * Self.mib)...]))
        #expect(last["Kandas-Upload-State"] == "verified", "\(last.body)")
        #expect(f.blobBytes(sha) == data)
        #expect(try bucket.listMultipartUploads(prefix: "blobs/").isEmpty)
        await f.stop()
    }

    @Test func identicalContentAlreadyStored_isKept_andTheMultipartUploadAborted() async throws {
        let f = try UploadFixture(blobs: .s3)
        let bucket = try #require(f.seaweed).client(bucket: "evidence")
        let data = Sample.pdf(7 * Self.mib)
        let first = try #require(try f.create(data, attachment: WireID.random().description)["Location"])
        let second = try #require(try f.create(data, attachment: WireID.random().description)["Location"])
        try send(f, first, data, from: 0, to: 6 * Self.mib, chunk: 6 * Self.mib)
        try send(f, second, data, from: 0, to: data.count, chunk: data.count)
        let done = try f.patch(first, offset: 6 * Self.mib, Array(data[(6 * Self.mib)...]))
        #expect(done["Kandas-Upload-State"] == "verified", "\(done.body)")
        #expect(f.verified.all.map(\.blobAlreadyPresent) == [false, true])
        #expect(try bucket.listMultipartUploads(prefix: "blobs/").isEmpty)
        await f.stop()
    }
}

/// Throws the first time it is asked, then never again.
final class FailOnce: Sendable {
    private let failed = Mutex(false)

    func fail() throws {
        let first = failed.withLock { f in
            defer { f = true }
            return !f
        }
        if first { throw UploadError(.internalError, detail: "injected commit failure") }
    }
}
