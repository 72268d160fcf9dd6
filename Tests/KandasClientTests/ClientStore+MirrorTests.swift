import Foundation
import KandasProtocol
import SQLiteKit
import Testing

@testable import KandasClient

@Suite struct ClientStoreMirrorTests {
    /// A store in a temporary home with `count` pending void events of one enrolled device.
    static func store(events count: Int) async throws -> (ClientStore, String) {
        let home = NSTemporaryDirectory() + "kandas-mirror-" + UUID().uuidString
        let store = try ClientStore(home: home)
        let device = WireID.random()
        try await store.write { db in
            try ClientStore.set(db, .deviceID, device.description)
            for _ in 0..<count {
                _ = try ClientStore.appendEvent(
                    db, eventID: .random(), itemID: WireID.random(), baseVersion: 1, recordedAt: Fixture.now,
                    payload: .void(VoidPayload(completionID: .random(), baseCompletionRev: 1, reason: "test")),
                    completionID: nil)
            }
        }
        return (store, home)
    }

    @Test func reflect_marksEveryEventUpToTheServersSeq_acrossStatementWindows() async throws {
        let count = ClientStore.reflectWindow * 2 + 88
        let last = ClientStore.reflectWindow * 2 + 8
        let (store, home) = try await Self.store(events: count)
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: home)
        }
        try await store.write { db in try ClientStore.reflect(db, lastDeviceSeq: last, now: Fixture.now) }
        let rows = try await store.read { db in
            try db.query("SELECT device_seq, reflected, state FROM outbox ORDER BY device_seq").map {
                (Int(try $0.int("device_seq")), try $0.int("reflected"), try $0.string("state"))
            }
        }
        #expect(rows.count == count)
        #expect(rows.filter { $0.0 <= last }.allSatisfy { $0.1 == 1 && $0.2 == "sent" })
        #expect(rows.filter { $0.0 > last }.allSatisfy { $0.1 == 0 && $0.2 == "pending" })
        #expect(try await store.summary().outboxEvents == count - last)
    }

    @Test func reflect_reachesUnreflectedEventsAnywhereBelowTheServersSeq() async throws {
        let count = ClientStore.reflectWindow * 3
        let (store, home) = try await Self.store(events: count)
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: home)
        }
        let stragglers = [3, ClientStore.reflectWindow + 1, count]
        try await store.write { db in
            try ClientStore.reflect(db, lastDeviceSeq: count, now: Fixture.now)
            for seq in stragglers { try db.run("UPDATE outbox SET reflected = 0 WHERE device_seq = ?", seq) }
            try ClientStore.reflect(db, lastDeviceSeq: count * 10, now: Fixture.now)
        }
        let unreflected = try await store.read { db in
            try db.scalarInt("SELECT count(*) FROM outbox WHERE reflected = 0")
        }
        #expect(unreflected == 0)
    }

    @Test func reflect_keepsRejectedEventsRejected() async throws {
        let (store, home) = try await Self.store(events: 3)
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: home)
        }
        try await store.write { db in
            try db.run("UPDATE outbox SET state = 'rejected', code = 'x' WHERE device_seq = 2")
            try ClientStore.reflect(db, lastDeviceSeq: 3, now: Fixture.now)
        }
        let states = try await store.read { db in
            try db.query("SELECT state FROM outbox ORDER BY device_seq").map { try $0.string("state") }
        }
        #expect(states == ["sent", "rejected", "sent"])
    }

    /// A store holding one file of a sent event in local `state`, and a receipt builder for it.
    static func storeWithFile(state: String) async throws -> (ClientStore, String, WireID) {
        let (store, home) = try await Self.store(events: 1)
        let attachment = WireID.random()
        try await store.write { db in
            try db.run("UPDATE outbox SET state = 'sent'")
            try db.run(
                """
                INSERT INTO files(attachment_id, event_id, completion_id, local_path, size, sha256, kind, content_type,
                    state, upload_url)
                SELECT ?, event_id, ?, 'files/a', 10, 'ab', 'photo', 'image/jpeg', ?, 'http://x/v1/uploads/1'
                FROM outbox
                """, attachment.description, WireID.random().description, state)
        }
        return (store, home, attachment)
    }

    static func receipt(_ attachment: WireID, _ state: UploadState, at millis: Int64, sha256: String = "ab") -> Receipt
    {
        Receipt(
            completionID: .random(), completionRev: 1, filesDeclared: 1, filesVerified: state == .verified ? 1 : 0,
            completeness: state == .verified ? .complete : .incomplete,
            files: [ReceiptFile(attachmentID: attachment, sha256: sha256, size: 10, uploadState: state)],
            issuedAt: Timestamp(millisecondsSince1970: millis))
    }

    @Test(arguments: [UploadState.corrupt, .expired])
    func receiptSayingTheServerDroppedTheBytes_sendsTheFileBackForANewUpload(state: UploadState) async throws {
        let (store, home, attachment) = try await Self.storeWithFile(state: "verified")
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: home)
        }
        try await store.write { db in
            try ClientStore.applyReceipt(db, Self.receipt(attachment, state, at: 10), now: Fixture.now)
        }
        let file = try #require(try await store.snapshot().files.first)
        #expect(file.state == .pending && file.uploadURL == nil && file.serverState == state)
        let summary = try await store.summary()
        #expect(summary.filesByServerState == [state: 1])
        #expect(summary.filesPending == 1)
    }

    @Test func olderReceiptReplayedAfterAReset_doesNotUndoTheNewerState() async throws {
        let (store, home, attachment) = try await Self.storeWithFile(state: "uploaded")
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: home)
        }
        try await store.write { db in
            try ClientStore.applyReceipt(db, Self.receipt(attachment, .corrupt, at: 20), now: Fixture.now)
            try ClientStore.applyReceipt(db, Self.receipt(attachment, .verified, at: 10), now: Fixture.now)
        }
        let file = try #require(try await store.snapshot().files.first)
        #expect(file.state == .pending && file.serverState == .corrupt)
    }

    @Test func sameReceiptReplayedDuringTheNewUpload_keepsThatUpload() async throws {
        let (store, home, attachment) = try await Self.storeWithFile(state: "uploaded")
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: home)
        }
        let corrupt = Self.receipt(attachment, .corrupt, at: 20)
        try await store.write { db in
            try ClientStore.applyReceipt(db, corrupt, now: Fixture.now)
            try db.run("UPDATE files SET state = 'uploading', upload_url = 'http://x/v1/uploads/2'")
            try ClientStore.applyReceipt(db, corrupt, now: Fixture.now)
        }
        let file = try #require(try await store.snapshot().files.first)
        #expect(file.state == .uploading && file.uploadURL == "http://x/v1/uploads/2" && file.serverState == .corrupt)
    }

    @Test func otherStateIssuedInTheSameMillisecond_stillCounts() async throws {
        let (store, home, attachment) = try await Self.storeWithFile(state: "uploaded")
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: home)
        }
        try await store.write { db in
            try ClientStore.applyReceipt(db, Self.receipt(attachment, .receiving, at: 20), now: Fixture.now)
            try ClientStore.applyReceipt(db, Self.receipt(attachment, .verified, at: 20), now: Fixture.now)
        }
        let file = try #require(try await store.snapshot().files.first)
        #expect(file.state == .verified && file.serverState == .verified)
    }

    @Test func receiptForOtherBytes_changesNothing() async throws {
        let (store, home, attachment) = try await Self.storeWithFile(state: "uploaded")
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: home)
        }
        try await store.write { db in
            try ClientStore.applyReceipt(db, Self.receipt(attachment, .corrupt, at: 20, sha256: "cd"), now: Fixture.now)
        }
        let file = try #require(try await store.snapshot().files.first)
        #expect(file.state == .uploaded && file.serverState == nil && file.uploadURL != nil)
    }

    @Test func freedFile_keepsItsStateButShowsTheServers() async throws {
        let (store, home, attachment) = try await Self.storeWithFile(state: "freed")
        defer {
            store.close()
            try? FileManager.default.removeItem(atPath: home)
        }
        try await store.write { db in
            try ClientStore.applyReceipt(db, Self.receipt(attachment, .expired, at: 20), now: Fixture.now)
        }
        let file = try #require(try await store.snapshot().files.first)
        #expect(file.state == .freed && file.serverState == .expired)
    }
}
