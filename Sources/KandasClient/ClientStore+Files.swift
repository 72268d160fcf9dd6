import KandasProtocol
import SQLiteKit

/// A captured evidence file as the store keeps it: declared in an event, copied to `relativePath`
/// (relative to the store's home).
struct CapturedFile: Sendable {
    var declared: DeclaredFile
    var relativePath: String
}

/// The files table: captured evidence and its way to the server (sync-v1 §10, §11).
extension ClientStore {
    // MARK: Recording

    /// Appends an event and the files it declares in one transaction; returns the event's `device_seq`.
    func record(
        eventID: WireID, itemID: WireID, baseVersion: Int, recordedAt: Timestamp, payload: EventPayload,
        completionID: WireID?, files: [CapturedFile]
    ) async throws(ClientError) -> Int {
        try await write { db in
            let seq = try Self.appendEvent(
                db, eventID: eventID, itemID: itemID, baseVersion: baseVersion, recordedAt: recordedAt,
                payload: payload, completionID: completionID)
            for file in files {
                let declared = file.declared
                try db.run(
                    """
                    INSERT INTO files(attachment_id, event_id, completion_id, local_path, size, sha256, kind,
                        content_type, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')
                    """, declared.attachmentID.description, eventID.description, completionID?.description ?? "",
                    file.relativePath, declared.size, declared.sha256, declared.kind.rawValue, declared.contentType)
            }
            return seq
        }
    }

    // MARK: Uploads

    /// Files of acknowledged events still to upload, in capture order (files of rejected or unsent events wait).
    func uploadJobs() async throws(ClientError) -> [UploadJob] {
        let home = self.home
        return try await read { db in
            try db.query(
                """
                SELECT f.attachment_id, f.local_path, f.size, f.sha256, f.kind, f.content_type, f.upload_url
                FROM files f JOIN outbox o ON o.event_id = f.event_id
                WHERE f.state IN ('pending', 'uploading') AND o.state = 'sent' ORDER BY f.rowid
                """
            ).compactMap { row -> UploadJob? in
                guard let id = WireID(try row.string("attachment_id")),
                    let kind = FileKind(rawValue: try row.string("kind"))
                else { return nil }
                return UploadJob(
                    attachmentID: id, path: home + "/" + (try row.string("local_path")), size: try row.int("size"),
                    sha256: try row.string("sha256"), kind: kind, contentType: try row.string("content_type"),
                    uploadURL: row.optionalString("upload_url"))
            }
        }
    }

    /// Whether some file is uploaded and waits for the receipt that verifies it.
    func hasFilesAwaitingReceipt() async throws(ClientError) -> Bool {
        try await read { db in try db.scalarInt("SELECT count(*) FROM files WHERE state = 'uploaded'") } > 0
    }

    /// Saves (or clears) a file's tus upload URL; a saved URL moves a pending file to `uploading`.
    func saveUploadURL(_ id: WireID, _ url: String?) async throws(ClientError) {
        try await write { db in
            try db.run(
                "UPDATE files SET upload_url = ?, state = CASE WHEN state = 'pending' THEN 'uploading' ELSE state END "
                    + "WHERE attachment_id = ?", url, id.description)
        }
    }

    /// Adds request-body bytes sent for a file.
    func addBytesSent(_ id: WireID, _ bytes: Int64) async throws(ClientError) {
        guard bytes > 0 else { return }
        try await write { db in
            try db.run("UPDATE files SET bytes_sent = bytes_sent + ? WHERE attachment_id = ?", bytes, id.description)
        }
    }

    /// Notes the last upload error of a file (a §15 code or short text).
    func noteFileError(_ id: WireID, _ code: String) async throws(ClientError) {
        try await write { db in
            try db.run("UPDATE files SET last_error = ? WHERE attachment_id = ?", code, id.description)
        }
    }

    /// The server verified the bytes; the local copy stays until a receipt says so (sync-v1 §11).
    func markUploaded(_ id: WireID) async throws(ClientError) {
        try await write { db in
            try db.run(
                "UPDATE files SET state = 'uploaded', last_error = NULL WHERE attachment_id = ? "
                    + "AND state IN ('pending', 'uploading')", id.description)
        }
    }

    /// The server refused the file for good; the local copy is kept.
    func markFailed(_ id: WireID, _ code: String) async throws(ClientError) {
        try await write { db in
            try db.run(
                "UPDATE files SET state = 'failed', last_error = ? WHERE attachment_id = ?", code, id.description)
        }
    }

    // MARK: Freeing

    /// Files a receipt verified at or before `verifiedBy`, of events the server accepted: attachment id and
    /// the local copy's full path.
    func verifiedFiles(verifiedBy: Timestamp) async throws(ClientError) -> [(WireID, String)] {
        let home = self.home
        return try await read { db in
            try db.query(
                """
                SELECT f.attachment_id, f.local_path FROM files f JOIN outbox o ON o.event_id = f.event_id
                WHERE f.state = 'verified' AND f.verified_at <= ? AND o.state = 'sent'
                """, verifiedBy.millisecondsSince1970
            ).compactMap { row -> (WireID, String)? in
                guard let id = WireID(try row.string("attachment_id")) else { return nil }
                return (id, home + "/" + (try row.string("local_path")))
            }
        }
    }

    /// Records that a verified file's local copy was deleted; the row stays as `freed`.
    func markFreed(_ id: WireID, at time: Timestamp) async throws(ClientError) {
        try await write { db in
            try db.run(
                "UPDATE files SET state = 'freed', freed_at = ? WHERE attachment_id = ? AND state = 'verified'",
                time.millisecondsSince1970, id.description)
        }
    }

    // MARK: Rows

    static func localFile(_ row: Row, home: String) throws -> LocalFile {
        try LocalFile(row: row, home: home)
    }
}

extension LocalFile {

    init(row: Row, home: String) throws {
        guard let attachment = WireID(try row.string("attachment_id")), let event = WireID(try row.string("event_id")),
            let completion = WireID(try row.string("completion_id")),
            let kind = FileKind(rawValue: try row.string("kind")),
            let state = State(rawValue: try row.string("state"))
        else { throw ClientError(.storage, "files row is damaged") }
        attachmentID = attachment
        eventID = event
        completionID = completion
        self.state = state
        localPath = state == .freed ? nil : home + "/" + (try row.string("local_path"))
        size = try row.int("size")
        sha256 = try row.string("sha256")
        self.kind = kind
        contentType = try row.string("content_type")
        uploadURL = row.optionalString("upload_url")
        lastError = row.optionalString("last_error")
        bytesSent = try row.int("bytes_sent")
        serverState = row.optionalString("server_state").flatMap(UploadState.init(rawValue:))
        serverStateAt = row.optionalInt("server_state_at").map { Timestamp(millisecondsSince1970: $0) }
    }
}
