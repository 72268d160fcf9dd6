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
        #expect(try await store.read { db in try ClientSummary.load(db) }.outboxEvents == count - last)
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
}
