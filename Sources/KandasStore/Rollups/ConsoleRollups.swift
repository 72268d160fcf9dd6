/// The console's counters (issue 20): what the dashboard's trends and the map's totals would
/// otherwise count by reading every completion and file on each visit, kept up to date by
/// triggers in the same transaction as the write that changes them, on both engines; a push adds
/// the counters of the completions it inserts itself, once per batch (``PushCounts``).
///
/// `console_counts` holds one number per (region, centre, metric, bucket); a viewer's scope and
/// the page's region / centre filter apply to its `region_id` / `career_centre_id` exactly as to
/// completions and conflicts (``AccessScope/records(alias:)``). `console_family_counts` holds each
/// family's active completions (the map's settlements). Metrics:
///
/// | metric | bucket | n |
/// |---|---|---|
/// | `received` | week of `received_at` | completions received (any state) |
/// | `verified` | week of `verified_at` | files verified |
/// | `backlog` | week | files entering the backlog (declared) minus files leaving it (verified) in the week: the backlog at the end of week `w` is the sum up to `w` |
/// | `pending` | day of `declared_at` | files waiting now (declared or receiving, of an active completion) |
/// | `conflicts` | week | conflicts detected minus conflicts resolved in the week |
/// | `active:<review_state>` | 0 | active completions in the review state |
/// | `located` | 0 | active completions with a recorded location |
/// | `incomplete` | 0 | active completions with evidence missing (`missing_bits <> 0`) |
///
/// A file of a voided completion that is still waiting, and a corrupt or expired file, never
/// counted in the backlog; a verified file counts from the week it was declared to the week it
/// was verified. Weeks start on Monday 00:00 and days at 00:00 Almaty time (UTC+5): the week of
/// instant `t` is `(t + weekShift) / week`, its day `(t + dayShift) / day` (integer division; times are
/// positive milliseconds). Counters are sums, never rewritten from a read, so concurrent writers
/// only add to them.
public enum ConsoleRollups {
    public static let day: Int64 = 86_400_000
    public static let week: Int64 = 7 * 86_400_000
    /// Almaty's offset from UTC (+05:00, no daylight saving).
    public static let dayShift: Int64 = 5 * 3_600_000
    /// Day 0 (1970-01-01) was a Thursday: shifted by 3 days, week 0 starts on Monday 1969-12-29.
    public static let weekShift: Int64 = dayShift + 3 * day

    /// The tables the triggers fill: a store copy replaces what the target's triggers computed
    /// while its base tables were copied with the source's rows.
    public static let tables = ["console_counts", "console_family_counts"]

    static func weekOf(_ column: String) -> String { "(\(column) + \(weekShift)) / \(week)" }
    static func dayOf(_ column: String) -> String { "(\(column) + \(dayShift)) / \(day)" }

    static let upsert =
        " ON CONFLICT(region_id, career_centre_id, metric, bucket) DO UPDATE SET n = console_counts.n + excluded.n"

    /// Adds `sign` for each row the `select` (region, centre, metric, bucket, n) yields.
    static func add(_ select: String) -> String {
        "INSERT INTO console_counts(region_id, career_centre_id, metric, bucket, n) " + select + upsert
    }

    /// How the counters read a completion's location, missing evidence, family, region and centre: JSON
    /// text and a family column until migration 0040 (``asOf0023``, what 0023 installed and counted),
    /// numbers since (``asOf0040``), the family read from the item since 0041 (``asOf0041``, and
    /// PostgreSQL's today), the region, centre and item as 16-byte blobs since SQLite's 0047 (``current``).
    public struct CompletionColumns: Sendable {
        /// "Has a location" on completion row `r`.
        let located: @Sendable (String) -> String
        /// "Evidence missing" on completion row `r`.
        let incomplete: @Sendable (String) -> String
        /// The family of completion row `r`.
        let family: @Sendable (String) -> String
        /// The columns whose change the update trigger watches for those two.
        let watched: [String]
        /// The text of an ID column of a completion row (`c.region_id`), as `console_counts` keeps it.
        var text: @Sendable (String) -> String = { $0 }

