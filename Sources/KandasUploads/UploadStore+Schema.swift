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
}
