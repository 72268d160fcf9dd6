import Foundation
import KandasProtocol
import SQLiteKit

/// The device's local SQLite store: mirror tables (changed only by pull), the outbox of device
/// events, the evidence files table and a few settings.
///
/// Every blocking SQLite call runs on SQLiteKit's own queues (`DatabasePool`'s async API), never
/// on Swift's cooperative pool. Tokens are not here: they live in `credentials.json` (mode 0600).
final class ClientStore: Sendable {
    /// The home folder the app or CLI chose.
    let home: String
    let pool: DatabasePool

    /// The mirror tables, by pull entity (sync-v1 §7.2). Each row is the server object's JSON.
    static let mirrorTables: [ChangeEntity: String] = [
        .family: "mirror_families", .member: "mirror_members", .plan: "mirror_plans", .planItem: "mirror_items",
        .completion: "mirror_completions", .conflict: "mirror_conflicts", .review: "mirror_reviews",
        .receipt: "mirror_receipts", .eventOutcome: "mirror_event_outcomes",
    ]

    /// Where captured evidence files are kept, one file per attachment id.
    var filesFolder: String { home + "/files" }

    /// Opens (creating when needed) the store in `home` and migrates it.
    init(home: String) throws(ClientError) {
        self.home = home
        try FileIO.makeFolder(home)
        try FileIO.makeFolder(home + "/files")
        do {
            pool = try DatabasePool(path: home + "/client.sqlite", readers: 2, migrator: Self.migrator())
        } catch {
            throw ClientError(.storage, "cannot open the local store in \(home): \(error)")
        }
    }

    static func migrator() -> Migrator {
        var migrator = Migrator()
        migrator.register("001-client-store") { db in
            try db.execute("CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT")
            for table in mirrorTables.values.sorted() {
                try db.execute("CREATE TABLE \(table)(id TEXT PRIMARY KEY, data TEXT NOT NULL) STRICT")
            }
            // device_key is the device_id the seq belongs to ('unenrolled' before enrollment); a
            // re-enrollment renumbers the unsent events under the new device (sync-v1 §2.4).
            try db.execute(
                """
                CREATE TABLE outbox(
                    id INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL UNIQUE,
                    device_key TEXT NOT NULL,
                    device_seq INTEGER NOT NULL CHECK (device_seq >= 1),
                    type TEXT NOT NULL,
                    item_id TEXT NOT NULL,
                    completion_id TEXT,
                    event TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'rejected')),
                    reflected INTEGER NOT NULL DEFAULT 0,
                    code TEXT,
                    detail TEXT,
                    completion_rev INTEGER,
                    conflict_ids TEXT,
                    acked_at INTEGER,
                    UNIQUE (device_key, device_seq)
                ) STRICT
                """)
            try db.execute("CREATE INDEX outbox_state ON outbox(state, device_key, device_seq)")
            try db.execute("CREATE INDEX outbox_item ON outbox(item_id, reflected)")
            try db.execute("CREATE INDEX outbox_completion ON outbox(completion_id)")
            try db.execute(
                """
                CREATE TABLE files(
                    attachment_id TEXT PRIMARY KEY,
                    event_id TEXT NOT NULL REFERENCES outbox(event_id),
                    completion_id TEXT NOT NULL,
                    local_path TEXT NOT NULL,
                    size INTEGER NOT NULL CHECK (size > 0),
                    sha256 TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    upload_url TEXT,
                    state TEXT NOT NULL CHECK (
                        state IN ('pending', 'uploading', 'uploaded', 'verified', 'freed', 'failed')),
                    last_error TEXT,
                    verified_at INTEGER,
                    freed_at INTEGER,
                    bytes_sent INTEGER NOT NULL DEFAULT 0
                ) STRICT
                """)
        }
        // The server's own word on each file (sync-v1 §10.5, §11): the latest receipt's upload_state and
        // its issued_at, so the worker sees a corrupt or expired file instead of a silent re-upload.
        migrator.register("002-file-server-state") { db in
            try db.execute(
                """
                ALTER TABLE files ADD COLUMN server_state TEXT CHECK (
                    server_state IN ('declared', 'receiving', 'verified', 'corrupt', 'expired'))
                """)
            try db.execute("ALTER TABLE files ADD COLUMN server_state_at INTEGER")
        }
        return migrator
    }

    // MARK: Settings

    enum Key: String {
        case serverURL = "server_url"
        case deviceID = "device_id"
        case userID = "user_id"
        case deviceUUID = "device_uuid"
        case cursor
        case lastSyncAt = "last_sync_at"
        case lastError = "last_error"
        case reEnrollRequired = "re_enroll_required"
        case limits
        case enrollKey = "enroll_idempotency_key"
    }

    static func setting(_ db: Connection, _ key: Key) throws -> String? {
        try db.queryOne("SELECT value FROM settings WHERE key = ?", key.rawValue)?.optionalString("value")
    }

    static func set(_ db: Connection, _ key: Key, _ value: String?) throws {
        if let value {
            try db.run(
                "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                key.rawValue, value)
        } else {
            try db.run("DELETE FROM settings WHERE key = ?", key.rawValue)
        }
    }

    func setting(_ key: Key) async throws(ClientError) -> String? {
        try await read { db in try Self.setting(db, key) }
    }

    func set(_ key: Key, _ value: String?) async throws(ClientError) {
        try await write { db in try Self.set(db, key, value) }
    }

    // MARK: Access with ClientError

    func read<T: Sendable>(_ body: @Sendable (Connection) throws -> T) async throws(ClientError) -> T {
        do { return try await pool.read(body) } catch { throw ClientError.wrap(error) }
    }

    @discardableResult
    func write<T: Sendable>(_ body: @Sendable (Connection) throws -> T) async throws(ClientError) -> T {
        do { return try await pool.write(body) } catch { throw ClientError.wrap(error) }
    }

    func close() { pool.close() }
}

extension JSONCoding {
    /// Encodes a wire value as the JSON text stored in the mirror and outbox: the bytes of `encode(_:)`,
    /// written by the protocol's `JSONTextEncoder` (every pulled change goes through here).
    static func text<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encodeBytes(value), as: UTF8.self)
    }

    /// Decodes stored JSON text.
    static func value<T: Decodable>(_ type: T.Type, fromText text: String) throws -> T {
        try decode(type, from: Data(text.utf8))
    }
}
