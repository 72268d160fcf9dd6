import Foundation
import KandasProtocol
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// The seam with the uploads module: ``AttachmentStore/attachmentVerified(db:attachmentID:sha256:size:blobKey:at:)``
/// called directly on the store, as the uploads module's `onVerified` hook does, then read back by pull.
@Suite(.serialized) struct AttachmentStoreTests {
    @Test func verifiedFiles_updateCompletenessAndReachTheDeclaringDeviceAsReceipts() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let photo = SyncFixture.file(sha: String(repeating: "1", count: 64))
        let pdf = SyncFixture.file(
            kind: "document", type: "application/pdf", size: 2000, sha: String(repeating: "2", count: 64))
        let result = try s.results(d, [SyncFixture.complete(d, item: item, member: member, files: [photo, pdf])])
        let completion = try #require(result.first?["completion_id"] as? String)
        try s.pull(d)
        s.server.stop()
        let photoID = try #require(photo["attachment_id"] as? String)
        do {
            let db = SQLiteConnectionAdapter(try Connection(path: s.server.databasePath))
            try db.transaction(.immediate) {
                try AttachmentStore.attachmentVerified(
                    db: db, attachmentID: photoID, sha256: String(repeating: "1", count: 64), size: 1000,
                    blobKey: "11/11/" + String(repeating: "1", count: 64), at: 1_800_000_000_000)
                // A repeat (the hook retried) changes nothing.
                try AttachmentStore.attachmentVerified(
                    db: db, attachmentID: photoID, sha256: String(repeating: "1", count: 64), size: 1000,
                    blobKey: "11/11/" + String(repeating: "1", count: 64), at: 1_800_000_000_001)
            }
            #expect(throws: ServerError.self) {
                try AttachmentStore.attachmentVerified(
                    db: db, attachmentID: pdf["attachment_id"] as? String ?? "",
                    sha256: String(repeating: "3", count: 64),
                    size: 2000, blobKey: "x", at: 1)
            }
            #expect(throws: ServerError.self) {
                try AttachmentStore.attachmentVerified(
                    db: db, attachmentID: SyncFixture.uuid(), sha256: String(repeating: "3", count: 64), size: 1,
                    blobKey: "x",
                    at: 1)
            }
            // Uploads belong to the user (Protocol §10.2): another user is refused, the declaring user passes.
            #expect(throws: ServerError.self) {
                try AttachmentStore.checkCreation(
                    db, userID: s.base.user("worker112"), attachmentID: photoID,
                    sha256: String(repeating: "1", count: 64), size: 1000, contentType: "image/jpeg")
            }
            try AttachmentStore.checkCreation(
                db, userID: s.base.user("worker111"), attachmentID: photoID, sha256: String(repeating: "1", count: 64),
                size: 1000, contentType: "image/jpeg")
            let row = try #require(
                try db.queryOne("SELECT files_declared, files_verified FROM completions WHERE id = ?", completion))
            #expect(try row.int("files_declared") == 2 && row.int("files_verified") == 1)
        }
        try s.server.restart()
        s.reconnect(d)
        let admin = try s.server.login("admin")
        let changes = try s.pull(d).changes
        let receipt = try #require(SyncFixture.entities(changes, "receipt").first?["data"] as? [String: Any])
        #expect(receipt["files_verified"] as? Int == 1 && receipt["completeness"] as? String == "incomplete")
        let files = receipt["files"] as? [[String: Any]] ?? []
        let verified = files.first { $0["attachment_id"] as? String == photoID }
        #expect(verified?["upload_state"] as? String == "verified")
        #expect(verified?["sha256"] as? String == String(repeating: "1", count: 64))
        let other = files.first { $0["attachment_id"] as? String != photoID }
        #expect(other?["upload_state"] as? String == "declared")
        let c = try admin.get("/v1/admin/completions/\(completion)").object
        #expect(c["files_verified"] as? Int == 1)
        #expect((c["evidence_flags"] as? [String])?.contains("missing_photo") == false)
        let incomplete = try admin.get("/v1/admin/completions?completeness=incomplete")
        #expect((incomplete.object["items"] as? [[String: Any]])?.count == 1)
        let attachment = try admin.get("/v1/admin/attachments/\(photoID)")
        #expect(attachment.object["upload_state"] as? String == "verified")
    }

    @Test func stateChanges_recordTransitionsOnly_andNeverLeaveVerified() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let photo = SyncFixture.file(sha: String(repeating: "1", count: 64))
        let pdf = SyncFixture.file(
            kind: "document", type: "application/pdf", size: 2000, sha: String(repeating: "2", count: 64))
        _ = try s.results(d, [SyncFixture.complete(d, item: item, member: member, files: [photo, pdf])])
        s.server.stop()
        let photoID = try #require(photo["attachment_id"] as? String)
        let pdfID = try #require(pdf["attachment_id"] as? String)
        let db = SQLiteConnectionAdapter(try Connection(path: s.server.databasePath))
        func change(_ id: String, _ state: UploadState, _ bytes: Int64) throws {
            try db.transaction(.immediate) {
                try AttachmentStore.attachmentStateChanged(
                    db: db, attachmentID: id, state: state, receivedBytes: bytes, at: 1_800_000_000_000)
            }
        }
        func feedRows() throws -> Int64 {
            try db.queryOne(
                "SELECT count(*) AS n FROM changes WHERE entity IN (?, ?)", FeedCodes.code(.receipt),
                FeedCodes.code(.completion))?.int("n") ?? -1
        }
        func view(_ id: String) throws -> String {
            let row = try #require(try db.queryOne("SELECT state, received_bytes FROM attachments WHERE id = ?", id))
            return "\(try row.string("state")) \(try row.int("received_bytes"))"
        }
        try db.transaction(.immediate) {
            try AttachmentStore.attachmentVerified(
                db: db, attachmentID: photoID, sha256: String(repeating: "1", count: 64), size: 1000, blobKey: "k",
                at: 1_800_000_000_000)
        }
        let start = try feedRows()
        try change(pdfID, .receiving, 0)
        #expect(try view(pdfID) == "receiving 0" && feedRows() == start + 2)
        try change(pdfID, .receiving, 700)
        try change(pdfID, .receiving, 1400)
        #expect(try view(pdfID) == "receiving 1400" && feedRows() == start + 2)
        try change(pdfID, .corrupt, 0)
        #expect(try view(pdfID) == "corrupt 0" && feedRows() == start + 4)
        for state in [UploadState.corrupt, .expired, .declared, .receiving] {
            try change(photoID, state, 0)
        }
        #expect(try view(photoID) == "verified 1000" && feedRows() == start + 4)
        try change(SyncFixture.uuid(), .receiving, 10)
        #expect(try feedRows() == start + 4)
    }
}
