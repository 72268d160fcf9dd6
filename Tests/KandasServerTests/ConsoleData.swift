import Crypto
import Foundation
import KandasStore
import KandasTestSupport
import PostgresKit
import SQLiteKit

@testable import KandasServer

/// Puts field work into a live demo server the way devices do: enrolls the family's worker,
/// pushes `complete` events through `/v1/sync/push`, and verifies files through the store's
/// uploads seam (`AttachmentStore.attachmentVerified`) with the blob in the content-addressed folder.
final class ConsoleData: @unchecked Sendable {
    // @unchecked: used by the one test that owns it, from one thread.
    let server: ServerProcess
    let admin: TestHTTPClient
    private var devices: [String: (token: String, id: String, seq: Int)] = [:]

    init(_ server: ServerProcess) throws {
        self.server = server
        admin = try server.login("admin")
    }

    struct File {
        var kind: String
        var contentType: String
        var bytes: [UInt8]
        var name: String
        var id = UUID().uuidString.lowercased()
        var sha256: String { SHA256.hash(bytes).hex }
    }

    /// The family's first assigned worker, its items (id, member_id, version, service_code) and settlement.
    func family(_ id: String) throws -> (worker: String, items: [[String: Any]], settlement: [String: Any]) {
        let detail = try admin.get("/v1/admin/families/\(id)").object
        let family = detail["family"] as? [String: Any] ?? detail
        let workerID = (family["assigned_worker_ids"] as? [String])?.first ?? ""
        let worker = server.seed?.users.first { $0.value.id == workerID }?.key ?? ""
        let plans = try admin.get("/v1/admin/plans?family_id=\(id)").object["items"] as? [[String: Any]] ?? []
        let planID = plans.first?["id"] as? String ?? ""
        let items = try admin.get("/v1/admin/plans/\(planID)").object["items"] as? [[String: Any]] ?? []
        return (worker, items, family["settlement"] as? [String: Any] ?? [:])
    }

    /// Pushes one `complete` of `item` and returns the completion ID (`outcome`: the one expected).
    @discardableResult
    func complete(
        family: String, item: [String: Any], worker: String, performedAt: String, note: String?,
        location: (Double, Double)?, files: [File] = [], clientStatus: [String: Any]? = nil,
        outcome: String = "accepted"
    ) throws -> String {
        try completeBatch(
            worker: worker,
            [
                Complete(
                    item: item, performedAt: performedAt, note: note, location: location, files: files,
                    outcome: outcome)
            ], clientStatus: clientStatus)[0]
    }

    /// One `complete` event of a batch and the outcome expected for it.
    struct Complete {
        var item: [String: Any]
        var performedAt: String
        var note: String? = nil
        var location: (Double, Double)? = nil
        var files: [File] = []
        var outcome = "accepted"
    }

