public import KandasProtocol
public import KandasStore

/// Declared files and their verification: the seam between sync and the uploads module.
///
/// A `complete` or `amend` event declares files (`attachments` rows, state `declared`). The
/// uploads module (tus, Protocol §10) calls ``checkCreation(_:deviceID:attachmentID:sha256:size:contentType:)``
/// when a device creates an upload, ``attachmentVerified(db:attachmentID:sha256:size:blobKey:at:)``
/// from its `onVerified` hook, inside the write transaction that marks the upload verified, so the
/// completion's completeness and the receipt commit atomically with the blob's verification, and
/// ``attachmentStateChanged(db:attachmentID:state:receivedBytes:at:)`` from its `onStateChanged` hook
/// for every other state (receiving, corrupt, expired, terminated).
public enum AttachmentStore {
    static let columns =
        "a.id, a.completion_id, a.kind, a.content_type, a.size, a.sha256, a.captured_at, a.source, a.file_name,"
        + " a.location, a.state, a.received_bytes, a.verified_at"

    static func file(_ row: DatabaseRow) throws -> EvidenceFile {
        EvidenceFile(
            attachmentID: try wireID(row, "id"), completionID: try wireID(row, "completion_id"),
            kind: FileKind(rawValue: try row.string("kind")) ?? .document, contentType: try row.string("content_type"),
            size: Int(try row.int("size")), sha256: try row.string("sha256"),
            capturedAt: Timestamp(millisecondsSince1970: try row.int("captured_at")),
            source: FileSource(rawValue: try row.string("source")) ?? .file, fileName: row.optionalString("file_name"),
            location: row.optionalString("location").flatMap { decodeJSON(Geolocation.self, $0) },
            uploadState: UploadState(rawValue: try row.string("state")) ?? .declared,
            receivedBytes: Int(try row.int("received_bytes")), verifiedAt: timestamp(row, "verified_at"))
    }

    static func files(_ db: any DatabaseConnection, completionID: String) throws -> [EvidenceFile] {
        try db.query(
            "SELECT \(columns) FROM attachments a WHERE a.completion_id = ? ORDER BY a.position", completionID
        ).map(file)
    }

    /// Whether a declaration repeats a stored one exactly (resends of the same file are harmless).
    static func sameDeclaration(_ row: DatabaseRow, _ f: DeclaredFile, completionID: String) throws -> Bool {
        try row.string("completion_id") == completionID && row.string("kind") == f.kind.rawValue
            && row.string("content_type") == f.contentType && row.int("size") == Int64(f.size)
            && row.string("sha256") == f.sha256
    }

    /// Declares files for a completion; returns the event code when an ID is reused with other metadata.
    static func declare(
        _ db: any DatabaseConnection, _ files: [DeclaredFile], completionID: String, deviceID: String, now: Int64
    ) throws -> ErrorCode? {
        for f in files {
            if let row = try db.queryOne("SELECT * FROM attachments WHERE id = ?", f.attachmentID.description) {
                if try !sameDeclaration(row, f, completionID: completionID) { return .attachmentIDReused }
            }
        }
        var position = try SyncFeed.count(
            db, "SELECT count(*) AS n FROM attachments WHERE completion_id = ?", completionID)
        for f in files {
            let location = try f.location.map(jsonText)
            let inserted = try db.run(
                "INSERT INTO attachments(id, completion_id, device_id, position, kind, content_type, size,"
                    + " sha256, captured_at, source, file_name, location, state, declared_at)"
                    + " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,'declared',?) ON CONFLICT DO NOTHING",
                f.attachmentID.description, completionID,
                deviceID, position, f.kind.rawValue, f.contentType, f.size, f.sha256,
                f.capturedAt.millisecondsSince1970, f.source.rawValue, f.fileName, location, now)
            position += inserted
        }
        try refreshCounts(db, completionID: completionID)
        return nil
    }

    /// Recounts `files_declared` / `files_verified` (k of n, Protocol §11).
    static func refreshCounts(_ db: any DatabaseConnection, completionID: String) throws {
        _ = try db.run(
            "UPDATE completions SET files_declared = (SELECT count(*) FROM attachments WHERE completion_id = ?1),"
                + " files_verified = (SELECT count(*) FROM attachments WHERE completion_id = ?1 AND state = 'verified')"
                + " WHERE id = ?1", completionID)
    }

    /// The receipt of a completion as the feed delivers it (Protocol §11).
    static func receipt(_ db: any DatabaseConnection, completionID: String, now: Int64) throws -> Receipt? {
        guard
            let row = try db.queryOne(
                "SELECT id, rev, files_declared, files_verified, missing_bits FROM completions WHERE id = ?",
                completionID)
        else { return nil }
        return try receipt(row, files: try files(db, completionID: completionID), now: now)
    }

