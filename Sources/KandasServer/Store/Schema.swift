import Foundation
import KandasDomain
import KandasStore
import KandasUploads
import SQLiteKit

/// The central store's schema: named, ordered migrations, each in one transaction (SQLiteKit's
/// `Migrator`), every table `STRICT`.
///
/// Identifiers are lowercase UUID text (the change feed's are 16-byte blobs, written through `kid(?)` and
/// read through `ktext(col)`: migration 0045); times are integer milliseconds since 1970 (UTC); calendar
/// dates are `YYYY-MM-DD` text. `rowid` order is creation order, which pagination relies on.
/// Tables written on every authenticated request (sessions, device tokens, device activity and days) are
/// kept apart from the domain tables so "nothing changed" can be checked on the rest.
enum Schema {
    /// Tables whose rows change on successful authentication alone (last use, first use).
    static let activityTables: Set<String> = ["sessions", "device_tokens", "device_activity", "device_days"]

    static var migrator: Migrator {
        var m = Migrator()
        m.register(StoreMigration("0001-organisation", organisation))
        m.register(StoreMigration("0002-auth", auth))
        m.register(StoreMigration("0003-families-plans", familiesAndPlans))
        m.register(StoreMigration("0004-operations", operations))
        m.register(StoreMigration("0005-sync", SyncSchema.migrate))
        m.register(StoreMigration("0006-console", ConsoleSchema.migrate))
        // tus uploads (Protocol §10): after the sync tables, since `onVerified` writes both in one transaction.
        for migration in UploadStore.migrations { m.register(migration) }
        m.register(StoreMigration("0007-sync-indexes", SyncSchema.mergeEventIndexes))
        m.register(StoreMigration("0008-completion-indexes", SyncSchema.completionIndexDiet))
        m.register(StoreMigration("0009-uploads-owned-by-user", SyncSchema.uploadsOwnedByUser))
        // Rules 1, the Centre stay (Protocol/stay-v1.md): its roles, then its tables.
        m.register(StoreMigration("0010-stay-roles", rebuildsTables: true, StayStore.widenRoles))
        m.register(StoreMigration("0011-stay", StayStore.migrate))
        m.register(StoreMigration("0012-rules2-evidence", Rules2Schema.evidence))
        m.register(StoreMigration("0013-rules2-report-submissions", Rules2Schema.reportSubmissions))
        m.register(StoreMigration("0014-rules2-monitoring", Rules2Schema.monitoring))
        m.register(StoreMigration("0015-rules2-evaluations", Rules2Schema.evaluations))
        m.register(StoreMigration("0016-rules2-consent", Rules2Schema.consent))
        // Rules 2, para 34: the receiving labour mobility centre approves plans (issue 16 item 8).
        m.register(StoreMigration("0017-labour-mobility-role", rebuildsTables: true, Rules2Schema.labourMobilityRole))
        // Rules 2, para 37: the digital-card forwarding queue (issue 16 item 10).
        m.register(StoreMigration("0018-rules2-forwarding", Rules2Schema.forwarding))
        // tus uploads on an S3 multipart upload (issue 13): parts, tail and hash state beside the offset.
        m.register(UploadStore.partsMigration)
        // Failed logins in the store, so every instance counts the same (issue 12).
        m.register(
            StoreMigration("0020-login-failures") { db in
                try db.execute(
                    """
                    CREATE TABLE login_failures(key TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
                    CREATE INDEX login_failures_key ON login_failures(key, at);
                    """)
            })
        m.register(StoreMigration("0021-console-charts", ConsoleSchema.charts))
        // Issue 12: PostgreSQL numbers the change feed at commit (see its twin); SQLite's one
        // writer keeps numbering `changes` and `device_events` at INSERT, so nothing changes here.
        m.register(StoreMigration("0022-feed-numbered-at-commit") { _ in })
        // The console's counters, kept by triggers (issue 20: dashboard and map without full scans).
        m.register(StoreMigration("0023-console-counts", ConsoleRollups.migrate))
        // Each device's day: last contact and the queue depth it reported (issue 20 item 3).
        m.register(StoreMigration("0024-device-days", ConsoleSchema.deviceDays))
        // Fewer bytes written per pushed event (issue 15): device rows leave the family index.
        m.register(StoreMigration("0025-changes-family-partial", SyncSchema.familyFeedIndex))
        // Issue 15: an accepted `complete`'s body is rebuilt from its completion (`EventBodies`).
        m.register(StoreMigration("0026-event-base-version", SyncSchema.eventBaseVersion))
        // Issue 15: the trends read the console's counters (0023); nothing reads this index.
        m.register(
            StoreMigration("0027-drop-completions-received") { db in
                try db.execute("DROP INDEX completions_received;")
            })
        // Issue 15: a `complete` event is found by its completion's `event_seq`, not this index.
        m.register(StoreMigration("0028-event-completion-partial", SyncSchema.eventCompletionIndex))
        // Issue 12: on PostgreSQL a push adds its completions' console counters once per batch (see its
        // twin); SQLite follows in 0031.
        m.register(StoreMigration("0030-console-counts-by-push") { _ in })
        // Issue 15: a push adds its completions' console counters once per batch on SQLite too, and
        // the completion insert trigger goes (its statement journal cost more than its upserts).
        m.register(
            StoreMigration("0031-console-counts-by-push-sqlite", ConsoleRollups.sqliteDropCompletionInsertTrigger))
        // Issue 15: CHECK `IN` lists of the rows a push inserts become comparisons (a temporary b-tree per row).
        m.register(StoreMigration("0032-check-lists-as-comparisons", CheckConstraints.migrate))
        // Issue 15: an event's outcome row is its device's only one, so pull need not look for a later one.
        m.register(StoreMigration("0035-feed-outcomes-unindexed", SyncSchema.outcomeFeedIndex))
        // Issue 15: a family's completions are found through its items (`CompletionFilter`), not this index.
        m.register(
            StoreMigration("0036-drop-completions-family") { db in
                try db.execute("DROP INDEX completions_family;")
            })
        // Issue 15: a centre's completions are read through their region's index (`AccessScope.centreRecords`).
        m.register(
            StoreMigration("0037-drop-completions-centre") { db in
                try db.execute("DROP INDEX completions_centre;")
            })
        // Issue 15: a completion's plan is its item's and its creation its receipt (`CompletionStore.planSQL`,
        // `createdSQL`), not columns of every row.
        m.register(
            StoreMigration("0038-completion-derived-columns") { db in
                try db.execute(
                    "ALTER TABLE completions DROP COLUMN plan_id; ALTER TABLE completions DROP COLUMN created_at;")
            })
        // Issue 15: an event's user is its device's (`EventBodies.userSQL`), not a column of every pushed event.
        m.register(
            StoreMigration("0039-event-user-from-device") { db in
                try db.execute("ALTER TABLE device_events DROP COLUMN user_id;")
            })
        // Issue 15: a completion's location as numbers and its evidence lists as bit masks
        // (`StoredLocation`, `EvidenceBits`), not ~180 bytes of JSON text in every pushed completion's row.
        m.register(StoreMigration("0040-completion-evidence-as-numbers", CompletionEvidenceMigration.migrate))
        // Issue 15: a completion's family and member are its item's, its device its event's
        // (`CompletionStore.familySQL`, `memberSQL`, `deviceSQL`), not columns of every pushed completion's row.
        m.register(
            StoreMigration("0041-completion-columns-from-item-and-event", CompletionDerivedColumnsMigration.migrate))
        // Issue 15: the change feed's UUIDs as 16-byte blobs (`kid`/`ktext`), in the table and its indexes.
        m.register(StoreMigration("0045-feed-ids-as-blobs", SyncSchema.feedBinaryIDs))
        // Issue 15: device_events' UUIDs without a foreign key (event, item, completion) as 16-byte blobs.
        m.register(StoreMigration("0046-event-ids-as-blobs", SyncSchema.eventBinaryIDs))
        // Issue 15: completions' item, region, centre and user IDs as 16-byte blobs; plan items get the
        // blob key (`bin_id`) the item's foreign key names.
        m.register(
            StoreMigration("0047-completion-ids-as-blobs", rebuildsTables: true, SyncSchema.completionBinaryIDs))
        // Issue 15: the change feed's kind and op as integer codes (`FeedCodes`, `FeedOp`), its unread `at` gone.
        m.register(StoreMigration("0048-feed-rows-compact", FeedRowsCompactMigration.migrate))
        // Issue 15: device_events.device_id as a 16-byte blob, referencing the device's `bin_id` (its ID as a blob).
        m.register(StoreMigration("0049-event-device-ids-as-blobs", SyncSchema.eventDeviceIDs))
        // Issue 15: the worker filter finds a worker's completions through their devices' events, so no
        // index on completions.user_id is written per pushed completion (`CompletionFilter.workerSQL`).
        m.register(StoreMigration("0050-worker-filter-via-devices", SyncSchema.dropCompletionsUserIndex))
        return m
    }

