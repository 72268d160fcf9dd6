import Foundation
import SQLiteKit
import Testing

@testable import KandasServer

/// A SQLite store in a folder of its own: at the current schema (`init()`), or at the schema just
/// before a migration (`init(before:)`: every earlier migration applied, for upgrade tests that fill it
/// the old way and then migrate).
struct ScratchStore {
    let directory: String
    let db: Connection

    /// Every migration applied: the schema this build runs on.
    init() throws {
        directory = NSTemporaryDirectory() + "kandas-scratch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        db = try Connection(path: directory + "/kandas.sqlite")
        try Schema.migrator.migrate(db)
    }

    /// - Parameter prefix: the start of the first migration's name left out (`"0035"`).
    /// - Throws: when no migration's name starts with `prefix` (a test naming a migration that does not exist).
    init(before prefix: String) throws {
        let all = Schema.migrator.migrations
        let first = try #require(all.firstIndex { $0.name.hasPrefix(prefix) }, "no migration \(prefix)")
        directory = NSTemporaryDirectory() + "kandas-old-schema-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        db = try Connection(path: directory + "/kandas.sqlite")
        var old = Migrator()
        for migration in all[..<first] { old.register(migration.name, migration.body) }
        try old.migrate(db)
    }

    /// The `CREATE` statements of `table` (`.table`) and of its indexes and triggers (`.others`, by name)
    /// in a store built up to just before migration `prefix`: what the downgrades of upgrade tests
    /// rebuild a table from.
    static func schema(of table: String, before prefix: String) throws -> (table: String, others: [String]) {
        let old = try ScratchStore(before: prefix)
        defer { old.remove() }
        let rows = try old.db.query(
            "SELECT type, sql FROM sqlite_schema WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type DESC, name",
            [table])
        let create = try #require(rows.first { (try? $0.string("type")) == "table" }, "no table \(table)")
        return (
            try create.string("sql"), try rows.filter { try $0.string("type") != "table" }.map { try $0.string("sql") }
        )
    }

    /// Removes the folder (call in a `defer`).
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