    /// Pushes the `complete` events in one batch and returns their completion IDs, in order.
    @discardableResult
    func completeBatch(
        worker: String, _ completes: [Complete], clientStatus: [String: Any]? = nil
    ) throws -> [String] {
        var device = try devices[worker] ?? enroll(worker)
        var events: [[String: Any]] = []
        var completionIDs: [String] = []
        for c in completes {
            device.seq += 1
            let completionID = UUID().uuidString.lowercased()
            completionIDs.append(completionID)
            var payload: [String: Any] = [
                "completion_id": completionID, "member_id": c.item["member_id"] as? String ?? "",
                "performed_at": c.performedAt,
                "files": c.files.map { f in
                    [
                        "attachment_id": f.id, "kind": f.kind, "content_type": f.contentType, "size": f.bytes.count,
                        "sha256": f.sha256, "captured_at": c.performedAt, "source": "camera", "file_name": f.name,
                    ] as [String: Any]
                },
            ]
            if let note = c.note { payload["note"] = note }
            if let (lat, lon) = c.location {
                payload["location"] =
                    [
                        "latitude": lat, "longitude": lon, "accuracy_m": 12.5, "fix_time": c.performedAt,
                        "provider": "gps", "mock": false,
                    ] as [String: Any]
            }
            events.append([
                "event_id": UUID().uuidString.lowercased(), "device_seq": device.seq, "type": "complete",
                "item_id": c.item["id"] as? String ?? "", "base_version": c.item["version"] as? Int ?? 1,
                "recorded_at": c.performedAt, "payload": payload,
            ])
        }
        devices[worker] = device
        let sentAt = completes.last?.performedAt ?? "2026-11-20T06:00:00.000Z"
        var body: [String: Any] = ["device_id": device.id, "sent_at": sentAt, "events": events]
        if var status = clientStatus {
            status["app_version"] = status["app_version"] ?? "1.0.0"
            body["client_status"] = status
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let r = try server.client.authorized(device.token).json(
            "POST", "/v1/sync/push", json, idempotencyKey: "push-\(UUID().uuidString.prefix(12))")
        let results = r.object["results"] as? [[String: Any]] ?? []
        guard r.status == 200, results.map({ $0["outcome"] as? String ?? "" }) == completes.map(\.outcome) else {
            throw TestSupportError("push failed: \(r)")
        }
        return completionIDs
    }

    /// Pushes one `complete` with all the evidence Rules 2, paras 36-37 ask for (photo, video,
    /// a document, geolocation) and verifies every file, so the completion is complete.
    @discardableResult
    func completeWithEvidence(
        family: String, item: [String: Any], worker: String, performedAt: String, note: String? = nil,
        location: (Double, Double)? = nil
    ) throws -> String {
        let tag = Array(UUID().uuidString.utf8)
        let files = [
            File(kind: "photo", contentType: "image/jpeg", bytes: [0xFF, 0xD8, 0xFF, 0xE0] + tag, name: "p.jpg"),
            File(
                kind: "video", contentType: "video/mp4", bytes: [0, 0, 0, 0x18] + Array("ftypmp42".utf8) + tag,
                name: "v.mp4"),
            File(
                kind: "document", contentType: "application/pdf", bytes: Array("%PDF-1.4\n".utf8) + tag, name: "d.pdf"),
        ]
        let id = try complete(
            family: family, item: item, worker: worker, performedAt: performedAt, note: note,
            location: location ?? (43.238, 76.889), files: files)
        for file in files { try verify(file) }
        return id
    }

    /// Every change the worker's device pulls from the start (all pages).
    func pull(_ worker: String) throws -> [[String: Any]] {
        let device = try devices[worker] ?? enroll(worker)
        devices[worker] = device
        var changes: [[String: Any]] = []
        var cursor: String?
        for _ in 0..<100 {
            let query = cursor.map { "?cursor=" + ConsoleClient.encode($0) } ?? ""
            let r = try server.client.authorized(device.token).get("/v1/sync/pull" + query)
            guard r.status == 200 else { throw TestSupportError("pull failed: \(r)") }
            changes += r.object["changes"] as? [[String: Any]] ?? []
            cursor = r.object["cursor"] as? String
            if r.object["has_more"] as? Bool != true { break }
        }
        return changes
    }

    private func enroll(_ worker: String) throws -> (token: String, id: String, seq: Int) {
        let code =
            try admin.json(
                "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(server.seed?.users[worker]?.id ?? "")\"}",
                idempotencyKey: "code-\(UUID().uuidString.prefix(12))"
            ).object["code"] as? String ?? ""
        let r = try server.client.json(
            "POST", "/v1/auth/enroll",
            "{\"code\":\"\(code)\",\"device_uuid\":\"\(UUID().uuidString.lowercased())\",\"platform\":\"cli\","
                + "\"app_version\":\"1.0.0\"}", idempotencyKey: "enroll-\(UUID().uuidString.prefix(12))")
        guard let token = r.object["access_token"] as? String, let id = r.object["device_id"] as? String else {
            throw TestSupportError("enroll failed: \(r)")
        }
        return (token, id, 0)
    }

    /// Stores the bytes as a verified blob and marks the attachment verified, as the uploads module does.
    func verify(_ file: File) throws {
        guard let path = AttachmentContent.blobPath(server.dataDirectory, sha256: file.sha256) else {
            throw TestSupportError("not a content address")
        }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(file.bytes).write(to: URL(fileURLWithPath: path))
        let db = try store()
        try db.transaction {
            try AttachmentStore.attachmentVerified(
                db: db, attachmentID: file.id, sha256: file.sha256, size: Int64(file.bytes.count),
                blobKey: file.sha256, at: Int64(Date().timeIntervalSince1970 * 1000))
        }
    }

    /// Runs SQL on the live store (to plant hostile text in displayed fields).
    func execute(_ sql: String, _ values: [any DatabaseBindable]) throws {
        _ = try store().run(sql, values)
    }

    /// A connection to the live store, of the server's engine.
    func store() throws -> any DatabaseConnection {
        if let url = server.databaseURL { return PostgresStoreConnection(try PostgresConnection(url: url)) }
        return SQLiteConnectionAdapter(try Connection(path: server.databasePath))
    }
}
