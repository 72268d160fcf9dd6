/// The tables and columns of a store as its engine's catalog describes them: the one place
/// where `store copy` asks each engine about its schema.
enum StoreCatalog {
    struct Table {
        var name: String
        /// Copyable columns: every stored column plus the creation-order `rowid` where the table
        /// has one that is not its integer primary key (never a column the engine computes).
        var columns: [String]
        /// Identity columns whose sequence must move past the copied values (PostgreSQL).
        var identities: [String] = []
    }

    /// Columns that hold UUIDs as 16-byte blobs on SQLite and as text on PostgreSQL (SQLite's
    /// `0045-feed-ids-as-blobs`, `0046-event-ids-as-blobs`, `0047-completion-ids-as-blobs` and
    /// `0049-event-device-ids-as-blobs`), by table: the copy reads them through `ktext` and writes them
    /// through `kid`, so each engine stores its own form and both digests see the text. A table whose IDs
    /// become blobs adds its columns here in the migration's commit.
    static let binaryIDColumns: [String: Set<String>] = [
        "changes": ["device_id", "entity_id", "family_id"],
        "completions": ["career_centre_id", "item_id", "region_id", "user_id"],
        "device_events": ["completion_id", "device_id", "event_id", "item_id"],
        "devices": ["bin_id"],
        "plan_items": ["bin_id"],
    ]

    /// `columns` of `table` for a SELECT: quoted, UUID columns as their text (``binaryIDColumns``).
    static func selectList(_ table: String, _ columns: [String]) -> String {
        let binary = binaryIDColumns[table] ?? []
        return columns.map {
            binary.contains($0)
                ? "ktext(\(StoreCopier.quoted($0))) AS \(StoreCopier.quoted($0))" : StoreCopier.quoted($0)
        }.joined(separator: ", ")
    }

    /// Placeholders for an INSERT of `columns` of `table`: UUID columns through `kid`, in the target's form.
    static func valuesList(_ table: String, _ columns: [String]) -> String {
        let binary = binaryIDColumns[table] ?? []
        return columns.map { binary.contains($0) ? "kid(?)" : "?" }.joined(separator: ", ")
    }

    static func tables(_ db: any DatabaseConnection) throws -> [Table] {
        switch db.dialect.name {
        case .sqlite:
            let rows = try db.query(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                    + "AND name <> 'schema_migrations' ORDER BY name")
            return try rows.map { row in
                let name = try row.string("name")
                let info = try db.query("SELECT name, type, pk FROM pragma_table_info(?)", name)
                var columns = try info.map { try $0.string("name") }
                let keys = info.filter { ($0.optionalInt("pk") ?? 0) > 0 }
                let integerKey = keys.count == 1 && (keys[0].optionalString("type") ?? "").uppercased() == "INTEGER"
                let hasRowID = !(row.optionalString("sql") ?? "").uppercased().contains("WITHOUT ROWID")
                if hasRowID && !integerKey { columns.append("rowid") }
                return Table(name: name, columns: columns)
            }
        case .postgresql:
            let rows = try db.query(
                "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() "
                    + "AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name")
            return try rows.map { row in
                let name = try row.string("name")
                let info = try db.query(
                    "SELECT column_name AS name, is_identity FROM information_schema.columns "
                        + "WHERE table_schema = current_schema() AND table_name = ? AND is_generated = 'NEVER' "
                        + "ORDER BY ordinal_position", name)
                return Table(
                    name: name, columns: try info.map { try $0.string("name") },
                    identities: try info.filter { $0.optionalString("is_identity") == "YES" }.map {
                        try $0.string("name")
                    })
            }
        }
    }

    /// `tables` in their order, each moved after the tables its foreign keys reference (a cycle keeps
    /// the rest in order): the copy inserts parents first, so the triggers that read a row's parent
    /// (the console counters read a completion's family from its item) find it.
    static func parentsFirst(_ tables: [Table], on db: any DatabaseConnection) throws -> [Table] {
        let names = Set(tables.map(\.name))
        var parents: [String: Set<String>] = [:]
        for table in tables {
            let rows =
                switch db.dialect.name {
                case .sqlite:
                    try db.query("SELECT DISTINCT \"table\" AS parent FROM pragma_foreign_key_list(?)", table.name)
                case .postgresql:
                    try db.query(
                        "SELECT DISTINCT confrelid::regclass::text AS parent FROM pg_constraint"
                            + " WHERE contype = 'f' AND conrelid = to_regclass(?)", StoreCopier.quoted(table.name))
                }
            parents[table.name] = Set(try rows.map { try $0.string("parent") }).intersection(names)
                .subtracting([table.name])
        }
        var placed: Set<String> = []
        var ordered: [Table] = []
        var rest = tables
        while !rest.isEmpty {
            let next = rest.firstIndex { parents[$0.name, default: []].isSubset(of: placed) } ?? 0
            placed.insert(rest[next].name)
            ordered.append(rest.remove(at: next))
        }
        return ordered
    }

    /// Lets the copy insert child rows before their parents; checked again at COMMIT.
    static func deferForeignKeys(_ dialect: any SQLDialect) -> String {
        switch dialect.name {
        case .sqlite: "PRAGMA defer_foreign_keys = ON"
        case .postgresql: "SET CONSTRAINTS ALL DEFERRED"
        }
    }

    /// Moves identity sequences past the copied values, so the next insert does not collide.
    static func afterCopy(_ table: Table, on db: any DatabaseConnection) throws {
        guard db.dialect.name == .postgresql else { return }
        for column in table.identities {
            _ = try db.queryOne(
                "SELECT setval(pg_get_serial_sequence(?, ?), (SELECT COALESCE(max(\(StoreCopier.quoted(column))), 0) + 1 "
                    + "FROM \(StoreCopier.quoted(table.name))), false)", StoreCopier.quoted(table.name), column)
        }
    }
}