    /// A receipt issued at `now` from its completion's row (`id`, `rev`, `files_declared`,
    /// `files_verified`) and declared files, loaded one by one here or a page at a time by ``ChangeLoader``.
    static func receipt(_ row: DatabaseRow, files: [EvidenceFile], now: Int64) throws -> Receipt {
        let declared = Int(try row.int("files_declared"))
        let verified = Int(try row.int("files_verified"))
        return Receipt(
            completionID: try wireID(row, "id"), completionRev: Int(try row.int("rev")),
            filesDeclared: declared, filesVerified: verified,
            completeness: try CompletionStore.completeness(row),
            files: files.map {
                ReceiptFile(
                    attachmentID: $0.attachmentID, sha256: $0.sha256, size: $0.size, uploadState: $0.uploadState,
                    verifiedAt: $0.verifiedAt)
            }, issuedAt: Timestamp(millisecondsSince1970: now))
    }

    /// Records a receipt change for every device that holds files of the completion: the device that
    /// declared them (or took them over by resending the declaring event, ``transfer(_:_:toDevice:userID:now:)``)
    /// and, when that device was revoked, the active devices of the same user, which continue its
    /// uploads after a re-enrollment (Protocol §10.2, §11).
    static func issueReceipts(_ db: any DatabaseConnection, completionID: String, familyID: String) throws {
        for row in try db.query(
            "SELECT a.device_id FROM attachments a WHERE a.completion_id = ?1"
                + " UNION SELECT n.id FROM attachments a JOIN devices d ON d.id = a.device_id"
                + " JOIN devices n ON n.user_id = d.user_id AND n.revoked_at IS NULL"
                + " WHERE a.completion_id = ?1 AND d.revoked_at IS NOT NULL ORDER BY 1", completionID)
        {
            try SyncFeed.record(
                db, entity: .receipt, id: completionID, familyID: familyID, deviceID: try row.string("device_id"))
        }
    }

    /// Marks a declared file verified, updates completeness and issues receipts, in the caller's transaction.
    ///
    /// Called by the uploads module's `onVerified` hook inside the write transaction that stores the
    /// blob's verification, so "verified" and the receipt commit together or not at all. Idempotent:
    /// a file already verified with the same hash changes nothing.
    /// - Parameters:
    ///   - blobKey: where the blob store keeps the bytes (for `kandas-server verify`).
    ///   - at: the verification time, milliseconds since 1970.
    /// - Throws: ``ServerError`` `unknown_attachment` when no event declared the ID, `attachment_mismatch`
    ///   when the hash or size differ from the declaration; `DatabaseError` from the store.
    public static func attachmentVerified(
        db: any DatabaseConnection, attachmentID: String, sha256: String, size: Int64, blobKey: String, at: Int64
    ) throws {
        guard
            let row = try db.queryOne(
                "SELECT a.completion_id, a.sha256, a.size, a.state, \(CompletionStore.familySQL()) AS family_id FROM attachments a"
                    + " JOIN completions c ON c.id = a.completion_id WHERE a.id = ?", attachmentID)
        else { throw ServerError(.unknownAttachment, "no accepted event declared attachment \(attachmentID)") }
        guard try row.string("sha256") == sha256, try row.int("size") == size else {
            throw ServerError(.attachmentMismatch, "hash or size differ from the declaration")
        }
        if try row.string("state") == "verified" { return }
        let completionID = try row.string("completion_id")
        _ = try db.run(
            "UPDATE attachments SET state = 'verified', received_bytes = size, verified_at = ?, blob_key = ?"
                + " WHERE id = ?", at, blobKey, attachmentID)
        try refreshCounts(db, completionID: completionID)
        // The last verified file may make the completion complete (Protocol §9.1).
        try CompletionStore.refreshFlags(db, id: completionID)
        _ = try db.run("UPDATE completions SET updated_at = ? WHERE id = ?", at, completionID)
        // Rules 2, para 37: evidence completed after approval sends the completion to the digital card.
        try CardForwardStore.enqueueIfEligible(db, completionID: completionID)
        let familyID = try row.string("family_id")
        try SyncFeed.record(db, entity: .completion, id: completionID, familyID: familyID)
        try issueReceipts(db, completionID: completionID, familyID: familyID)
    }

