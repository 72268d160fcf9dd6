import Foundation
import KandasProtocol
import SQLiteKit
import Testing

@testable import KandasClient

@Suite struct PushBatchTests {
    /// The body `push` sent before it streamed rows: every stored event decoded, its seq set from the column,
    /// and the whole `PushRequest` encoded by `JSONEncoder`.
    static func foundationBody(
        _ store: ClientStore, deviceID: WireID, sentAt: Timestamp, status: ClientStatus
    ) async throws -> [UInt8] {
        let events = try await store.read { db in
            try db.query("SELECT device_seq, event FROM outbox WHERE state = 'pending' ORDER BY device_seq").map {
                var event = try JSONCoding.decode(DeviceEvent.self, from: Data(try $0.string("event").utf8))
                event.deviceSeq = Int(try $0.int("device_seq"))
                return event
            }
        }
        let request = PushRequest(deviceID: deviceID, sentAt: sentAt, clientStatus: status, events: events)
        return [UInt8](try JSONCoding.encode(request))
    }

    @Test func pushBatch_writesTheBytesJSONEncoderWrote_withTheColumnsSeq() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let photo = EvidenceInput(path: try f.file("p.jpg", .jpeg), kind: .photo)
        var draft = f.draft(files: [photo])
        draft.note = "visit: \"ok\" \\ tab\there, unicode ÄŞ 👍, slash a/b"
        let recorded = try await f.client.complete(draft)
        try await f.client.complete(f.draft(1, files: []))
        let completionID = try #require(recorded.completionID)
        try await f.client.amend(AmendDraft(completionID: completionID, note: "corrected"))
        try await f.client.void(completionID: completionID, reason: "recorded by mistake")
        // A renumbering changes the column only; the body must carry the column's seq.
        try await f.client.store.write { db in
            try db.run("UPDATE outbox SET device_seq = device_seq + 40 WHERE device_seq > 2")
        }
        let deviceID = WireID.random()
        let sentAt = Timestamp(millisecondsSince1970: 1_795_000_123_456)
        let status = ClientStatus(
            outboxEvents: 4, outboxBytes: 1234, oldestUnsentAt: Fixture.now, filesPending: 1, bytesPending: 2048,
            appVersion: "kandas-test/1 \"quoted\" a/b", lastError: "network")
        let batch = try #require(
            try await PushBatch.next(
                from: f.client.store, limit: 500, deviceID: deviceID, sentAt: sentAt, status: { _ in status })
        )
        let expected = try await Self.foundationBody(f.client.store, deviceID: deviceID, sentAt: sentAt, status: status)
        #expect(String(decoding: batch.body, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(batch.eventIDs.count == 4)
        #expect(batch.eventIDs.first == recorded.eventID)
        #expect(batch.firstSeq == 1)
        let request = try JSONCoding.decode(PushRequest.self, from: Data(batch.body))
        #expect(request.events.map(\.deviceSeq) == [1, 2, 43, 44])
    }

    @Test func pushBatch_isNilWithNothingPending_andHonoursTheLimit() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        let status: @Sendable (ClientSummary) -> ClientStatus = { SyncEngine.clientStatus($0, appVersion: "t") }
        #expect(
            try await PushBatch.next(
                from: f.client.store, limit: 10, deviceID: .random(), sentAt: Fixture.now, status: status)
                == nil)
        for index in 0..<3 { try await f.client.complete(f.draft(index % 2, files: [])) }
        let batch = try #require(
            try await PushBatch.next(
                from: f.client.store, limit: 2, deviceID: .random(), sentAt: Fixture.now, status: status))
        #expect(batch.eventIDs.count == 2)
        let request = try JSONCoding.decode(PushRequest.self, from: Data(batch.body))
        #expect(request.events.map(\.eventID) == batch.eventIDs)
        #expect(request.clientStatus?.outboxEvents == 3)
    }

    @Test func pushBatch_refusesAStoredEventThatIsNotJSON() async throws {
        let f = try await Fixture.make()
        defer { f.cleanup() }
        try await f.client.complete(f.draft(files: []))
        try await f.client.store.write { db in try db.run("UPDATE outbox SET event = 'not json'") }
        let error = await #expect(throws: ClientError.self) {
            try await PushBatch.next(
                from: f.client.store, limit: 10, deviceID: .random(), sentAt: Fixture.now
            ) {
                SyncEngine.clientStatus($0, appVersion: "t")
            }
        }
        #expect(error?.code == .storage)
    }
}
