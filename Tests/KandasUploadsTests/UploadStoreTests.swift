import Crypto
import Foundation
import Glibc
import KandasProtocol
import KandasStore
import Synchronization
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

    // MARK: onStateChanged

    /// A store whose `onStateChanged` hook records each change with the upload's row as the hook's
    /// transaction sees it ("state offset", or "gone"), and throws while `failing` is set.
    final class StateLog: Sendable {
        private let list = Mutex<[(UploadStateChange, String)]>([])
        let failing = Mutex(false)
        var all: [(change: UploadStateChange, row: String)] { list.withLock { $0.map { ($0.0, $0.1) } } }
        func hook(_ db: any DatabaseConnection, _ change: UploadStateChange) throws {
            if failing.withLock({ $0 }) { throw UploadError(.internalError, detail: "hook refused") }
            let row = try db.queryOne("SELECT state, \"offset\" FROM tus_uploads WHERE upload_id = ?", change.uploadID)
            let seen = try row.map { "\(try $0.string("state")) \(try $0.int("offset"))" } ?? "gone"
            list.withLock { $0.append((change, seen)) }
        }
    }

    private func withStateLog(_ f: UploadFixture) throws -> StateLog {
        let log = StateLog()
        let clock = f.clock
        f.store = try UploadStore(
            database: f.pool, configuration: f.configuration, clock: { clock.date }, logger: .disabled,
            onStateChanged: { db, change in try log.hook(db, change) })
        return log
    }

    @Test func stateHook_seesCreationChunksCorruptionExpiryAndTermination_insideTheirTransactions() async throws {
        let f = try UploadFixture(live: false)
        let log = try withStateLog(f)
        let data = Sample.pdf(30_000)
        let first = try create(f, data).uploadID
        _ = try append(f, first, at: 0, data[0..<10_000])
        _ = try append(f, first, at: 10_000, data[10_000..<20_000])
        // The last chunk with other bytes: the whole-file digest fails.
        #expect(throws: UploadError.self) { try append(f, first, at: 20_000, Sample.pdf(10_000, seed: 7)[...]) }
        let second = try create(f, Sample.pdf(2_000, seed: 4)).uploadID
        _ = try append(f, second, at: 0, Sample.pdf(2_000, seed: 4)[0..<500])
        f.clock.advance(seconds: 8 * 86_400)
        try f.store.sweep()
        let third = try create(f, Sample.pdf(900, seed: 5)).uploadID
        try f.store.terminate(owner: "o", uploadID: third)
        let seen = log.all.map { "\($0.change.state.rawValue) \($0.change.receivedBytes) | \($0.row)" }
        #expect(
            seen == [
                "receiving 0 | receiving 0", "receiving 10000 | receiving 10000", "receiving 20000 | receiving 20000",
                "corrupt 0 | corrupt 20000", "receiving 0 | receiving 0", "receiving 500 | receiving 500",
                "expired 0 | expired 500", "receiving 0 | receiving 0", "declared 0 | gone",
            ])
        #expect(log.all.map(\.change.uploadID) == [first, first, first, first, second, second, second, third, third])
        #expect(log.all.allSatisfy { $0.change.owner == "o" })
        await f.stop()
    }

    @Test func failingStateHook_undoesTheChunkCommit() async throws {
        let f = try UploadFixture(live: false)
        let log = try withStateLog(f)
        let data = Sample.pdf(20_000)
        let id = try create(f, data).uploadID
        log.failing.withLock { $0 = true }
        #expect(throws: UploadError.self) { try append(f, id, at: 0, data[0..<10_000]) }
        log.failing.withLock { $0 = false }
        #expect(try f.store.status(owner: "o", uploadID: id).offset == 0)
        #expect(try append(f, id, at: 0, data[0..<10_000]).offset == 10_000)
        await f.stop()
    }
}
