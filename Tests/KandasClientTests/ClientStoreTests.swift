import Foundation
import KandasProtocol
import SQLiteKit
import Testing

@testable import KandasClient

@Suite struct ClientStoreTests {
    /// A store written by the build before server states existed (only the first migration) gains the
    /// columns when opened, keeping its files; a receipt then records the server's state.
    @Test func storeOfTheFirstSchema_upgradesAndKeepsItsFiles() async throws {
        let home = NSTemporaryDirectory() + "kandas-store-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let attachment = WireID.random()
        let event = WireID.random()
        do {
            var first = Migrator()
            let initial = try #require(ClientStore.migrator().migrations.first)
            first.register(initial.name, initial.body)
            let db = try Connection(path: home + "/client.sqlite")
            try first.migrate(db)
            try db.run(
                "INSERT INTO outbox(event_id, device_key, device_seq, type, item_id, event, size, recorded_at, state, reflected) "
                    + "VALUES (?, 'd', 1, 'complete', 'i', '{}', 2, 0, 'sent', 1)", event.description)
            try db.run(
                "INSERT INTO files(attachment_id, event_id, completion_id, local_path, size, sha256, kind, "
                    + "content_type, state, upload_url) VALUES (?, ?, ?, 'files/a', 10, 'ab', 'photo', 'image/jpeg', "
                    + "'uploaded', 'http://x/v1/uploads/1')", attachment.description, event.description,
                WireID.random().description)
        }
        let store = try ClientStore(home: home)
        defer { store.close() }
        let before = try #require(try await store.snapshot().files.first)
        #expect(before.attachmentID == attachment && before.state == .uploaded && before.serverState == nil)
        let receipt = Receipt(
            completionID: before.completionID, completionRev: 1, filesDeclared: 1, filesVerified: 0,
            completeness: .incomplete,
            files: [ReceiptFile(attachmentID: attachment, sha256: "ab", size: 10, uploadState: .corrupt)],
            issuedAt: Fixture.now)
        try await store.write { db in try ClientStore.applyReceipt(db, receipt, now: Fixture.now) }
        let after = try #require(try await store.snapshot().files.first)
        #expect(after.serverState == .corrupt && after.serverStateAt == Fixture.now)
        #expect(after.state == .pending && after.uploadURL == nil && after.lastError == "server_corrupt")
    }
}