        /// Migration 0023's columns: `location` and `evidence_missing`, JSON text.
        public static let asOf0023 = CompletionColumns(
            located: { "\($0).location IS NOT NULL" }, incomplete: { "\($0).evidence_missing <> '[]'" },
            family: { "\($0).family_id" }, watched: ["location", "evidence_missing"])

        /// Migration 0040's: `loc_latitude` is set with every location, `missing_bits` is 0 when complete.
        public static let asOf0040 = CompletionColumns(
            located: { "\($0).loc_latitude IS NOT NULL" }, incomplete: { "\($0).missing_bits <> 0" },
            family: { "\($0).family_id" }, watched: ["loc_latitude", "missing_bits"])

        /// Migration 0041's: a completion's family is its item's (the column is gone).
        public static let asOf0041 = CompletionColumns(
            located: { "\($0).loc_latitude IS NOT NULL" }, incomplete: { "\($0).missing_bits <> 0" },
            family: { "(SELECT ci.family_id FROM plan_items ci WHERE ci.id = \($0).item_id)" },
            watched: ["loc_latitude", "missing_bits"])

        /// SQLite's 0047 (`0047-completion-ids-as-blobs`): `item_id`, `region_id` and `career_centre_id`
        /// are 16-byte blobs. The item is found by its `plan_items.bin_id` (the same blob), the region and
        /// centre are written to `console_counts` as their text through ``uuidText(_:)``: plain SQL, since
        /// a trigger (a schema object) may not call `ktext`, which the `sqlite3` shell does not have.
        public static let current = CompletionColumns(
            located: { "\($0).loc_latitude IS NOT NULL" }, incomplete: { "\($0).missing_bits <> 0" },
            family: { "(SELECT ci.family_id FROM plan_items ci WHERE ci.bin_id = \($0).item_id)" },
            watched: ["loc_latitude", "missing_bits"], text: { uuidText($0) })

        /// The columns of `db`'s engine today: PostgreSQL keeps text IDs (its 0047 twin is empty).
        public static func forEngine(_ dialect: any SQLDialect) -> CompletionColumns {
            dialect.name == .postgresql ? .asOf0041 : .current
        }
    }

    /// The canonical lowercase text of `value` when it is a blob (every blob ID column holds 16 bytes:
    /// its CHECK), else `value`: what `ktext(value)` answers, in SQL that any SQLite (the `sqlite3` shell
    /// too) runs, so a trigger may use it. SQLite only.
    public static func uuidText(_ value: String) -> String {
        let hex = "hex(\(value))"
        let parts = [(1, 8), (9, 4), (13, 4), (17, 4), (21, 12)].map { "substr(\(hex), \($0.0), \($0.1))" }
        return
            "CASE WHEN typeof(\(value)) = 'blob' THEN lower(\(parts.joined(separator: " || '-' || "))) ELSE \(value) END"
    }

    /// What an active completion `r` (`NEW` or `OLD`) counts: its review state, its location, its family.
    static func activeCompletion(_ r: String, _ sign: Int, _ columns: CompletionColumns) -> [String] {
        let ids = "\(columns.text("\(r).region_id")), \(columns.text("\(r).career_centre_id"))"
        return [
            add(
                "SELECT \(ids), 'active:' || \(r).review_state, 0, \(sign)"
                    + " WHERE \(r).state = 'active'"),
            add(
                "SELECT \(ids), 'located', 0, \(sign)"
                    + " WHERE \(r).state = 'active' AND \(columns.located(r))"),
            add(
                "SELECT \(ids), 'incomplete', 0, \(sign)"
                    + " WHERE \(r).state = 'active' AND \(columns.incomplete(r))"),
            "INSERT INTO console_family_counts(family_id, active) SELECT \(columns.family(r)), \(sign)"
                + " WHERE \(r).state = 'active' ON CONFLICT(family_id) DO UPDATE"
                + " SET active = console_family_counts.active + excluded.active",
        ]
    }

