import Crypto
import KandasStore

/// The sync half of the store (Protocol §6-§12): device events, completions, attachments,
/// conflicts, reviews, and the per-device rows of the change feed.
///
/// Every event a device ever pushed is a row of `device_events` (server receive order = `seq`);
/// `completions` is the fold of those events, kept as columns the admin console filters on
/// (indexed for 100,000 completions). Device-specific feed rows (`event_outcome`, `receipt`)
/// carry `changes.device_id`; family-scoped rows leave it NULL.
enum SyncSchema {
    static func migrate(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE sync_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
            ALTER TABLE changes ADD COLUMN device_id TEXT;
            CREATE INDEX changes_entity ON changes(entity_id, seq);
            CREATE INDEX changes_device ON changes(device_id, seq) WHERE device_id IS NOT NULL;
            -- One row per consumed device_seq. original = 1 marks the row that owns its event_id;
            -- a re-enrolled device's resend (duplicate) or another user's reuse (rejected) has 0.
            CREATE TABLE device_events(
              seq INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT NOT NULL REFERENCES devices(id),
              device_seq INTEGER NOT NULL, event_id TEXT NOT NULL, user_id TEXT NOT NULL, original INTEGER NOT NULL,
              type TEXT NOT NULL, item_id TEXT NOT NULL, body TEXT NOT NULL, received_at INTEGER NOT NULL,
              recorded_at INTEGER NOT NULL, clock_skew_ms INTEGER NOT NULL,
              outcome TEXT NOT NULL CHECK(outcome IN ('accepted','rejected','duplicate')), code TEXT, detail TEXT,
              completion_id TEXT, completion_rev INTEGER, conflict_ids TEXT NOT NULL DEFAULT '[]',
              UNIQUE(device_id, device_seq)) STRICT;
            CREATE UNIQUE INDEX device_events_event ON device_events(event_id) WHERE original = 1;
            CREATE INDEX device_events_event_device ON device_events(event_id, device_id);
            CREATE INDEX device_events_completion ON device_events(completion_id, seq) WHERE completion_id IS NOT NULL;
            CREATE TABLE completions(
              id TEXT PRIMARY KEY, item_id TEXT NOT NULL REFERENCES plan_items(id), plan_id TEXT NOT NULL,
              family_id TEXT NOT NULL, member_id TEXT NOT NULL, region_id TEXT NOT NULL,
              career_centre_id TEXT NOT NULL, service_code INTEGER NOT NULL, device_id TEXT NOT NULL,
              user_id TEXT NOT NULL, state TEXT NOT NULL CHECK(state IN ('active','voided')), rev INTEGER NOT NULL,
              is_primary INTEGER NOT NULL, performed_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,
              received_at INTEGER NOT NULL, clock_skew_ms INTEGER NOT NULL, note TEXT, location TEXT,
              files_declared INTEGER NOT NULL DEFAULT 0, files_verified INTEGER NOT NULL DEFAULT 0,
              evidence_flags TEXT NOT NULL DEFAULT '[]',
              review_state TEXT NOT NULL DEFAULT 'pending'
                CHECK(review_state IN ('pending','approved','has_issues','rejected')),
              open_conflicts INTEGER NOT NULL DEFAULT 0, event_seq INTEGER NOT NULL,
              created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;
            CREATE INDEX completions_item ON completions(item_id, event_seq);
            CREATE INDEX completions_region ON completions(region_id);
            CREATE INDEX completions_centre ON completions(career_centre_id);
            CREATE INDEX completions_user ON completions(user_id);
            CREATE INDEX completions_family ON completions(family_id);
            CREATE INDEX completions_member ON completions(member_id);
            CREATE INDEX completions_service ON completions(service_code);
            CREATE INDEX completions_performed ON completions(performed_at);
            CREATE INDEX completions_review ON completions(review_state);
            CREATE INDEX completions_incomplete ON completions(received_at) WHERE files_verified < files_declared;
            CREATE INDEX completions_conflicted ON completions(received_at) WHERE open_conflicts > 0;
            -- Declared files: the seam with KandasUploads (declared -> receiving -> verified).
            CREATE TABLE attachments(
              id TEXT PRIMARY KEY, completion_id TEXT NOT NULL REFERENCES completions(id),
              device_id TEXT NOT NULL, position INTEGER NOT NULL, kind TEXT NOT NULL, content_type TEXT NOT NULL,
              size INTEGER NOT NULL, sha256 TEXT NOT NULL, captured_at INTEGER NOT NULL, source TEXT NOT NULL,
              file_name TEXT, location TEXT,
              state TEXT NOT NULL CHECK(state IN ('declared','receiving','verified','corrupt','expired')),
              received_bytes INTEGER NOT NULL DEFAULT 0, verified_at INTEGER, blob_key TEXT,
              declared_at INTEGER NOT NULL) STRICT;
            CREATE INDEX attachments_completion ON attachments(completion_id, position);
            CREATE INDEX attachments_sha256 ON attachments(sha256);
            CREATE TABLE conflicts(
              id TEXT PRIMARY KEY, kind TEXT NOT NULL, severity TEXT NOT NULL CHECK(severity IN ('hard','soft')),
              status TEXT NOT NULL CHECK(status IN ('open','resolved')), item_id TEXT NOT NULL,
              completion_id TEXT, family_id TEXT NOT NULL, career_centre_id TEXT NOT NULL, region_id TEXT NOT NULL,
              conflicting_fields TEXT NOT NULL DEFAULT '[]', item_changes TEXT, displayed_event_id TEXT,
              detected_at INTEGER NOT NULL, resolved_at INTEGER, resolved_by_type TEXT, resolved_by_id TEXT,
              resolution TEXT, resolution_comment TEXT) STRICT;
            CREATE INDEX conflicts_item ON conflicts(item_id, kind, status);
            CREATE INDEX conflicts_completion ON conflicts(completion_id, kind, status);
            CREATE INDEX conflicts_centre ON conflicts(career_centre_id, status);
            CREATE INDEX conflicts_family ON conflicts(family_id);
            CREATE TABLE conflict_events(
              conflict_id TEXT NOT NULL REFERENCES conflicts(id), event_seq INTEGER NOT NULL,
              PRIMARY KEY(conflict_id, event_seq)) STRICT, WITHOUT ROWID;
            CREATE TABLE conflict_completions(
              completion_id TEXT NOT NULL, conflict_id TEXT NOT NULL REFERENCES conflicts(id),
              PRIMARY KEY(completion_id, conflict_id)) STRICT, WITHOUT ROWID;
            CREATE INDEX conflict_completions_conflict ON conflict_completions(conflict_id);
            CREATE TABLE reviews(
              id TEXT PRIMARY KEY, completion_id TEXT NOT NULL REFERENCES completions(id),
              decision TEXT NOT NULL CHECK(decision IN ('approve','has_issues','reject','comment')), comment TEXT,
              reviewer_id TEXT NOT NULL, reviewer_name TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
            CREATE INDEX reviews_completion ON reviews(completion_id);
            """)
        // The epoch names this store's change feed; the key makes cursors tamper-evident.
        _ = try db.run(
            "INSERT INTO sync_meta(key, value) VALUES('epoch', ?), ('cursor_key', ?)",
            String(SHA256.hash(SecureRandom.bytes(32)).hex.prefix(16)), SHA256.hash(SecureRandom.bytes(32)).hex)
        // The feed gets a row for every object that exists already (stores created before this
        // migration), so a first pull replaying the feed is a full snapshot.
        try db.execute(
            """
            INSERT INTO changes(entity, entity_id, family_id, op, at)
              SELECT 'family', id, id, 'backfill', updated_at FROM families;
            INSERT INTO changes(entity, entity_id, family_id, op, at)
              SELECT 'member', id, family_id, 'backfill', updated_at FROM members;
            INSERT INTO changes(entity, entity_id, family_id, op, at)
              SELECT 'plan', id, family_id, 'backfill', updated_at FROM plans;
            INSERT INTO changes(entity, entity_id, family_id, op, at)
              SELECT 'plan_item', id, family_id, 'backfill', updated_at FROM plan_items;
            """)
    }

    /// `0009-uploads-owned-by-user`: uploads belong to the user of the device that created them
    /// (Protocol §10.2), so a device enrolled again for the same worker continues them; uploads
    /// created before were owned by the device ID.
    static func uploadsOwnedByUser(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            UPDATE tus_uploads SET owner = (SELECT d.user_id FROM devices d WHERE d.id = tus_uploads.owner)
              WHERE owner IN (SELECT id FROM devices);
            """)
    }

    /// `0007-sync-indexes`: one index on `device_events.event_id` instead of two.
    ///
    /// Event IDs are random, so each index on them costs a random page per pushed event (and a
    /// WAL frame per page per commit). The unique partial index (one original per event ID) and
    /// the (event_id, device_id) lookup index become one unique index whose second column is 0
    /// for the original and the row's own `seq` for resends: still at most one original per
    /// event ID, and every lookup by event ID (with `original = 1` or a `device_id`) reads the
    /// one or few rows of that ID.
    static func mergeEventIndexes(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            DROP INDEX device_events_event;
            DROP INDEX device_events_event_device;
            CREATE UNIQUE INDEX device_events_event ON device_events(event_id, (CASE WHEN original = 1 THEN 0 ELSE seq END));
            """)
    }

    /// `0008-completion-indexes`: three fewer indexes written by every pushed completion.
    ///
    /// Each index on `completions` is one more b-tree insert per pushed event and more WAL pages per
    /// commit. Every query on the table was listed (console list and exports, API list, reports,
    /// dashboard, families page, sync) and kept to the indexes it uses:
    /// - `completions_service`: the service filter matches about 1 row in 25, so the rowid-ordered
    ///   page (or the region/centre scope index) finds its rows within a few thousand; dropped.
    /// - `completions_member`: the member filter (by IIN) now also names the member's family, whose
    ///   index (`completions_family`, in rowid order) holds the few completions of that family.
    /// - `completions_review`: every new completion is `pending`, so a partial index over the
    ///   reviewed rows only (`completions_reviewed`) costs a push nothing and still finds the rare
    ///   `rejected` or `has_issues` rows; a `pending` filter walks the rowid order, where most are.
    /// Kept: item (sync), family, region and centre (scopes), user (worker filter), performed_at
    /// (narrow date ranges, monthly report), and the two partial ones (incomplete, conflicted).
    static func completionIndexDiet(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            DROP INDEX completions_service;
            DROP INDEX completions_member;
            DROP INDEX completions_review;
            CREATE INDEX completions_reviewed ON completions(review_state) WHERE review_state != 'pending';
            """)
    }

