import Foundation
import KandasProtocol
import Testing

@testable import KandasClient

@Suite struct SyncEngineTests {
    @Test func offlineRecording_thenSync_reachesTheServerAndTheMirror() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        await f.server.configure { $0.connectionRefused = true }
        let recorded = try await f.client.complete(f.draft(files: []))
        let offline = await #expect(throws: ClientError.self) { try await f.client.sync() }
        #expect(offline?.code == .network)
        #expect(try await f.client.status().lastError?.hasPrefix("network") == true)
        await f.server.configure { $0.connectionRefused = false }
        let report = try await f.client.sync()
        #expect(report.eventsAccepted == 1)
        #expect(await f.server.completions[try #require(recorded.completionID)] != nil)
        let item = try #require(try await f.client.item(f.items[0].id))
        #expect(item.pendingEvents == 0)
        #expect(item.completions.first?.server?.rev == 1)
        let status = try await f.client.status()
        #expect(status.outboxEvents == 0)
        #expect(status.lastError == nil)
        #expect(status.lastSyncAt == Fixture.now)
    }

    @Test func lostPushResponse_resendCreatesNoDuplicate() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let recorded = try await f.client.complete(f.draft(files: []))
        await f.server.configure { $0.dropResponseAfterApply = ["POST /v1/sync/push"] }
        let report = try await f.client.sync()
        #expect(report.retries == 1)
        #expect(report.eventsAccepted == 1)
        #expect(await f.server.pushedEvents == 1)
        #expect(await f.server.completions.count == 1)
        #expect(await f.server.requests.filter { $0 == "POST /v1/sync/push" }.count == 2)
        #expect(try await f.client.item(f.items[0].id)?.completions.map(\.id) == [recorded.completionID!])
    }

    @Test func lostPushResponseAndNoRetry_pullStillMarksTheEventSent() async throws {
        let f = try await Fixture.make { $0.maxAttempts = 1 }
        defer { f.cleanup() }
        try await f.client.complete(f.draft(files: []))
        await f.server.configure { $0.dropResponseAfterApply = ["POST /v1/sync/push"] }
        await #expect(throws: ClientError.self) { try await f.client.sync() }
        try await f.client.sync()
        #expect(await f.server.pushedEvents == 1)
        #expect(try await f.client.status().outboxEvents == 0)
    }

    @Test func poisonEvent_isQuarantinedAndLaterEventsStillGo() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let poison = try await f.client.complete(f.draft(0, files: []))
        let good = try await f.client.complete(f.draft(1, files: []))
        // The server no longer knows item 0 (and has not told the device yet).
        await f.server.configure { $0.items[f.items[0].id] = nil }
        let report = try await f.client.sync()
        #expect(report.eventsRejected == 1)
        #expect(report.eventsAccepted == 1)
        let quarantined = try await f.client.quarantined()
        #expect(quarantined.map(\.eventID) == [poison.eventID])
        #expect(quarantined.first?.code == "unknown_item")
        #expect(await f.server.completions[good.completionID!] != nil)
        #expect(try await f.client.status().quarantinedEvents == 1)
        #expect(try await f.client.inbox().quarantined.count == 1)
    }

    @Test func gap_resendsFromTheExpectedSeq() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        try await f.client.complete(f.draft(0, files: []))
        try await f.client.complete(f.draft(1, files: []))
        try await f.client.sync()
        await f.server.rollBack(toDeviceSeq: 1)
        try await f.client.complete(f.draft(2, files: []))
        let report = try await f.client.sync()
        #expect(report.gapsResent == 1)
        #expect(await f.server.lastDeviceSeq == 3)
        #expect(await f.server.pushedEvents == 4)
        #expect(try await f.client.status().outboxEvents == 0)
    }

    @Test func outbox_isPushedInBatchesAndHalvedWhenTheServerAllowsFewer() async throws {
        let f = try await Fixture.make { $0.pushBatchSize = 4 }
        defer { f.cleanup() }
        for _ in 0..<9 { try await f.client.complete(f.draft(1, files: [])) }
        await f.server.configure { $0.maxPushEvents = 3 }
        let report = try await f.client.sync()
        #expect(report.eventsAccepted == 9)
        // One refused batch of 4, then batches of 2: 5 accepted pushes.
        #expect(await f.server.requests.filter { $0 == "POST /v1/sync/push" }.count == 6)
        #expect(await f.server.lastDeviceSeq == 9)
    }

    @Test func invalidCursor_isDroppedAndTheMirrorRebuilt() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        try await f.client.store.set(.cursor, "not-a-cursor")
        let report = try await f.client.sync()
        #expect(report.mirrorReset)
        #expect(try await f.client.items().count == 3)
    }

    @Test func reset_wipesTheMirrorButKeepsTheOutbox() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        try await f.client.complete(f.draft(files: []))
        try await f.client.reset()
        #expect(try await f.client.items().isEmpty)
        #expect(try await f.client.status().outboxEvents == 1)
        let report = try await f.client.sync()
        #expect(report.mirrorReset)
        #expect(report.eventsAccepted == 1)
        #expect(try await f.client.items().count == 3)
        #expect(try await f.client.item(f.items[0].id)?.displayedStatus == .completed)
    }

    @Test func serverReset_replacesTheMirrorOnlyWhenTheSnapshotIsComplete() async throws {
        let f = try await Fixture.make { $0.pullLimit = 2 }
        defer { f.cleanup() }
        await f.server.configure { $0.epoch += 1 }
        let report = try await f.client.sync()
        #expect(report.mirrorReset)
        #expect(report.pagesPulled >= 3)
        #expect(try await f.client.families().first?.members.count == 1)
        #expect(try await f.client.items().count == 3)
    }

    @Test func unavailable_retriesAfterTheServersRetryAfter() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        try await f.client.complete(f.draft(files: []))
        await f.server.configure { $0.unavailableNext = 2 }
        let before = f.sleeper.recorded.count
        let report = try await f.client.sync()
        #expect(report.retries == 2)
        #expect(Array(f.sleeper.recorded.dropFirst(before)) == [.seconds(7), .seconds(7)])
        #expect(report.eventsAccepted == 1)
    }

    @Test func transportFailures_backOffOnTheSeededSchedule() async throws {
        let f = try await Fixture.make { $0.maxAttempts = 4 }
        defer { f.cleanup() }
        await f.server.configure { $0.connectionRefused = true }
        await #expect(throws: ClientError.self) { try await f.client.sync() }
        let expected = Backoff(seed: 7)
        #expect(f.sleeper.recorded == (0..<3).map { expected.delay(attempt: $0) })
    }

    @Test func expiredAccessToken_isRefreshedWithRotationOnce() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        try await f.client.complete(f.draft(files: []))
        await f.server.configure { $0.expireAccessTokenNext = true }
        let report = try await f.client.sync()
        #expect(report.tokenRefreshes == 1)
        #expect(await f.server.refreshes == 1)
        #expect(report.eventsAccepted == 1)
        let stored = try String(contentsOfFile: f.root + "/home/credentials.json", encoding: .utf8)
        #expect(stored.contains("kdr_test2"))
        let mode = try FileManager.default.attributesOfItem(atPath: f.root + "/home/credentials.json")[
            .posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o600)
    }

    @Test func revokedDevice_keepsEverythingAndAsksToReEnroll() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let recorded = try await f.client.complete(
            f.draft(files: [EvidenceInput(path: try f.file("a.jpg", .jpeg), kind: .photo)]))
        await f.server.configure { $0.revoked = true }
        let error = await #expect(throws: ClientError.self) { try await f.client.sync() }
        #expect(error?.code == .reEnrollRequired)
        let status = try await f.client.status()
        #expect(status.reEnrollRequired)
        #expect(status.outboxEvents == 1)
        #expect(f.storedFiles().count == 1)
        let requests = await f.server.requests.count
        await #expect(throws: ClientError.self) { try await f.client.sync() }
        #expect(await f.server.requests.count == requests)

        try await f.client.enroll(serverURL: FakeServer.base, code: FakeServer.goodCode)
        let report = try await f.client.sync()
        #expect(report.eventsAccepted == 1)
        #expect(report.filesUploaded == 1)
        #expect(await f.server.eventsBySeq[1]?.eventID == recorded.eventID)
    }
}