    /// Records the uploads module's view of a file that is not verified: `receiving` (with the bytes
    /// durably stored), `corrupt`, `expired`, or `declared` again after a termination.
    ///
    /// Called by the `onStateChanged` hook inside the uploads module's own write transaction, so the
    /// attachment and the upload never disagree. A transition changes `upload_state`, records the
    /// completion in the change feed and issues receipts (Protocol §11); progress within `receiving`
    /// only updates `received_bytes` (seen by the admin API), because a receipt per chunk would flood
    /// the change feed during a large video upload. A verified file never leaves `verified`, and an
    /// undeclared ID changes nothing (the creation check refuses those uploads anyway).
    /// - Parameter at: the time of the change, milliseconds since 1970.
    /// - Throws: `DatabaseError` from the store.
    public static func attachmentStateChanged(
        db: any DatabaseConnection, attachmentID: String, state: UploadState, receivedBytes: Int64, at: Int64
    ) throws {
        guard state != .verified,
            let row = try db.queryOne(
                "SELECT a.completion_id, a.state, a.received_bytes, \(CompletionStore.familySQL()) AS family_id FROM attachments a"
                    + " JOIN completions c ON c.id = a.completion_id WHERE a.id = ? AND a.state != 'verified'",
                attachmentID)
        else { return }
        guard try row.string("state") != state.rawValue else {
            if try row.int("received_bytes") != receivedBytes {
                _ = try db.run("UPDATE attachments SET received_bytes = ? WHERE id = ?", receivedBytes, attachmentID)
            }
            return
        }
        _ = try db.run(
            "UPDATE attachments SET state = ?, received_bytes = ? WHERE id = ?", state.rawValue, receivedBytes,
            attachmentID)
        let completionID = try row.string("completion_id")
        let familyID = try row.string("family_id")
        try SyncFeed.record(db, entity: .completion, id: completionID, familyID: familyID)
        try issueReceipts(db, completionID: completionID, familyID: familyID)
    }

    /// The uploads module's creation check (Protocol §10.2): the attachment was declared by an accepted
    /// event of a device of this user, with the same hash, size and content type.
    ///
    /// Uploads belong to the user, not the device: after a re-enrollment (revoke A, enroll B for the
    /// same worker, resend the events) B continues what A declared and started.
    /// - Throws: ``ServerError`` `unknown_attachment` or `attachment_mismatch`.
    public static func checkCreation(
        _ db: any DatabaseConnection, userID: String, attachmentID: String, sha256: String, size: Int64,
        contentType: String
    ) throws {
        guard
            let row = try db.queryOne(
                "SELECT a.sha256, a.size, a.content_type FROM attachments a JOIN devices d ON d.id = a.device_id"
                    + " WHERE a.id = ? AND d.user_id = ?", attachmentID, userID)
        else {
            throw ServerError(.unknownAttachment, "no accepted event of this user's devices declared the attachment")
        }
        guard try row.string("sha256") == sha256, try row.int("size") == size,
            try row.string("content_type") == contentType
        else { throw ServerError(.attachmentMismatch, "creation metadata differs from the declaration") }
    }
}

extension AttachmentStore {
    /// Hands the files an event declared to the device that resent it (Protocol §2.4, §10.2):
    /// a re-enrolled device of the same user now holds them, so it receives their receipts (one is
    /// issued at once, so it learns which files are already verified) instead of the revoked one.
    ///
    /// Only files declared by a device of `userID` move. Called when a resend of another device's
    /// event is answered `duplicate`.
    static func transfer(
        _ db: any DatabaseConnection, _ event: DeviceEvent, toDevice deviceID: String, userID: String
    )
        throws
    {
        let files: [DeclaredFile]
        switch event.payload {
        case .complete(let p): files = p.files
        case .amend(let p): files = p.addFiles ?? []
        default: return
        }
        var completions: Set<String> = []
        for f in files {
            let id = f.attachmentID.description
            let moved = try db.run(
                "UPDATE attachments SET device_id = ? WHERE id = ? AND device_id != ?"
                    + " AND device_id IN (SELECT id FROM devices WHERE user_id = ?)", deviceID, id, deviceID, userID)
            if moved > 0, let row = try db.queryOne("SELECT completion_id FROM attachments WHERE id = ?", id) {
                completions.insert(try row.string("completion_id"))
            }
        }
        for completionID in completions.sorted() {
            guard
                let row = try db.queryOne(
                    "SELECT \(CompletionStore.familySQL()) AS family_id FROM completions c WHERE c.id = ?", completionID
                )
            else {
                continue
            }
            try SyncFeed.record(
                db, entity: .receipt, id: completionID, familyID: try row.string("family_id"), deviceID: deviceID)
        }
    }
}

func wireID(row text: String) throws -> WireID {
    guard let id = WireID(text) else { throw ServerError(.internalError, "stored ID is not a UUID") }
    return id
}