    /// Migration `0025-changes-family-partial` (issue 15): `changes_family` only over family rows.
    ///
    /// Pull finds family rows with `device_id IS NULL AND family_id IN (...)` and device rows
    /// (`event_outcome`, `receipt`, whose `family_id` is '') through `changes_device`, so the
    /// device rows' entries in `changes_family` were written on every push and never read: one
    /// per pushed event, and at a device's usual batch of 10 about a page per commit.
    static func familyFeedIndex(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            DROP INDEX changes_family;
            CREATE INDEX changes_family ON changes(family_id, seq) WHERE device_id IS NULL;
            """)
    }

    /// Migration `0026-event-base-version` (issue 15): `device_events.base_version`, so an accepted
    /// `complete` without files stores no body (`EventBodies`): its 500-odd bytes were the largest
    /// part of a pushed event's row and repeated what its completion's columns hold. Rows stored
    /// before keep their body (and a NULL `base_version`, never read for them).
    static func eventBaseVersion(_ db: any DatabaseConnection) throws {
        try db.execute("ALTER TABLE device_events ADD COLUMN base_version INTEGER;")
    }

    /// Migration `0028-event-completion-partial` (issue 15): `device_events_completion` without
    /// `complete` events. A completion's `complete` event is the row its `event_seq` names, so their
    /// entries (one per pushed event) were never needed; the events of a completion are read with
    /// ``EventBodies/ofCompletion(_:_:)``, every other lookup says `type <> 'complete'`.
    static let eventCompletionIndexSQL = """
        DROP INDEX device_events_completion;
        CREATE INDEX device_events_completion ON device_events(completion_id, seq)
          WHERE completion_id IS NOT NULL AND type <> 'complete';
        """

    static func eventCompletionIndex(_ db: any DatabaseConnection) throws {
        try db.execute(eventCompletionIndexSQL)
    }

    /// Migration `0035-feed-outcomes-unindexed` (issue 15): `event_outcome` rows leave `changes_entity`.
    ///
    /// The index serves pull's "only the latest row of each object" check; one `event_outcome` row is
    /// written per pushed event, so its entries were half the index (about 55 bytes of the store per
    /// event). A device has a later outcome row of the same event only when it consumed that event ID
    /// again (a duplicate at a new `device_seq`); the push now retires the older row then
    /// (`PushHandler.dropEarlierOutcome`: `device_id` '', which no device pulls), so every outcome row a
    /// device pulls is its latest and pull skips the check for them. Stores from before retire their
    /// older rows here; pull never sent them. Rows are retired, not deleted: PostgreSQL numbers a
    /// commit's feed rows after the highest `seq` (0022), which a deleted newest row would hand out again.
    static let outcomeFeedIndexSQL = """
        UPDATE changes SET device_id = '' WHERE entity = 'event_outcome' AND EXISTS(SELECT 1 FROM changes l
          WHERE l.entity_id = changes.entity_id AND l.seq > changes.seq AND l.entity = 'event_outcome'
          AND l.device_id = changes.device_id);
        DROP INDEX changes_entity;
        CREATE INDEX changes_entity ON changes(entity_id, seq) WHERE entity <> 'event_outcome';
        """

    static func outcomeFeedIndex(_ db: any DatabaseConnection) throws {
        try db.execute(outcomeFeedIndexSQL)
    }
    /// Migration `0045-feed-ids-as-blobs` (issue 15, bytes written per pushed event): the UUIDs of
    /// `changes` (`entity_id`, `family_id`, `device_id`) are stored as 16-byte blobs, not 36-byte text.
    ///
    /// Three UUIDs a row, each in the table and in one or two of its indexes: about 320 bytes written
    /// per pushed event. The columns become `ANY` (a `STRICT` table refuses a blob in `TEXT`) with a
    /// CHECK that keeps what `TEXT` promised and more: text, or a blob of exactly 16 bytes. Values
    /// that are not canonical lowercase UUIDs stay text (`''` of outcome rows' `family_id` and of
    /// retired outcome rows' `device_id`). The store SQL writes these columns through `kid(?)` and
    /// reads them through `ktext(col)` (SQLiteKit's functions; the identity on PostgreSQL, which keeps
    /// text), so the values it sees and the rows it matches are the same. The table is rebuilt with
    /// its rows, `seq` values and `sqlite_sequence` position kept and the same three indexes.
    static let feedBinaryIDsSQL = """
        CREATE TABLE changes_new(
          seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL,
          entity_id ANY NOT NULL
            CHECK(typeof(entity_id) = 'text' OR typeof(entity_id) = 'blob' AND length(entity_id) = 16),
          family_id ANY NOT NULL
            CHECK(typeof(family_id) = 'text' OR typeof(family_id) = 'blob' AND length(family_id) = 16),
          op TEXT NOT NULL, at INTEGER NOT NULL,
          device_id ANY
            CHECK(device_id IS NULL OR typeof(device_id) = 'text' OR typeof(device_id) = 'blob'
              AND length(device_id) = 16)) STRICT;
        INSERT INTO changes_new(seq, entity, entity_id, family_id, op, at, device_id)
          SELECT seq, entity, kid(entity_id), kid(family_id), op, at, kid(device_id) FROM changes ORDER BY seq;
        DELETE FROM sqlite_sequence WHERE name = 'changes_new';
        INSERT INTO sqlite_sequence(name, seq) SELECT 'changes_new', seq FROM sqlite_sequence WHERE name = 'changes';
        DROP TABLE changes;
        ALTER TABLE changes_new RENAME TO changes;
        CREATE INDEX changes_family ON changes(family_id, seq) WHERE device_id IS NULL;
        CREATE INDEX changes_entity ON changes(entity_id, seq) WHERE entity <> 'event_outcome';
        CREATE INDEX changes_device ON changes(device_id, seq) WHERE device_id IS NOT NULL;
        """

    static func feedBinaryIDs(_ db: any DatabaseConnection) throws {
        try db.execute(feedBinaryIDsSQL)
    }

    /// Migration `0046-event-ids-as-blobs` (issue 15, bytes written per pushed event): the UUIDs of
    /// `device_events` that no foreign key names (`event_id`, `item_id`, `completion_id`) are stored
    /// as 16-byte blobs, as `changes`' are since 0045. `device_id` stays text: it references
    /// `devices(id)`, whose IDs are text, and a blob would never equal them.
    ///
    /// `event_id` is in the row and in `device_events_event`, `item_id` in the row, `completion_id` in
    /// the row (and in `device_events_completion` for the rows after a completion's `complete`): about
    /// 70 bytes of a pushed event's row and index entries. The columns become `ANY` with the same CHECK
    /// as 0045's (text, or a blob of exactly 16 bytes; `completion_id` may stay NULL), the store SQL
    /// binds them through `kid(?)` and reads them through `ktext(col)`. The table is rebuilt with every
    /// row, its `seq` values and `sqlite_sequence` position, `UNIQUE(device_id, device_seq)`, the
    /// outcome CHECK as 0032 wrote it, and its two indexes with their expressions and WHERE: the
    /// event index still holds one original per event ID (`kid` maps equal IDs to equal values only).
    static let eventBinaryIDsSQL = """
        CREATE TABLE device_events_new(
          seq INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT NOT NULL REFERENCES devices(id),
          device_seq INTEGER NOT NULL,
          event_id ANY NOT NULL
            CHECK(typeof(event_id) = 'text' OR typeof(event_id) = 'blob' AND length(event_id) = 16),
          original INTEGER NOT NULL, type TEXT NOT NULL,
          item_id ANY NOT NULL
            CHECK(typeof(item_id) = 'text' OR typeof(item_id) = 'blob' AND length(item_id) = 16),
          body TEXT NOT NULL, received_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,
          clock_skew_ms INTEGER NOT NULL,
          outcome TEXT NOT NULL CHECK(outcome = 'accepted' OR outcome = 'rejected' OR outcome = 'duplicate'),
          code TEXT, detail TEXT,
          completion_id ANY
            CHECK(completion_id IS NULL OR typeof(completion_id) = 'text' OR typeof(completion_id) = 'blob'
              AND length(completion_id) = 16),
          completion_rev INTEGER, conflict_ids TEXT NOT NULL DEFAULT '[]', base_version INTEGER,
          UNIQUE(device_id, device_seq)) STRICT;
        INSERT INTO device_events_new(seq, device_id, device_seq, event_id, original, type, item_id, body,
            received_at, recorded_at, clock_skew_ms, outcome, code, detail, completion_id, completion_rev,
            conflict_ids, base_version)
          SELECT seq, device_id, device_seq, kid(event_id), original, type, kid(item_id), body, received_at,
            recorded_at, clock_skew_ms, outcome, code, detail, kid(completion_id), completion_rev, conflict_ids,
            base_version FROM device_events ORDER BY seq;
        DELETE FROM sqlite_sequence WHERE name = 'device_events_new';
        INSERT INTO sqlite_sequence(name, seq)
          SELECT 'device_events_new', seq FROM sqlite_sequence WHERE name = 'device_events';
        DROP TABLE device_events;
        ALTER TABLE device_events_new RENAME TO device_events;
        CREATE UNIQUE INDEX device_events_event ON device_events(event_id, (CASE WHEN original = 1 THEN 0 ELSE seq END));
        CREATE INDEX device_events_completion ON device_events(completion_id, seq)
          WHERE completion_id IS NOT NULL AND type <> 'complete';
        """

    static func eventBinaryIDs(_ db: any DatabaseConnection) throws {
        try db.execute(eventBinaryIDsSQL)
    }

    /// Migration `0047-completion-ids-as-blobs` (issue 15, bytes written per pushed event): the UUIDs of
    /// `completions` other than its own ID (`item_id`, `region_id`, `career_centre_id`, `user_id`) are
    /// stored as 16-byte blobs, as `changes`' are since 0045 and `device_events`' since 0046.
    ///
    /// Each is in every pushed completion's row, and `item_id`, `region_id` and `user_id` head an index
    /// each: about 140 bytes of a pushed event's share of the store. The columns become `ANY` with 0045's
    /// CHECK (text, or a blob of exactly 16 bytes), the store SQL binds them through `kid(?)` and reads
    /// them through `ktext(col)`. `id` stays text: `attachments`, `reviews` and `card_forwards` name it in
    /// their foreign keys (text, which a blob never equals), and the file triggers find a completion by
    /// their text `completion_id` (SQL without `kid`, and SQLite 3.40 has no `unhex`).
    ///
    /// `item_id` keeps its foreign key through `plan_items.bin_id`, the item's ID as a blob (written by
    /// every insert of an item, `kid(id)`, unique): the key a blob can equal. The table is rebuilt with
    /// every row in `rowid` order (the pages' order), its CHECKs, its eight indexes with their WHERE
    /// clauses, and ``ConsoleRollups/installBlobIDTriggers(_:)`` creates its update trigger and the two
    /// file triggers again (dropped first: renaming a table parses every trigger, and theirs name
    /// `completions`); they add the same `console_counts` rows, with text IDs.
    static let completionBinaryIDsSQL = """
        ALTER TABLE plan_items ADD COLUMN bin_id ANY
          CHECK(bin_id IS NULL OR typeof(bin_id) = 'text' OR typeof(bin_id) = 'blob' AND length(bin_id) = 16);
        UPDATE plan_items SET bin_id = kid(id);
        CREATE UNIQUE INDEX plan_items_bin ON plan_items(bin_id);
        DROP TRIGGER console_counts_file_insert;
        DROP TRIGGER console_counts_file_update;
        DROP TRIGGER console_counts_completion_update;
        CREATE TABLE completions_new(
          id TEXT PRIMARY KEY,
          item_id ANY NOT NULL REFERENCES plan_items(bin_id)
            CHECK(typeof(item_id) = 'text' OR typeof(item_id) = 'blob' AND length(item_id) = 16),
          region_id ANY NOT NULL
            CHECK(typeof(region_id) = 'text' OR typeof(region_id) = 'blob' AND length(region_id) = 16),
          career_centre_id ANY NOT NULL
            CHECK(typeof(career_centre_id) = 'text' OR typeof(career_centre_id) = 'blob'
              AND length(career_centre_id) = 16),
          service_code INTEGER NOT NULL,
          user_id ANY NOT NULL
            CHECK(typeof(user_id) = 'text' OR typeof(user_id) = 'blob' AND length(user_id) = 16),
          state TEXT NOT NULL CHECK(state IN ('active','voided')), rev INTEGER NOT NULL,
          is_primary INTEGER NOT NULL, performed_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,
          received_at INTEGER NOT NULL, clock_skew_ms INTEGER NOT NULL, note TEXT,
          files_declared INTEGER NOT NULL DEFAULT 0, files_verified INTEGER NOT NULL DEFAULT 0,
          review_state TEXT NOT NULL DEFAULT 'pending'
            CHECK(review_state = 'pending' OR review_state = 'approved'
              OR review_state = 'has_issues' OR review_state = 'rejected'),
          open_conflicts INTEGER NOT NULL DEFAULT 0, event_seq INTEGER NOT NULL, updated_at INTEGER NOT NULL,
          loc_latitude REAL, loc_longitude REAL, loc_accuracy_m REAL, loc_altitude_m REAL, loc_fix_time INTEGER,
          loc_provider INTEGER, loc_mock INTEGER, flag_bits INTEGER NOT NULL DEFAULT 0,
          missing_bits INTEGER NOT NULL DEFAULT 0) STRICT;
        INSERT INTO completions_new(rowid, id, item_id, region_id, career_centre_id, service_code, user_id, state, rev,
            is_primary, performed_at, recorded_at, received_at, clock_skew_ms, note, files_declared, files_verified,
            review_state, open_conflicts, event_seq, updated_at, loc_latitude, loc_longitude, loc_accuracy_m,
            loc_altitude_m, loc_fix_time, loc_provider, loc_mock, flag_bits, missing_bits)
          SELECT rowid, id, kid(item_id), kid(region_id), kid(career_centre_id), service_code, kid(user_id), state,
            rev, is_primary, performed_at, recorded_at, received_at, clock_skew_ms, note, files_declared,
            files_verified, review_state, open_conflicts, event_seq, updated_at, loc_latitude, loc_longitude,
            loc_accuracy_m, loc_altitude_m, loc_fix_time, loc_provider, loc_mock, flag_bits, missing_bits
          FROM completions ORDER BY rowid;
        DROP TABLE completions;
        ALTER TABLE completions_new RENAME TO completions;
        CREATE INDEX completions_item ON completions(item_id, event_seq);
        CREATE INDEX completions_region ON completions(region_id);
        CREATE INDEX completions_user ON completions(user_id);
        CREATE INDEX completions_performed ON completions(performed_at);
        CREATE INDEX completions_incomplete ON completions(received_at) WHERE files_verified < files_declared;
        CREATE INDEX completions_conflicted ON completions(received_at) WHERE open_conflicts > 0;
        CREATE INDEX completions_reviewed ON completions(review_state) WHERE review_state != 'pending';
        CREATE INDEX completions_missing ON completions(received_at) WHERE missing_bits <> 0;
        """

    static func completionBinaryIDs(_ db: any DatabaseConnection) throws {
        try db.execute(completionBinaryIDsSQL)
        try ConsoleRollups.installBlobIDTriggers(db)
    }

    /// Migration `0049-event-device-ids-as-blobs` (issue 15, bytes written per pushed event):
    /// `device_events.device_id` is stored as a 16-byte blob, as the table's other UUIDs are since 0046,
    /// and still references its device: through `devices.bin_id`, the device's ID in that form.
    ///
    /// `device_id` is in every row and in `UNIQUE(device_id, device_seq)`, the table's largest index:
    /// about 40 bytes of a pushed event's row and index entry. A blob never equals the text
    /// `devices(id)` holds, so `devices` gets `bin_id` (`kid(id)`, written by every device insert, with
    /// a UNIQUE index, which a foreign key's parent column needs) and `device_id` references it; a
    /// device row without `bin_id` gets no events. Both columns are `ANY` with 0045's CHECK (text, or a
    /// blob of exactly 16 bytes): an ID that is not a canonical UUID stays text in both, and still
    /// matches. The store SQL binds `device_id` through `kid(?)`, reads it through `ktext(device_id)`,
    /// and joins a device by `d.bin_id = e.device_id`. The table is rebuilt as 0046 rebuilt it: every
    /// row, `seq` values and `sqlite_sequence` position, `UNIQUE(device_id, device_seq)`, the outcome
    /// CHECK, both indexes with their expressions and WHERE.
    static let eventDeviceIDsSQL = """
        ALTER TABLE devices ADD COLUMN bin_id ANY
          CHECK(bin_id IS NULL OR typeof(bin_id) = 'text' OR typeof(bin_id) = 'blob' AND length(bin_id) = 16);
        UPDATE devices SET bin_id = kid(id);
        CREATE UNIQUE INDEX devices_bin ON devices(bin_id);
        CREATE TABLE device_events_new(
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          device_id ANY NOT NULL
            CHECK(typeof(device_id) = 'text' OR typeof(device_id) = 'blob' AND length(device_id) = 16)
            REFERENCES devices(bin_id),
          device_seq INTEGER NOT NULL,
          event_id ANY NOT NULL
            CHECK(typeof(event_id) = 'text' OR typeof(event_id) = 'blob' AND length(event_id) = 16),
          original INTEGER NOT NULL, type TEXT NOT NULL,
          item_id ANY NOT NULL
            CHECK(typeof(item_id) = 'text' OR typeof(item_id) = 'blob' AND length(item_id) = 16),
          body TEXT NOT NULL, received_at INTEGER NOT NULL, recorded_at INTEGER NOT NULL,
          clock_skew_ms INTEGER NOT NULL,
          outcome TEXT NOT NULL CHECK(outcome = 'accepted' OR outcome = 'rejected' OR outcome = 'duplicate'),
          code TEXT, detail TEXT,
          completion_id ANY
            CHECK(completion_id IS NULL OR typeof(completion_id) = 'text' OR typeof(completion_id) = 'blob'
              AND length(completion_id) = 16),
          completion_rev INTEGER, conflict_ids TEXT NOT NULL DEFAULT '[]', base_version INTEGER,
          UNIQUE(device_id, device_seq)) STRICT;
        INSERT INTO device_events_new(seq, device_id, device_seq, event_id, original, type, item_id, body,
            received_at, recorded_at, clock_skew_ms, outcome, code, detail, completion_id, completion_rev,
            conflict_ids, base_version)
          SELECT seq, kid(device_id), device_seq, event_id, original, type, item_id, body, received_at,
            recorded_at, clock_skew_ms, outcome, code, detail, completion_id, completion_rev, conflict_ids,
            base_version FROM device_events ORDER BY seq;
        DELETE FROM sqlite_sequence WHERE name = 'device_events_new';
        INSERT INTO sqlite_sequence(name, seq)
          SELECT 'device_events_new', seq FROM sqlite_sequence WHERE name = 'device_events';
        DROP TABLE device_events;
        ALTER TABLE device_events_new RENAME TO device_events;
        CREATE UNIQUE INDEX device_events_event ON device_events(event_id, (CASE WHEN original = 1 THEN 0 ELSE seq END));
        CREATE INDEX device_events_completion ON device_events(completion_id, seq)
          WHERE completion_id IS NOT NULL AND type <> 'complete';
        """

    static func eventDeviceIDs(_ db: any DatabaseConnection) throws {
        try db.execute(eventDeviceIDsSQL)
    }

    /// Migration `0050-worker-filter-via-devices` (issue 15, bytes written per pushed event): drops
    /// `completions_user`. Its only reader was the completions lists' worker filter, which now finds a
    /// worker's completions from the worker's devices' `complete` events (``CompletionFilter/workerSQL``):
    /// one index entry fewer per pushed completion, about 90 bytes written with the WAL's share.
    static func dropCompletionsUserIndex(_ db: any DatabaseConnection) throws {
        try db.execute("DROP INDEX IF EXISTS completions_user")
    }
}