    static func organisation(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE regions(
              id TEXT PRIMARY KEY, code TEXT NOT NULL UNIQUE, kind TEXT NOT NULL CHECK(kind IN ('region','city')),
              name_kk TEXT NOT NULL, name_ru TEXT NOT NULL, name_en TEXT NOT NULL) STRICT;
            CREATE TABLE career_centres(
              id TEXT PRIMARY KEY, region_id TEXT NOT NULL REFERENCES regions(id), name TEXT NOT NULL,
              address TEXT, version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;
            CREATE INDEX career_centres_region ON career_centres(region_id);
            CREATE TABLE users(
              id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
              role TEXT NOT NULL CHECK(role IN ('field_worker','centre_supervisor','region_admin','national_admin','auditor')),
              region_id TEXT REFERENCES regions(id), career_centre_id TEXT REFERENCES career_centres(id),
              active INTEGER NOT NULL, password_hash TEXT NOT NULL, version INTEGER NOT NULL,
              created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_login_at INTEGER) STRICT;
            CREATE INDEX users_centre ON users(career_centre_id);
            CREATE INDEX users_region ON users(region_id);
            """)
        // The 17 regions and 3 cities are data every store starts with; their IDs are random per store.
        for region in Region.all {
            _ = try db.run(
                "INSERT INTO regions(id, code, kind, name_kk, name_ru, name_en) VALUES(?,?,?,?,?,?)",
                UUID().uuidString.lowercased(), region.code, region.kind.rawValue, region.names.kk, region.names.ru,
                region.names.en)
        }
    }

    static func auth(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE sessions(
              token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), created_at INTEGER NOT NULL,
              expires_at INTEGER NOT NULL, last_used_at INTEGER NOT NULL, revoked_at INTEGER) STRICT;
            CREATE INDEX sessions_user ON sessions(user_id);
            CREATE TABLE devices(
              id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), device_uuid TEXT NOT NULL,
              platform TEXT NOT NULL, app_version TEXT NOT NULL, device_name TEXT,
              status TEXT NOT NULL CHECK(status IN ('active','revoked')), enrolled_at INTEGER NOT NULL,
              revoked_at INTEGER, revoke_reason TEXT, last_device_seq INTEGER NOT NULL DEFAULT 0,
              client_status TEXT) STRICT;
            CREATE INDEX devices_user ON devices(user_id);
            CREATE TABLE device_activity(
              device_id TEXT PRIMARY KEY REFERENCES devices(id), last_seen_at INTEGER NOT NULL) STRICT;
            CREATE TABLE enrollment_codes(
              id TEXT PRIMARY KEY, code_hash TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL REFERENCES users(id),
              created_by TEXT NOT NULL REFERENCES users(id), created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
              used_at INTEGER, device_id TEXT REFERENCES devices(id), revoked_at INTEGER) STRICT;
            CREATE INDEX enrollment_codes_user ON enrollment_codes(user_id);
            -- Access and refresh tokens of devices, by SHA-256. A refresh token replaced by rotation
            -- keeps its successor sealed with a key only the old token's holder can derive.
            CREATE TABLE device_tokens(
              token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK(kind IN ('access','refresh')),
              device_id TEXT NOT NULL REFERENCES devices(id), created_at INTEGER NOT NULL,
              expires_at INTEGER NOT NULL, absolute_expires_at INTEGER NOT NULL, first_used_at INTEGER,
              revoked_at INTEGER, replaced_at INTEGER, successor_refresh_hash TEXT, successor_access_hash TEXT,
              successor_sealed BLOB) STRICT;
            CREATE INDEX device_tokens_device ON device_tokens(device_id);
            """)
    }

