import KandasStore

/// Stored replies of unsafe requests by `Idempotency-Key` (Protocol §1.3), written in the same
/// transaction as the work they answer.
enum IdempotencyStore {
    /// A stored reply: the hash of the body it answered, and the reply (its body as stored:
    /// sealed when it carried secrets).
    struct Stored {
        var bodySHA256: String
        var status: Int
        var contentType: String
        var headersJSON: String
        var body: [UInt8]
    }

    /// The reply stored for `(actor, method, path, key)`, or `nil`.
    static func find(
        _ db: any DatabaseConnection, actor: String, method: String, path: String, key: String
    ) throws -> Stored? {
        guard
            let row = try db.queryOne(
                "SELECT body_sha256, status, content_type, headers, body FROM idempotency"
                    + " WHERE actor = ? AND method = ? AND path = ? AND key = ?", actor, method, path, key)
        else { return nil }
        return Stored(
            bodySHA256: try row.string("body_sha256"), status: Int(try row.int("status")),
            contentType: try row.string("content_type"), headersJSON: try row.string("headers"),
            body: row.blob("body") ?? [])
    }

    /// Stores a reply for `(actor, method, path, key)` at `now`.
    static func save(
        _ db: any DatabaseConnection, actor: String, method: String, path: String, key: String, _ stored: Stored,
        now: Int64
    ) throws {
        _ = try db.run(
            "INSERT INTO idempotency(actor, method, path, key, body_sha256, status, content_type, headers, body,"
                + " created_at) VALUES(?,?,?,?,?,?,?,?,?,?)",
            actor, method, path, key, stored.bodySHA256, stored.status, stored.contentType, stored.headersJSON,
            stored.body, now)
    }
}