    /// What the waiting files of completion `r` count while it is active (voiding takes them out);
    /// read only when the completion's state changed.
    static func waitingFiles(_ r: String, _ sign: Int, _ columns: CompletionColumns) -> [String] {
        let ids = "\(columns.text("\(r).region_id")), \(columns.text("\(r).career_centre_id"))"
        let files =
            " FROM attachments a WHERE a.completion_id = \(r).id AND a.state IN ('declared','receiving')"
            + " AND \(r).state = 'active' AND OLD.state <> NEW.state GROUP BY 4"
        return [
            add(
                "SELECT \(ids), 'backlog', \(weekOf("a.declared_at")), \(sign) * count(*)"
                    + files),
            add(
                "SELECT \(ids), 'pending', \(dayOf("a.declared_at")), \(sign) * count(*)"
                    + files),
        ]
    }

    /// What file `r` counts, under its completion's region and centre.
    static func file(_ r: String, _ sign: Int, _ columns: CompletionColumns = .asOf0023) -> [String] {
        let ids = "\(columns.text("c.region_id")), \(columns.text("c.career_centre_id"))"
        let c = " FROM completions c WHERE c.id = \(r).completion_id"
        let waiting = "\(r).state IN ('declared','receiving') AND c.state = 'active'"
        let verified = "\(r).state = 'verified' AND \(r).verified_at IS NOT NULL"
        return [
            add(
                "SELECT \(ids), 'backlog', \(weekOf("\(r).declared_at")), \(sign)" + c
                    + " AND ((\(waiting)) OR (\(verified)))"),
            add(
                "SELECT \(ids), 'pending', \(dayOf("\(r).declared_at")), \(sign)" + c
                    + " AND \(waiting)"),
            add(
                "SELECT \(ids), 'backlog', \(weekOf("\(r).verified_at")), \(-sign)" + c
                    + " AND \(verified)"),
            add(
                "SELECT \(ids), 'verified', \(weekOf("\(r).verified_at")), \(sign)" + c
                    + " AND \(verified)"),
        ]
    }

    /// What conflict `r` counts: open from the week it was detected to the week it was resolved.
    static func conflict(_ r: String, _ sign: Int) -> [String] {
        [
            add(
                "SELECT \(r).region_id, \(r).career_centre_id, 'conflicts', \(weekOf("\(r).detected_at")), \(sign) WHERE 1 = 1"
            ),
            add(
                "SELECT \(r).region_id, \(r).career_centre_id, 'conflicts', \(weekOf("\(r).resolved_at")), \(-sign)"
                    + " WHERE \(r).resolved_at IS NOT NULL"),
        ]
    }

    struct Trigger {
        var name: String
        var table: String
        /// `INSERT` or `UPDATE OF a, b`.
        var event: String
        /// Columns whose change fires an update trigger (none for an insert).
        var changed: [String]
        var statements: [String]
    }

    /// The two triggers on `completions`, reading its location and missing evidence from `columns`.
    static func completionTriggers(_ columns: CompletionColumns) -> [Trigger] {
        let changed = ["state", "review_state"] + columns.watched
        return [
            Trigger(
                name: "console_counts_completion_insert", table: "completions", event: "INSERT", changed: [],
                statements: [
                    add(
                        "SELECT NEW.region_id, NEW.career_centre_id, 'received', \(weekOf("NEW.received_at")), 1 WHERE 1 = 1"
                    )
                ] + activeCompletion("NEW", 1, columns)),
            Trigger(
                name: "console_counts_completion_update", table: "completions",
                event: "UPDATE OF " + changed.joined(separator: ", "), changed: changed,
                statements: activeCompletion("OLD", -1, columns) + activeCompletion("NEW", 1, columns)
                    + waitingFiles("OLD", -1, columns) + waitingFiles("NEW", 1, columns)),
        ]
    }

    /// The triggers migration 0023 installed (completions as JSON text, ``CompletionColumns/asOf0023``).
    static let triggers: [Trigger] =
        completionTriggers(.asOf0023) + fileTriggers(.asOf0023) + [
            Trigger(
                name: "console_counts_conflict_insert", table: "conflicts", event: "INSERT", changed: [],
                statements: conflict("NEW", 1)),
            Trigger(
                name: "console_counts_conflict_update", table: "conflicts", event: "UPDATE OF detected_at, resolved_at",
                changed: ["detected_at", "resolved_at"], statements: conflict("OLD", -1) + conflict("NEW", 1)),
        ]

