import KandasProtocol
import KandasStore

/// Attachments as staff read them: through their completion's region and centre scope.
extension AttachmentStore {
    /// An attachment in scope, or `404 not_found`.
    static func file(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> EvidenceFile {
        let s = p.scope.records(alias: "c", blobIDs: true)
        guard
            let row = try db.queryOne(
                "SELECT \(columns) FROM attachments a JOIN completions c ON c.id = a.completion_id"
                    + " WHERE a.id = ? AND \(s.sql)", values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such attachment") }
        return try file(row)
    }

    /// The content address, declared type and upload state of an attachment in scope
    /// (`sha256`, `content_type`, `state`), or `nil`.
    static func contentRow(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> DatabaseRow? {
        let s = p.scope.records(alias: "c", blobIDs: true)
        return try db.queryOne(
            "SELECT a.sha256, a.content_type, a.state FROM attachments a JOIN completions c ON c.id = a.completion_id"
                + " WHERE a.id = ? AND \(s.sql)", values: [.text(id)] + s.values)
    }
}

extension DeviceStore {
    /// The highest `device_seq` the store has consumed from a device (0 for none).
    static func lastDeviceSeq(_ db: any DatabaseConnection, deviceID: String) throws -> Int64 {
        try db.queryOne("SELECT last_device_seq FROM devices WHERE id = ?", deviceID)?.int("last_device_seq") ?? 0
    }
}
