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

    /// Removes the folder (call in a `defer`).
    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