    /// The two triggers on `attachments`, reading their completion's region and centre from `columns`.
    static func fileTriggers(_ columns: CompletionColumns) -> [Trigger] {
        [
            Trigger(
                name: "console_counts_file_insert", table: "attachments", event: "INSERT", changed: [],
                statements: file("NEW", 1, columns)),
            Trigger(
                name: "console_counts_file_update", table: "attachments",
                event: "UPDATE OF state, verified_at, declared_at",
                changed: ["state", "verified_at", "declared_at"],
                statements: file("OLD", -1, columns) + file("NEW", 1, columns)),
        ]
    }

    /// SQLite's 0047 (``CompletionColumns/current``): the triggers that read a completion's region,
    /// centre or item, created again on the blob columns (the migration dropped them with the old
    /// table, or before it, since renaming a table parses every trigger). The counters they add are
    /// the same rows as before: text IDs.
    public static func installBlobIDTriggers(_ db: any DatabaseConnection) throws {
        for t in completionTriggers(.current) + fileTriggers(.current)
        where t.name != "console_counts_completion_insert" {
            try install(t, db, trigger: true)
        }
    }

    /// Migration 0040's first half on either engine (issue 15): the update trigger on `completions`
    /// goes, since a column it names is about to be dropped (SQLite refuses the drop, PostgreSQL the
    /// trigger's column list would); ``installCompletionTriggers(_:)`` puts it back on the new columns.
    public static func dropCompletionUpdateTrigger(_ db: any DatabaseConnection) throws {
        let postgres = db.dialect.name == .postgresql
        try db.execute("DROP TRIGGER console_counts_completion_update\(postgres ? " ON completions" : "");")
    }

    /// Migrations 0040 and 0041, second half: the completion triggers read `columns`.
    /// SQLite's update trigger is created again (it has no insert trigger since 0031); PostgreSQL's
    /// two functions are replaced (its insert trigger, with 0030's condition, stays) and its update
    /// trigger created again.
    public static func installCompletionTriggers(_ db: any DatabaseConnection, _ columns: CompletionColumns) throws {
        for t in completionTriggers(columns) {
            if db.dialect.name == .postgresql {
                try install(t, db, trigger: t.name != "console_counts_completion_insert")
            } else if t.name != "console_counts_completion_insert" {
                try install(t, db, trigger: true)
            }
        }
    }

    /// Creates trigger `t` (on PostgreSQL, creates or replaces its function; the trigger too unless `trigger` is false).
    static func install(_ t: Trigger, _ db: any DatabaseConnection, trigger: Bool) throws {
        if db.dialect.name == .postgresql {
            let when =
                t.changed.isEmpty
                ? ""
                : " WHEN (" + t.changed.map { "OLD.\($0) IS DISTINCT FROM NEW.\($0)" }.joined(separator: " OR ")
                    + ")"
            try db.execute(
                """
                CREATE OR REPLACE FUNCTION \(t.name)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                \(t.statements.joined(separator: ";\n"));
                RETURN NULL;
                END $$;
                """)
            guard trigger else { return }
            try db.execute(
                """
                CREATE TRIGGER \(t.name) AFTER \(t.event) ON \(t.table) FOR EACH ROW\(when)
                  EXECUTE FUNCTION \(t.name)();
                """)
        } else {
            let when =
                t.changed.isEmpty
                ? "" : " WHEN " + t.changed.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
            try db.execute(
                """
                CREATE TRIGGER \(t.name) AFTER \(t.event) ON \(t.table) FOR EACH ROW\(when)
                BEGIN
                \(t.statements.joined(separator: ";\n"));
                END;
                """)
        }
    }

    /// The session setting under which a push counts its new completions itself (PostgreSQL, migration
    /// `0030-console-counts-by-push`): `console_counts_completion_insert` fires only while it is not
    /// `on`. A push sets it for its own transaction (`SET LOCAL`) and adds its completions' counters
    /// with ``PushCounts/write(_:)`` before it commits.
    public static let pushCountsSetting = "kandas.push_counts"

