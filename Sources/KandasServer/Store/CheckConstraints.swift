import Foundation
import KandasStore

/// Migration `0032-check-lists-as-comparisons` (issue 15): the CHECK constraints a push evaluates
/// on every row it inserts, written as comparisons instead of `IN` lists. SQLite evaluates a
/// CHECK's `IN` list of three or more values by filling a temporary b-tree with the list for every
/// row it checks (`OpenEphemeral` in the insert's program): about 5 µs of the server's CPU per
/// `completions` and per `device_events` row, a fifth of a pushed event's. The constraints allow
/// exactly the same values as before.
///
/// SQLite cannot alter a constraint, and rebuilding these tables would copy every row; its
/// documented way to change a CHECK that every stored row satisfies (lang_altertable.html, "Making
/// Other Kinds Of Table Schema Changes") is to rewrite the table's SQL in `sqlite_schema` under
/// `writable_schema` and bump `schema_version`, in one transaction: rows and their format stay,
/// `PRAGMA integrity_check` checks the result. PostgreSQL evaluates an `IN` list in place (empty twin).
enum CheckConstraints {
    struct Rewrite {
        var table: String
        var from: String
        var to: String
    }

    /// `column IN ('a','b',…)` as `(column = 'a' OR column = 'b' OR …)`.
    static func comparisons(_ table: String, _ column: String, _ values: [String]) -> Rewrite {
        Rewrite(
            table: table, from: "CHECK(\(column) IN (" + values.map { "'\($0)'" }.joined(separator: ",") + "))",
            to: "CHECK(" + values.map { "\(column) = '\($0)'" }.joined(separator: " OR ") + ")")
    }

    static let rewrites = [
        comparisons("device_events", "outcome", ["accepted", "rejected", "duplicate"]),
        comparisons("completions", "review_state", ["pending", "approved", "has_issues", "rejected"]),
        comparisons("attachments", "state", ["declared", "receiving", "verified", "corrupt", "expired"]),
    ]

    static func migrate(_ db: any DatabaseConnection) throws {
        var changed = false
        for r in rewrites {
            guard
                let sql = try db.queryOne("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", r.table)?
                    .string("sql"), sql.contains(r.from)
            else { continue }
            if !changed { try db.execute("PRAGMA writable_schema = ON") }
            changed = true
            _ = try db.run(
                "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?",
                sql.replacingOccurrences(of: r.from, with: r.to), r.table)
        }
        guard changed else { return }
        let version = try db.queryOne("PRAGMA schema_version")?.int("schema_version") ?? 0
        try db.execute("PRAGMA schema_version = \(version + 1)")
        try db.execute("PRAGMA writable_schema = OFF")
        // The new schema is read again here: a table whose SQL does not parse fails the migration.
        for r in rewrites { _ = try db.query("SELECT * FROM \(r.table) LIMIT 0") }
    }
}
