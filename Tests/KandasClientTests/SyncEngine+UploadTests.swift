import Crypto
import Foundation
import KandasProtocol
import Synchronization
import Testing

@testable import KandasClient

@Suite struct UploadTests {
    @Test func upload_sendsChunksAndTheServerHoldsTheSameBytes() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let path = try f.file("v.mp4", .mp4, size: 300_000)
        let recorded = try await f.client.complete(f.draft(files: [EvidenceInput(path: path, kind: .video)]))
        let report = try await f.client.sync()
        #expect(report.filesUploaded == 1)
        #expect(report.uploadBytesSent == 300_000)
        let stored = try #require(await f.server.storedBytes(of: recorded.files[0]))
        #expect(stored == [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(try await f.client.files().first?.state == .verified)
        #expect(await f.server.patches == 5)
    }

    @Test func cutUpload_resumesFromTheServersOffset_sendingAtMostOneChunkTwice() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let size = 300_000
        let path = try f.file("v.mp4", .mp4, size: size)
        let recorded = try await f.client.complete(f.draft(files: [EvidenceInput(path: path, kind: .video)]))
        await f.server.configure { $0.cutPatch = (index: 3, after: 40_000) }
        let report = try await f.client.sync()
        #expect(report.filesUploaded == 1)
        let sent = await f.server.patchBytesSent
        #expect(sent > Int64(size))
        #expect(sent - Int64(size) <= 64 << 10)
        #expect(await f.server.requests.contains { $0.hasPrefix("HEAD /v1/uploads/") })
        #expect(try #require(await f.server.storedBytes(of: recorded.files[0])).count == size)
    }

    @Test func lostPatchResponse_resumesFromHeadNotFromALocalCounter() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let size = 200_000
        let recorded = try await f.client.complete(
            f.draft(files: [EvidenceInput(path: try f.file("v.mp4", .mp4, size: size), kind: .video)]))
        await f.server.configure { $0.dropResponseAfterApply = ["PATCH /v1/uploads/"] }
        try await f.client.sync()
        // The chunk whose answer was lost was stored; HEAD told the client, so nothing was sent twice.
        #expect(await f.server.patchBytesSent == Int64(size))
        #expect(try #require(await f.server.storedBytes(of: recorded.files[0])).count == size)
    }

    @Test func uploadInterruptedBetweenSyncs_continuesWithTheSavedUploadURL() async throws {
        let f = try await Fixture.make { $0.maxAttempts = 1 }
        defer { f.cleanup() }
        let size = 300_000
        let recorded = try await f.client.complete(
            f.draft(files: [EvidenceInput(path: try f.file("v.mp4", .mp4, size: size), kind: .video)]))
        await f.server.configure { $0.cutPatch = (index: 2, after: 1000) }
        await #expect(throws: ClientError.self) { try await f.client.sync() }
        let file = try #require(try await f.client.files().first)
        #expect(file.state == .uploading)
        #expect(file.uploadURL != nil)
        try await f.client.sync()
        #expect(await f.server.requests.filter { $0 == "POST /v1/uploads" }.count == 1)
        #expect(await f.server.patchBytesSent <= Int64(size) + 1000)
        #expect(try #require(await f.server.storedBytes(of: recorded.files[0])).count == size)
    }

    @Test func offsetMismatch_takesTheOffsetFromThe409() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let recorded = try await f.client.complete(
            f.draft(files: [EvidenceInput(path: try f.file("v.mp4", .mp4, size: 100_000), kind: .video)]))
        await f.server.configure { $0.mismatchNextPatch = true }
        let report = try await f.client.sync()
        #expect(report.filesUploaded == 1)
        #expect(await !f.server.requests.contains { $0.hasPrefix("HEAD") })
        #expect(await f.server.storedBytes(of: recorded.files[0])?.count == 100_000)
    }

    @Test func keepDays_freesVerifiedCopiesOnlyOnceTheyAreOldEnough() async throws {
        let clock = Mutex(Fixture.now)
        let f = try await Fixture.make {
            $0.keepPolicy = .keepDays(7)
            $0.now = { clock.withLock { $0 } }
        }
        defer { f.cleanup() }
        try await f.client.complete(f.draft(files: [EvidenceInput(path: try f.file("a.jpg", .jpeg), kind: .photo)]))
        #expect(try await f.client.sync().filesFreed == 0)
        #expect(try await f.client.files().first?.state == .verified)
        clock.withLock { $0 = Timestamp(millisecondsSince1970: $0.millisecondsSince1970 + 8 * 86_400_000) }
        #expect(try await f.client.freeVerifiedFiles() == 1)
        #expect(f.storedFiles().isEmpty)
    }

    @Test func checksumMismatch_retriesThenHalvesTheChunk() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        try await f.client.complete(
            f.draft(files: [EvidenceInput(path: try f.file("v.mp4", .mp4, size: 100_000), kind: .video)]))
        await f.server.configure { $0.corruptNextChunks = 2 }
        let report = try await f.client.sync()
        #expect(report.filesUploaded == 1)
        #expect(report.retries == 2)
        // Two refused 64 KiB attempts, then 100 000 bytes in 32 KiB chunks: 4 more.
        #expect(await f.server.patches == 6)
    }

    @Test func chunkTooLarge_halvesTheChunk() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        try await f.client.complete(
            f.draft(files: [EvidenceInput(path: try f.file("v.mp4", .mp4, size: 100_000), kind: .video)]))
        await f.server.configure { $0.maxChunk = 32 << 10 }
        let report = try await f.client.sync()
        #expect(report.filesUploaded == 1)
    }

    @Test func expiredUpload_isCreatedAgainForTheSameAttachment() async throws {
        let f = try await Fixture.make { $0.maxAttempts = 1 }
        defer { f.cleanup() }
        let recorded = try await f.client.complete(
            f.draft(files: [EvidenceInput(path: try f.file("v.mp4", .mp4, size: 150_000), kind: .video)]))
        await f.server.configure { $0.cutPatch = (index: 2, after: 10) }
        await #expect(throws: ClientError.self) { try await f.client.sync() }
        await f.server.configure { $0.expireUploadsNext = true }
        try await f.client.sync()
        #expect(await f.server.requests.filter { $0 == "POST /v1/uploads" }.count == 2)
        #expect(await f.server.storedBytes(of: recorded.files[0])?.count == 150_000)
    }

    @Test func receipts_gateFreeingLocalCopies() async throws {
        let f = try await Fixture.make { $0.keepPolicy = .freeImmediately }
        defer { f.cleanup() }
        try await f.client.complete(f.draft(files: [EvidenceInput(path: try f.file("a.jpg", .jpeg), kind: .photo)]))
        await f.server.configure { $0.withholdReceipts = true }
        let first = try await f.client.sync()
        #expect(first.filesUploaded == 1)
        #expect(first.filesFreed == 0)
        #expect(try await f.client.files().first?.state == .uploaded)
        #expect(f.storedFiles().count == 1)
        await f.server.configure { server in
            server.withholdReceipts = false
            for id in server.completions.keys { server.issueReceipt(id) }
        }
        let second = try await f.client.sync()
        #expect(second.filesFreed == 1)
        let file = try #require(try await f.client.files().first)
        #expect(file.state == .freed)
        #expect(file.localPath == nil)
        #expect(f.storedFiles().isEmpty)
        #expect(try await f.client.receipts().first?.completeness == .complete)
    }

    @Test(arguments: [UploadState.corrupt, .expired])
    func fileTheServerLaterDrops_isUploadedAgainOnTheNextSyncFromTheKeptCopy(state: UploadState) async throws {
        let f = try await Fixture.make { $0.keepPolicy = .keepDays(7) }
        defer { f.cleanup() }
        let path = try f.file("a.jpg", .jpeg, size: 100_000)
        let recorded = try await f.client.complete(f.draft(files: [EvidenceInput(path: path, kind: .photo)]))
        try await f.client.sync()
        #expect(try await f.client.files().first?.state == .verified)
        #expect(try await f.client.files().first?.serverState == .verified)
        let attachment = recorded.files[0]
        await f.server.configure { server in server.drop(attachment, as: state) }
        let report = try await f.client.sync()
        #expect(report.filesUploaded == 1)
        #expect(await f.server.requests.filter { $0 == "POST /v1/uploads" }.count == 2)
        #expect(await f.server.storedBytes(of: attachment) == [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        let file = try #require(try await f.client.files().first)
        #expect(file.state == .verified && file.serverState == .verified)
        #expect(try await f.client.status().filesByServerState.isEmpty)
    }

    @Test func corruptFileWithReceiptsWithheld_showsAsCorruptAndPendingUntilTheServerConfirms() async throws {
        let hold = UploadHold()
        let f = try await Fixture.make { $0.allowUpload = { _, _ in !hold.on.withLock { $0 } } }
        defer { f.cleanup() }
        let recorded = try await f.client.complete(
            f.draft(files: [EvidenceInput(path: try f.file("a.jpg", .jpeg), kind: .photo)]))
        try await f.client.sync()
        let attachment = recorded.files[0]
        await f.server.configure { server in server.drop(attachment, as: .corrupt) }
        hold.on.withLock { $0 = true }
        #expect(try await f.client.sync().filesHeld == 1)
        let file = try #require(try await f.client.files().first)
        #expect(file.state == .pending && file.serverState == .corrupt)
        #expect(try await f.client.status().filesByServerState == [.corrupt: 1])
    }

    @Test func filesAddedByAnAmend_areUploadedAfterTheAmendIsAccepted() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let recorded = try await f.client.complete(f.draft(files: []))
        try await f.client.sync()
        let amend = try await f.client.amend(
            AmendDraft(
                completionID: try #require(recorded.completionID),
                addFiles: [EvidenceInput(path: try f.file("d.pdf", .pdf), kind: .document, source: .scan)]))
        let report = try await f.client.sync()
        #expect(report.filesUploaded == 1)
        #expect(await f.server.storedBytes(of: amend.files[0])?.count == 2048)
        #expect(await f.server.completions[recorded.completionID!]?.completeness == .complete)
    }

    @Test func keepAlways_neverFreesVerifiedCopies() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        try await f.client.complete(f.draft(files: [EvidenceInput(path: try f.file("a.jpg", .jpeg), kind: .photo)]))
        let report = try await f.client.sync()
        #expect(report.filesFreed == 0)
        #expect(try await f.client.files().first?.state == .verified)
        #expect(f.storedFiles().count == 1)
    }

    @Test func networkPolicy_holdsVideosUntilAllowed() async throws {
        let f = try await Fixture.make { $0.allowUpload = { kind, _ in kind != .video } }
        defer { f.cleanup() }
        try await f.client.complete(
            f.draft(files: [
                EvidenceInput(path: try f.file("a.jpg", .jpeg), kind: .photo),
                EvidenceInput(path: try f.file("v.mp4", .mp4), kind: .video),
            ]))
        let report = try await f.client.sync()
        #expect(report.filesUploaded == 1)
        #expect(report.filesHeld == 1)
        let status = try await f.client.status()
        #expect(status.filesPending == 1)
    }

    /// A switch the tests flip between syncs.
    final class Switch: Sendable {
        private let on = Mutex(false)
        var value: Bool { on.withLock { $0 } }
        func set(_ value: Bool) { on.withLock { $0 = value } }
    }

    @Test func permanentRefusal_isQuarantinedWithItsReason_andNeverRetried() async throws {
        let allowed = Switch()
        let f = try await Fixture.make { $0.allowUpload = { _, _ in allowed.value } }
        defer { f.cleanup() }
        try await f.client.complete(f.draft(files: [EvidenceInput(path: try f.file("a.jpg", .jpeg), kind: .photo)]))
        try await f.client.sync()
        // The server no longer knows the declaration (e.g. a device of another user): creation is 422.
        await f.server.configure { $0.declared = [:] }
        allowed.set(true)
        let report = try await f.client.sync()
        #expect(report.filesFailed == 1)
        let file = try #require(try await f.client.files().first)
        #expect(file.state == .failed && file.lastError == "unknown_attachment")
        #expect(try await f.client.status().filesFailed == 1)
        // Not retried on later syncs: one creation attempt in all.
        try await f.client.sync()
        try await f.client.sync()
        #expect(await f.server.requests.filter { $0 == "POST /v1/uploads" }.count == 1)
    }

    @Test func progress_reportsPushPullAndUploadBytes() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        try await f.client.complete(
            f.draft(files: [EvidenceInput(path: try f.file("v.mp4", .mp4, size: 150_000), kind: .video)]))
        let events = Mutex<[SyncProgress]>([])
        try await f.client.sync { event in events.withLock { $0.append(event) } }
        let seen = events.withLock { $0 }
        #expect(seen.contains { if case .pushed(1, 1) = $0 { true } else { false } })
        #expect(seen.contains { if case .pulled = $0 { true } else { false } })
        #expect(seen.contains { if case .uploadFinished = $0 { true } else { false } })
        let last = seen.compactMap { event -> Int64? in
            if case .uploadProgress(_, let fileBytes, _, _) = event { fileBytes } else { nil }
        }.last
        #expect(last == 150_000)
    }
}

@Test func pathAbsoluteLocation_isAppendedToTheBaseURLKeepingItsPrefix() {
    #expect(SyncEngine.resolve("/v1/uploads/ab12", "https://h.kz/kandas") == "https://h.kz/kandas/v1/uploads/ab12")
    #expect(
        SyncEngine.resolve("https://other.kz/v1/uploads/ab12", "https://h.kz") == "https://other.kz/v1/uploads/ab12")
    #expect(SyncEngine.resolve("ftp://x/y", "https://h.kz") == nil)
}

/// Holds uploads while `on` (the network policy of a test), so a sync only pulls.
final class UploadHold: Sendable {
    let on = Mutex(false)
}
