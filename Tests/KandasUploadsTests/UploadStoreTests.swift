import Crypto
import Foundation
import Glibc
import KandasProtocol
import Testing

@testable import KandasUploads

/// The store without HTTP: restart safety, leases and the sweeper.
@Suite(.serialized)
struct UploadStoreTests {
    private func create(_ f: UploadFixture, _ data: [UInt8], owner: String = "o") throws -> UploadStatus {
        let metadata = UploadMetadata(
            attachmentID: .random(), sha256: SHA256.hash(data).hex, contentType: "application/pdf", kind: .document)
        return try f.store.create(
            owner: owner, length: Int64(data.count), metadata: metadata, metadataHeader: metadata.headerValue)
    }

    private func append(
        _ f: UploadFixture, _ id: String, at offset: Int, _ bytes: ArraySlice<UInt8>
    ) throws
        -> UploadStatus
    {
        let writer = try f.store.beginAppend(
            owner: "o", uploadID: id, offset: Int64(offset), contentLength: Int64(bytes.count), checksum: nil)
        try Array(bytes).withUnsafeBytes { raw in try writer.write(raw) }
        return try writer.finish()
    }

    @Test func restart_truncatesPartialFileToCommittedOffset() async throws {
        let f = try UploadFixture(live: false)
        let data = Sample.pdf(50_000)
        let id = try create(f, data).uploadID
        #expect(try append(f, id, at: 0, data[0..<20_000]).offset == 20_000)
        // Bytes written but never committed, as a crash between pwrite and the SQLite write leaves them.
        let fd = open(f.partialPath(id), O_WRONLY | O_APPEND)
        _ = [UInt8](repeating: 0xAB, count: 7000).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        #expect(fileSize(f.partialPath(id)) == 27_000)

        let store = try f.restartStore()
        #expect(store.recovery.truncatedFiles == 1)
        #expect(store.recovery.truncatedBytes == 7000)
        #expect(fileSize(f.partialPath(id)) == 20_000)
        // Resuming re-reads the prefix once for the running hash, and the digest still matches.
        let done = try append(f, id, at: 20_000, data[20_000...])
        #expect(done.state == .verified)
        await f.stop()
    }

    @Test func restart_removesOrphanFilesAndClosesShortFilesAsCorrupt() async throws {
        let f = try UploadFixture(live: false)
        let data = Sample.pdf(10_000)
        let id = try create(f, data).uploadID
        _ = try append(f, id, at: 0, data[0..<5000])
        _ = FileManager.default.createFile(atPath: f.configuration.partialDirectory + "/stray", contents: Data([1]))
        let fd = open(f.partialPath(id), O_WRONLY)
        ftruncate(fd, 100)
        close(fd)
        let store = try f.restartStore()
        #expect(store.recovery.orphanFiles == 1)
        #expect(store.recovery.corruptFiles == 1)
        #expect(throws: UploadError.self) { try store.status(owner: "o", uploadID: id) }
        await f.stop()
    }

    @Test func olderWriter_losesLeaseAndItsLaterBytesNeverLand() async throws {
        let f = try UploadFixture(live: false)
        let data = Sample.pdf(30_000)
        let id = try create(f, data).uploadID
        let a = try f.store.beginAppend(owner: "o", uploadID: id, offset: 0, contentLength: nil, checksum: nil)
        try Array(data[0..<10_000]).withUnsafeBytes { try a.write($0) }
        let b = try f.store.beginAppend(owner: "o", uploadID: id, offset: 10_000, contentLength: nil, checksum: nil)
        let lost = #expect(throws: UploadError.self) {
            try [UInt8](repeating: 0xEE, count: 100).withUnsafeBytes { try a.write($0) }
        }
        #expect(lost?.code == .conflict)
        a.abort()
        try Array(data[10_000...]).withUnsafeBytes { try b.write($0) }
        #expect(try b.finish().state == .verified)
        await f.stop()
    }

    @Test func openUploadsPerOwner_areLimited() async throws {
        let f = try UploadFixture(live: false) { $0.maxOpenUploadsPerOwner = 2 }
        _ = try create(f, Sample.pdf(100, seed: 1))
        _ = try create(f, Sample.pdf(100, seed: 2))
        let error = #expect(throws: UploadError.self) { try create(f, Sample.pdf(100, seed: 3)) }
        #expect(error?.code == .rateLimited)
        _ = try create(f, Sample.pdf(100, seed: 3), owner: "other")
        await f.stop()
    }

    @Test func sweeperThread_expiresUploadsAndStops() async throws {
        let f = try UploadFixture(live: false)
        let data = Sample.pdf(1000)
        let id = try create(f, data).uploadID
        _ = try append(f, id, at: 0, data[0..<100])
        f.clock.advance(seconds: 8 * 86_400)
        let sweeper = f.store.startSweeper(every: .milliseconds(20))
        #expect(waitUntil { fileSize(f.partialPath(id)) == -1 })
        sweeper.stop()
        sweeper.stop()
        let error = #expect(throws: UploadError.self) { try f.store.status(owner: "o", uploadID: id) }
        #expect(error?.code == .uploadExpired)
        await f.stop()
    }
}