    /// 0030 on PostgreSQL: the completion insert trigger skips the rows of a push that counts them
    /// itself. A batch of 500 completions of one item, centre and week upserted the same four
    /// counter rows 500 times in one transaction: each upsert followed a chain of versions no one
    /// could prune before the commit (about 80 µs of PostgreSQL's time per pushed event, measured with
    /// `kandas-bench pg --profile`); one upsert per counter and batch does the same sums. SQLite
    /// followed in 0031 (``sqliteDropCompletionInsertTrigger(_:)``).
    public static let postgresPushCountsTrigger = """
        DROP TRIGGER console_counts_completion_insert ON completions;
        CREATE TRIGGER console_counts_completion_insert AFTER INSERT ON completions FOR EACH ROW
          WHEN (current_setting('\(pushCountsSetting)', true) IS DISTINCT FROM 'on')
          EXECUTE FUNCTION console_counts_completion_insert();
        """

    /// 0031 on SQLite (issue 15): no completion insert trigger; a push, the one writer of
    /// `completions` rows on SQLite, adds its completions' counters itself (``PushCounts``), once
    /// per counter and batch. The trigger's five upserts per pushed completion were the smaller
    /// cost: an insert into a table with any trigger runs in a statement journal (an immediate
    /// foreign key may abort it after the trigger wrote), which copied every page the insert touched,
    /// about 4 µs per completion. Whatever else inserts completions on SQLite (the console
    /// benchmark's bulk rows, a repair by hand) counts them with ``recount(_:)``. PostgreSQL keeps
    /// its trigger for such writers (0030: it skips a push's rows).
    public static func sqliteDropCompletionInsertTrigger(_ db: any DatabaseConnection) throws {
        try db.execute("DROP TRIGGER console_counts_completion_insert;")
    }

    /// The counters of the completions one push inserted, added in one statement per counter (see
    /// ``postgresPushCountsTrigger`` and ``sqliteDropCompletionInsertTrigger(_:)``): exactly what
    /// `console_counts_completion_insert` adds for each of them. A rolled-back event takes its
    /// completion's counts back out.
    public final class PushCounts {
        struct Key: Hashable {
            var region: String
            var centre: String
            var metric: String
            var bucket: Int64
        }
        /// Counts by key, each in a slot an event keeps (a slot is an array index: no hashing to add).
        struct Tally<K: Hashable> {
            private var slots: [K: Int] = [:]
            private(set) var keys: [K] = []
            private(set) var values: [Int64] = []

            /// The slot of `key`, made (at zero) when it is new.
            mutating func slot(_ key: K) -> Int {
                if let i = slots[key] { return i }
                slots[key] = keys.count
                keys.append(key)
                values.append(0)
                return keys.count - 1
            }

            mutating func add(_ n: Int64, at slot: Int) { values[slot] += n }

            /// The keys with a count other than zero, and their counts, in `order`.
            func nonZero(by order: (K, K) -> Bool) -> [(key: K, n: Int64)] {
                keys.indices.sorted { order(keys[$0], keys[$1]) }.compactMap {
                    values[$0] == 0 ? nil : (keys[$0], values[$0])
                }
            }

            mutating func removeAll() {
                slots.removeAll(keepingCapacity: true)
                keys.removeAll(keepingCapacity: true)
                values.removeAll(keepingCapacity: true)
            }
        }
        private var counters = Tally<Key>()
        private var families = Tally<String>()
        /// The slots of the last completion's region, centre and week (and family): a push's
        /// completions mostly share them, and hashing two IDs per counter and event into
        /// dictionaries was about a fifteenth of a push's server CPU.
        private var last: (region: String, centre: String, bucket: Int64, received: Int, active: Int)?
        private var lastLocated = -1
        private var lastIncomplete = -1
        private var lastFamily: (name: String, slot: Int)?
        /// What the current event counted: its counter slots (-1 for none) and family slot.
        private var event: [(received: Int, active: Int, located: Int, incomplete: Int, family: Int)] = []

        public init() {}

