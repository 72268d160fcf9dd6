/// Migration `0048-feed-rows-compact` on either engine (issue 15, bytes written per pushed event):
/// `changes.entity` and `changes.op` become the integer codes of ``FeedCodes`` and ``FeedOp`` instead of
/// text, and `changes.at` goes.
///
/// A push writes two feed rows per event (its completion's or item's and its `event_outcome`): the text
/// `'event_outcome'`, `'completion'` and `'upsert'` and an 8-byte millisecond time were about 25 bytes of
/// each, and nothing ever read `at` (pull orders by `seq`; no statement selected it). The conversion maps
/// every name the server ever wrote (the nine kinds; `upsert`, `create`, `update`, `publish`, `backfill`,
/// `delete`) with SQL written here, not built from the current enums, so it stays what it was. A store with
/// any other value (edited by hand) is not migrated: the migration fails naming it and changes nothing.
///
/// SQLite rebuilds the table as 0045 did (every row with its `seq`, the `sqlite_sequence` position, the
/// three indexes; `changes_entity`'s WHERE becomes `entity <> 1`, the code of `event_outcome`); PostgreSQL
/// alters the columns in place (`smallint`) and rebuilds `changes_entity` the same way. Rows keep their `seq`,
/// so cursors and PostgreSQL's commit-time numbering (`PostgresEngine.numberFeed`) are unaffected.
public enum FeedRowsCompactMigration {
    public static func migrate(_ db: any DatabaseConnection) throws {
        let unknown = try db.query(
            "SELECT entity, op, count(*) AS n FROM changes WHERE entity NOT IN (\(entityNames))"
                + " OR op NOT IN (\(opNames)) GROUP BY entity, op ORDER BY entity, op", values: [])
        if let first = unknown.first {
            let rows = try unknown.reduce(Int64(0)) { $0 + (try $1.int("n")) }
            throw DatabaseError(
                .constraint,
                "0048: \(rows) feed rows have an entity or op without a code (entity '\(first.optionalString("entity") ?? "")',"
                    + " op '\(first.optionalString("op") ?? "")'); the store is left as it is")
        }
        switch db.dialect.name {
        case .sqlite: try db.execute(sqliteSQL)
        case .postgresql: try db.execute(postgresSQL)
        }
    }

    static let entityNames =
        "'completion', 'event_outcome', 'family', 'member', 'plan', 'plan_item', 'conflict', 'review', 'receipt'"
    static let opNames = "'upsert', 'create', 'update', 'publish', 'backfill', 'delete'"

    static let entityCodes = """
        CASE entity WHEN 'completion' THEN 0 WHEN 'event_outcome' THEN 1 WHEN 'family' THEN 2 WHEN 'member' THEN 3
          WHEN 'plan' THEN 4 WHEN 'plan_item' THEN 5 WHEN 'conflict' THEN 6 WHEN 'review' THEN 7 WHEN 'receipt' THEN 8
          END
        """
    static let opCodes = """
        CASE op WHEN 'upsert' THEN 0 WHEN 'create' THEN 1 WHEN 'update' THEN 2 WHEN 'publish' THEN 3
          WHEN 'backfill' THEN 4 WHEN 'delete' THEN 5 END
        """

    /// SQLite: the table of 0045 without `at`, its `entity` and `op` `INTEGER`.
    public static let sqliteSQL = """
        CREATE TABLE changes_new(
          seq INTEGER PRIMARY KEY AUTOINCREMENT, entity INTEGER NOT NULL,
          entity_id ANY NOT NULL
            CHECK(typeof(entity_id) = 'text' OR typeof(entity_id) = 'blob' AND length(entity_id) = 16),
          family_id ANY NOT NULL
            CHECK(typeof(family_id) = 'text' OR typeof(family_id) = 'blob' AND length(family_id) = 16),
          op INTEGER NOT NULL,
          device_id ANY
            CHECK(device_id IS NULL OR typeof(device_id) = 'text' OR typeof(device_id) = 'blob'
              AND length(device_id) = 16)) STRICT;
        INSERT INTO changes_new(seq, entity, entity_id, family_id, op, device_id)
          SELECT seq, \(entityCodes), entity_id, family_id, \(opCodes), device_id FROM changes ORDER BY seq;
        DELETE FROM sqlite_sequence WHERE name = 'changes_new';
        INSERT INTO sqlite_sequence(name, seq) SELECT 'changes_new', seq FROM sqlite_sequence WHERE name = 'changes';
        DROP TABLE changes;
        ALTER TABLE changes_new RENAME TO changes;
        CREATE INDEX changes_family ON changes(family_id, seq) WHERE device_id IS NULL;
        CREATE INDEX changes_entity ON changes(entity_id, seq) WHERE entity <> 1;
        CREATE INDEX changes_device ON changes(device_id, seq) WHERE device_id IS NOT NULL;
        """

    /// PostgreSQL: the columns altered in place (one rewrite); the partial index named `entity` goes first.
    public static let postgresSQL = """
        DROP INDEX changes_entity;
        ALTER TABLE changes ALTER COLUMN entity TYPE smallint USING \(entityCodes),
          ALTER COLUMN op TYPE smallint USING \(opCodes), DROP COLUMN at;
        CREATE INDEX changes_entity ON changes(entity_id, seq) WHERE entity <> 1;
        """
}
