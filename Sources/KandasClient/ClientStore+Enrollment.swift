import KandasProtocol
import SQLiteKit

/// The installation's identity and enrollment, and the sync health settings.
extension ClientStore {
    /// The installation's own id (`device_uuid`, sync-v1 §2.2), generated once and kept across enrollments.
    func installationID() async throws(ClientError) -> WireID {
        try await write { db in
            if let existing = try Self.setting(db, .deviceUUID).flatMap(WireID.init) { return existing }
            let fresh = WireID.random()
            try Self.set(db, .deviceUUID, fresh.description)
            return fresh
        }
    }

    /// Records a (re-)enrollment in one transaction: unsent events move to the new device (fresh seqs, same
    /// event ids); what the old device sent is in the server's snapshot, which the first pull brings (the
    /// cursor is dropped); upload URLs of the old device's uploads are forgotten.
    ///
    /// - Parameter limits: the `GET /v1/limits` answer as the server sent it.
    func recordEnrollment(
        serverURL: String, deviceID: WireID, userID: WireID, limits: String
    ) async throws(ClientError) -> Enrollment {
        try await write { db in
            try Self.renumberPending(db, to: deviceID)
            try db.run("UPDATE outbox SET reflected = 1 WHERE state != 'pending'")
            try db.run("UPDATE files SET upload_url = NULL WHERE state IN ('pending', 'uploading')")
            try Self.set(db, .serverURL, serverURL)
            try Self.set(db, .deviceID, deviceID.description)
            try Self.set(db, .userID, userID.description)
            try Self.set(db, .reEnrollRequired, nil)
            try Self.set(db, .cursor, nil)
            try Self.set(db, .lastError, nil)
            try Self.set(db, .limits, limits)
            guard let enrollment = try Self.enrollment(db) else {
                throw ClientError(.storage, "enrollment was not recorded")
            }
            return enrollment
        }
    }

    /// A sync completed: its time is recorded and the last error cleared, together.
    func recordSyncDone(at time: Timestamp) async throws(ClientError) {
        try await write { db in
            try Self.set(db, .lastSyncAt, time.description)
            try Self.set(db, .lastError, nil)
        }
    }
}