        /// Starts the push's counting on `db`: its completion inserts are counted here and written by
        /// ``write(_:)`` (the insert trigger skips them on PostgreSQL, 0030; SQLite has none, 0031).
        public static func start(_ db: any DatabaseConnection) throws -> PushCounts {
            if db.dialect.name == .postgresql {
                // A statement of the transaction, so the write trace (and a replay of it) has it too;
                // deferred (no round trip of its own), still ahead of the completion inserts it governs.
                try db.runDeferred("SET LOCAL \(pushCountsSetting) = 'on'")
            }
            return PushCounts()
        }

        /// A completion inserted `active` with the default review state (`pending`).
        public func inserted(
            region: String, centre: String, family: String, receivedAt: Int64, located: Bool, incomplete: Bool
        ) {
            let bucket = (receivedAt + weekShift) / week
            let group: (region: String, centre: String, bucket: Int64, received: Int, active: Int)
            if let last, last.bucket == bucket, last.region == region, last.centre == centre {
                group = last
            } else {
                if last?.region != region || last?.centre != centre {
                    lastLocated = -1
                    lastIncomplete = -1
                }
                group = (
                    region, centre, bucket,
                    counters.slot(Key(region: region, centre: centre, metric: "received", bucket: bucket)),
                    counters.slot(Key(region: region, centre: centre, metric: "active:pending", bucket: 0))
                )
                last = group
            }
            var counted = (received: group.received, active: group.active, located: -1, incomplete: -1, family: 0)
            if located {
                if lastLocated < 0 {
                    lastLocated = counters.slot(Key(region: region, centre: centre, metric: "located", bucket: 0))
                }
                counted.located = lastLocated
            }
            if incomplete {
                if lastIncomplete < 0 {
                    lastIncomplete = counters.slot(Key(region: region, centre: centre, metric: "incomplete", bucket: 0))
                }
                counted.incomplete = lastIncomplete
            }
            if let lastFamily, lastFamily.name == family {
                counted.family = lastFamily.slot
            } else {
                counted.family = families.slot(family)
                lastFamily = (family, counted.family)
            }
            add(counted, 1)
            event.append(counted)
        }

        /// An event starts: what it counts is its own until the next one.
        public func beginEvent() { event.removeAll(keepingCapacity: true) }

        /// The event's writes were rolled back to its savepoint.
        public func rollBackEvent() {
            for counted in event { add(counted, -1) }
            event.removeAll(keepingCapacity: true)
        }

        private func add(
            _ counted: (received: Int, active: Int, located: Int, incomplete: Int, family: Int), _ n: Int64
        ) {
            counters.add(n, at: counted.received)
            counters.add(n, at: counted.active)
            if counted.located >= 0 { counters.add(n, at: counted.located) }
            if counted.incomplete >= 0 { counters.add(n, at: counted.incomplete) }
            families.add(n, at: counted.family)
        }

        /// Adds the counts (deferred writes: a failure fails the push) and starts again from zero.
        public func write(_ db: any DatabaseConnection) throws {
            // In key order, so two pushes' batch writes lock the rows they share in one order. (Triggers
            // fired mid-batch by voids, amends and attachments still lock counter rows in event order;
            // a deadlock between two pushes is re-run by the transaction's retry.)
            for (key, n) in counters.nonZero(by: {
                ($0.metric, $0.region, $0.centre, $0.bucket) < ($1.metric, $1.region, $1.centre, $1.bucket)
            }) {
                try db.runDeferred(
                    ConsoleRollups.add("VALUES(?, ?, ?, ?, ?)"), key.region, key.centre, key.metric, key.bucket, n)
            }
            for (family, n) in families.nonZero(by: <) {
                try db.runDeferred(
                    "INSERT INTO console_family_counts(family_id, active) VALUES(?, ?) ON CONFLICT(family_id)"
                        + " DO UPDATE SET active = console_family_counts.active + excluded.active", family, n)
            }
            counters.removeAll()
            families.removeAll()
            last = nil
            lastLocated = -1
            lastIncomplete = -1
            lastFamily = nil
            event.removeAll(keepingCapacity: true)
        }
    }

