public import KandasStore

extension UploadStore {
    /// This module's migrations on SQLite (names prefixed `uploads-`), registered by the app
    /// between its own (the server's `Schema`) or applied alone by a bare upload store.
    /// PostgreSQL's twin of `uploads-001-create` is part of the server's PostgreSQL schema
    /// (`PostgresSchema`, where `offset`, a reserved word there, is quoted; the store's queries
    /// always quote it, which SQLite accepts too).
    ///
    /// `tus_uploads` holds one row per upload. At most one upload per (owner, attachment) is
    /// receiving or verified (a partial unique index), which is what makes creation idempotent;
    /// expired and corrupt rows stay as tombstones so their ids answer 410 for a while.
    /// Times are milliseconds since the Unix epoch, from the store's injectable clock.
    public static let migrations: [StoreMigration] = [
        StoreMigration("uploads-001-create") { db in
            try db.execute(
                """
                CREATE TABLE tus_uploads(
                    upload_id TEXT PRIMARY KEY,
                    owner TEXT NOT NULL,
                    attachment_id TEXT NOT NULL,
                    length INTEGER NOT NULL CHECK (length >= 0),
                    offset INTEGER NOT NULL CHECK (offset >= 0 AND offset <= length),
                    sha256 TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    filename TEXT,
                    metadata TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('receiving', 'verified', 'corrupt', 'expired')),
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL,
                    expires_at INTEGER,
                    verified_at INTEGER
                ) STRICT;
                CREATE UNIQUE INDEX tus_uploads_live ON tus_uploads(owner, attachment_id)
                    WHERE state IN ('receiving', 'verified');
                CREATE INDEX tus_uploads_expiry ON tus_uploads(state, expires_at);
                CREATE INDEX tus_uploads_sha256 ON tus_uploads(sha256) WHERE state = 'verified';
                """)
        }
    ]

    /// `0019-upload-parts` (issue 13): the state of a tus upload whose partial bytes live in an S3
    /// multipart upload, so any server instance can resume it.
    ///
    /// On `tus_uploads`: the multipart upload's id, the bytes already in parts, and the running
    /// SHA-256 over the committed bytes (``Crypto/ResumableSHA256``'s saved state). The parts
    /// (number, ETag, size) and the tail smaller than a part (the bytes after the last part, one
    /// row per PATCH that added to it) are committed in the same transaction as the offset.
    /// The server registers it as its `0019`, after its other migrations; PostgreSQL's twin is in
    /// `PostgresSchema`.
    public static let partsMigration = StoreMigration("0019-upload-parts") { db in
        try db.execute(
            """
            ALTER TABLE tus_uploads ADD COLUMN multipart_id TEXT;
            ALTER TABLE tus_uploads ADD COLUMN parts_end INTEGER NOT NULL DEFAULT 0 CHECK (parts_end >= 0);
            ALTER TABLE tus_uploads ADD COLUMN hash_state BLOB;
            CREATE TABLE tus_upload_parts(
                upload_id TEXT NOT NULL,
                part_number INTEGER NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
                etag TEXT NOT NULL,
                size INTEGER NOT NULL CHECK (size >= 0),
                PRIMARY KEY (upload_id, part_number)
            ) STRICT;
            CREATE TABLE tus_upload_tail(
                upload_id TEXT NOT NULL,
                start INTEGER NOT NULL CHECK (start >= 0),
                bytes BLOB NOT NULL,
                PRIMARY KEY (upload_id, start)
            ) STRICT;
            """)
    }

    /// Every migration of a bare upload store on SQLite (no server schema around it): tests, benchmarks.
    public static var standaloneMigrations: [StoreMigration] { migrations + [partsMigration] }
}