    static func familiesAndPlans(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE families(
              id TEXT PRIMARY KEY, region_id TEXT NOT NULL REFERENCES regions(id),
              career_centre_id TEXT NOT NULL REFERENCES career_centres(id), settlement_name TEXT NOT NULL,
              settlement_latitude REAL, settlement_longitude REAL, address TEXT, quota_inclusion_date TEXT NOT NULL,
              consent_recorded INTEGER NOT NULL, version INTEGER NOT NULL, created_at INTEGER NOT NULL,
              updated_at INTEGER NOT NULL) STRICT;
            CREATE INDEX families_centre ON families(career_centre_id);
            CREATE INDEX families_region ON families(region_id);
            CREATE TABLE family_workers(
              family_id TEXT NOT NULL REFERENCES families(id), user_id TEXT NOT NULL REFERENCES users(id),
              position INTEGER NOT NULL, PRIMARY KEY(family_id, user_id)) STRICT, WITHOUT ROWID;
            CREATE INDEX family_workers_user ON family_workers(user_id);
            CREATE TABLE members(
              id TEXT PRIMARY KEY, family_id TEXT NOT NULL REFERENCES families(id), iin TEXT NOT NULL UNIQUE,
              last_name TEXT NOT NULL, first_name TEXT NOT NULL, patronymic TEXT, birth_date TEXT NOT NULL,
              relation TEXT NOT NULL, version INTEGER NOT NULL, created_at INTEGER NOT NULL,
              updated_at INTEGER NOT NULL) STRICT;
            CREATE INDEX members_family ON members(family_id);
            CREATE TABLE plans(
              id TEXT PRIMARY KEY, family_id TEXT NOT NULL REFERENCES families(id),
              status TEXT NOT NULL CHECK(status IN ('draft','agreed','approved','published')),
              version INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
              agreed_at INTEGER, approved_at INTEGER, published_at INTEGER, publication_due INTEGER,
              publication_late INTEGER NOT NULL DEFAULT 0) STRICT;
            CREATE INDEX plans_family ON plans(family_id);
            CREATE TABLE plan_items(
              id TEXT PRIMARY KEY, plan_id TEXT NOT NULL REFERENCES plans(id),
              family_id TEXT NOT NULL REFERENCES families(id), member_id TEXT NOT NULL REFERENCES members(id),
              service_code INTEGER NOT NULL CHECK(service_code BETWEEN 1 AND 25), due_date TEXT NOT NULL,
              instructions TEXT, assigned_worker_id TEXT REFERENCES users(id),
              status TEXT NOT NULL CHECK(status IN ('open','completed','cancelled')), version INTEGER NOT NULL,
              completion_count INTEGER NOT NULL DEFAULT 0, cancel_reason TEXT, created_at INTEGER NOT NULL,
              updated_at INTEGER NOT NULL) STRICT;
            CREATE INDEX plan_items_plan ON plan_items(plan_id);
            CREATE TABLE plan_item_versions(
              item_id TEXT NOT NULL REFERENCES plan_items(id), version INTEGER NOT NULL, action TEXT NOT NULL,
              changed_at INTEGER NOT NULL, changed_by TEXT NOT NULL, due_date TEXT NOT NULL, instructions TEXT,
              assigned_worker_id TEXT, status TEXT NOT NULL, reason TEXT, PRIMARY KEY(item_id, version)) STRICT;
            -- The sync feed: seq is assigned inside the write transaction that made the change, so
            -- a pull after seq N sees every change committed after N (issue 5 adds the pull).
            CREATE TABLE changes(
              seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
              family_id TEXT NOT NULL, op TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
            CREATE INDEX changes_family ON changes(family_id, seq);
            """)
    }

    static func operations(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE idempotency(
              actor TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, key TEXT NOT NULL,
              body_sha256 TEXT NOT NULL, status INTEGER NOT NULL, content_type TEXT NOT NULL, headers TEXT NOT NULL,
              body BLOB NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY(actor, method, path, key)) STRICT;
            CREATE INDEX idempotency_created ON idempotency(created_at);
            CREATE TABLE audit_log(
              seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, at INTEGER NOT NULL, actor_type TEXT NOT NULL,
              actor_id TEXT, actor_role TEXT, action TEXT NOT NULL, entity_type TEXT NOT NULL, entity_id TEXT,
              remote_addr TEXT NOT NULL, request_id TEXT NOT NULL, summary TEXT, prev_hash TEXT NOT NULL,
              hash TEXT NOT NULL) STRICT;
            CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);
            CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id, seq);
            -- Append-only: the store itself refuses to edit or delete audit entries.
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
              BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
              BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            """)
    }
}