    /// Migration `0023-console-counts` on either engine: the tables, the triggers, and the counters
    /// of the rows already stored.
    public static func migrate(_ db: any DatabaseConnection) throws {
        let postgres = db.dialect.name == .postgresql
        let integer = postgres ? "bigint" : "INTEGER"
        let text = postgres ? "text" : "TEXT"
        let tail = postgres ? ";" : " WITHOUT ROWID, STRICT;"
        try db.execute(
            """
            CREATE TABLE console_counts(
              region_id \(text) NOT NULL, career_centre_id \(text) NOT NULL, metric \(text) NOT NULL,
              bucket \(integer) NOT NULL, n \(integer) NOT NULL,
              PRIMARY KEY(metric, region_id, career_centre_id, bucket))\(tail)
            CREATE TABLE console_family_counts(family_id \(text) PRIMARY KEY, active \(integer) NOT NULL)\(tail)
            """)
        for t in triggers { try install(t, db, trigger: true) }
        try recount(db, .asOf0023)
    }

    /// Counts every counter again from the stored rows (the migration's backfill; tests compare it
    /// with what the triggers kept), reading completions from `columns` (the current ones unless a
    /// migration from before 0040 counts).
    public static func recount(_ db: any DatabaseConnection, _ columns: CompletionColumns? = nil) throws {
        let columns = columns ?? .forEngine(db.dialect)
        let ids = "\(columns.text("c.region_id")), \(columns.text("c.career_centre_id"))"
        try db.execute("DELETE FROM console_counts")
        try db.execute("DELETE FROM console_family_counts")
        let waiting = "a.state IN ('declared','receiving') AND c.state = 'active'"
        let verified = "a.state = 'verified' AND a.verified_at IS NOT NULL"
        let files = " FROM attachments a JOIN completions c ON c.id = a.completion_id WHERE "
        for select in [
            "SELECT \(ids), 'received', \(weekOf("c.received_at")), count(*)"
                + " FROM completions c WHERE 1 = 1 GROUP BY 1, 2, 3, 4",
            "SELECT \(ids), 'active:' || c.review_state, 0, count(*)"
                + " FROM completions c WHERE c.state = 'active' GROUP BY 1, 2, 3, 4",
            "SELECT \(ids), 'located', 0, count(*)"
                + " FROM completions c WHERE c.state = 'active' AND \(columns.located("c")) GROUP BY 1, 2, 3, 4",
            "SELECT \(ids), 'incomplete', 0, count(*)"
                + " FROM completions c WHERE c.state = 'active' AND \(columns.incomplete("c")) GROUP BY 1, 2, 3, 4",
            "SELECT \(ids), 'backlog', \(weekOf("a.declared_at")), count(*)" + files
                + "(\(waiting)) OR (\(verified)) GROUP BY 1, 2, 3, 4",
            "SELECT \(ids), 'pending', \(dayOf("a.declared_at")), count(*)" + files + waiting
                + " GROUP BY 1, 2, 3, 4",
            "SELECT \(ids), 'backlog', \(weekOf("a.verified_at")), -count(*)" + files
                + verified
                + " GROUP BY 1, 2, 3, 4",
            "SELECT \(ids), 'verified', \(weekOf("a.verified_at")), count(*)" + files
                + verified
                + " GROUP BY 1, 2, 3, 4",
            "SELECT k.region_id, k.career_centre_id, 'conflicts', \(weekOf("k.detected_at")), count(*)"
                + " FROM conflicts k WHERE 1 = 1 GROUP BY 1, 2, 3, 4",
            "SELECT k.region_id, k.career_centre_id, 'conflicts', \(weekOf("k.resolved_at")), -count(*)"
                + " FROM conflicts k WHERE k.resolved_at IS NOT NULL GROUP BY 1, 2, 3, 4",
        ] {
            try db.execute(add(select))
        }
        _ = try db.run(
            "INSERT INTO console_family_counts(family_id, active) SELECT \(columns.family("c")) AS family_id,"
                + " count(*) FROM completions c WHERE c.state = 'active' GROUP BY 1", [])
    }
}
