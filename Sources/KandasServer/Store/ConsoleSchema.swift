import KandasStore

/// Indexes the console's dashboard needs on the sync tables (migration `0006-console`).
///
/// The dashboard counts files verified today and files still pending on every visit; without
/// these partial indexes each count reads every attachment (hundreds of thousands of rows on a
/// region's store). Partial, so they cost nothing for the rows they do not cover.
enum ConsoleSchema {
    static func migrate(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE INDEX attachments_verified_at ON attachments(verified_at) WHERE state = 'verified';
            CREATE INDEX attachments_pending ON attachments(completion_id) WHERE state IN ('declared','receiving');
            CREATE INDEX plan_items_open_due ON plan_items(due_date) WHERE status = 'open';
            """)
    }

    /// Migration `0021-console-charts` (issue 20): the dashboard's weekly trends read completions
    /// by arrival time, a range of the last 12 weeks rather than the whole table.
    static func charts(_ db: any DatabaseConnection) throws {
        try db.execute("CREATE INDEX completions_received ON completions(received_at);")
    }

    /// Migration `0024-device-days` (issue 20 item 3): one row per device and Almaty day with its
    /// last contact and the outbox depth (events) and waiting files it reported in its pushes that
    /// day; the sweeper deletes days older than ``DeviceDayStore/retentionDays``.
    static func deviceDays(_ db: any DatabaseConnection) throws {
        try db.execute(
            """
            CREATE TABLE device_days(
              device_id TEXT NOT NULL, day INTEGER NOT NULL, last_contact INTEGER NOT NULL,
              queue_max INTEGER, queue_last INTEGER, files_max INTEGER,
              PRIMARY KEY(device_id, day)) WITHOUT ROWID, STRICT;
            """)
    }
}
