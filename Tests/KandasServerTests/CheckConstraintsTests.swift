import Foundation
import KandasStore
import SQLiteKit
import Testing

@testable import KandasServer

/// Migration 0032: the CHECK constraints of the rows a push inserts are comparisons, not `IN`
/// lists, so no insert fills a temporary b-tree per row; they refuse exactly what they did.
@Suite struct CheckConstraintsTests {
    /// The inserts of a push: its event rows, its completions and their files.
    static let pushInserts = [
        PushHandler.insertSQL, EventApplier.insertCompletionSQL,
        "INSERT INTO attachments(id, completion_id, device_id, position, kind, content_type, size, sha256,"
            + " captured_at, source, state, received_bytes, declared_at) VALUES(?,?,?,?,?,?,?,?,?,?,'declared',0,?)",
    ]

    static func opcodes(_ db: Connection, _ sql: String) throws -> [String] {
        let nulls = [DatabaseValue](repeating: .null, count: sql.filter { $0 == "?" }.count)
        return try SQLiteConnectionAdapter(db).query("EXPLAIN " + sql, values: nulls).map { try $0.string("opcode") }
    }

    @Test func pushInserts_buildNoTemporaryTable_andTheChecksStillRefuseOtherValues() throws {
        let s = try SyncSchemaTests.OldStore()
        try Schema.migrator.migrate(s.db)
        for sql in Self.pushInserts {
            #expect(!(try Self.opcodes(s.db, sql)).contains("OpenEphemeral"), "\(sql)")
        }
        let db = SQLiteConnectionAdapter(s.db)
        let id = try #require(try db.queryOne("SELECT id FROM completions LIMIT 1")?.string("id"))
        #expect(throws: (any Error).self) {
            try db.run("UPDATE completions SET review_state = 'lost' WHERE id = ?", id)
        }
        #expect(try db.run("UPDATE completions SET review_state = 'has_issues' WHERE id = ?", id) == 1)
        for (table, text) in [
            ("device_events", "CHECK(outcome = 'accepted' OR outcome = 'rejected' OR outcome = 'duplicate')"),
            ("completions", "review_state = 'has_issues' OR review_state = 'rejected')"),
            ("attachments", "state = 'corrupt' OR state = 'expired')"),
        ] {
            let sql = try db.queryOne("SELECT sql FROM sqlite_schema WHERE name = ?", table)?.string("sql")
            #expect(sql?.contains(text) == true, "\(table): \(sql ?? "")")
        }
    }

    @Test func upgradeTo0032_keepsEveryRow_andPassesTheIntegrityCheck() throws {
        let s = try SyncSchemaTests.OldStore(before: "0032-check-lists-as-comparisons")
        let db = SQLiteConnectionAdapter(s.db)
        // The columns every later migration keeps (0038 drops plan_id and created_at; 0047 stores item_id as a blob).
        let kept =
            "SELECT id, ktext(item_id) AS item_id, state, review_state, performed_at, received_at FROM completions ORDER BY rowid"
        let before = try db.query(kept).map(\.values)
        #expect(before.count == 200)
        // A completion insert with the columns every schema has (a push's names 0040's columns; the
        // NOT NULL columns it leaves out before 0041 do not matter to the program's CHECKs).
        let insert =
            "INSERT INTO completions(id, item_id, region_id, career_centre_id, service_code,"
            + " user_id, state, rev, is_primary, performed_at, recorded_at, received_at, clock_skew_ms,"
            + " note, event_seq, updated_at) VALUES(?,?,?,?,?,?,'active',1,?,?,?,?,?,?,?,?)"
        #expect(try Self.opcodes(s.db, insert).contains("OpenEphemeral"))
        #expect(try Schema.migrator.migrate(s.db).first == "0032-check-lists-as-comparisons")
        #expect(try db.query(kept).map(\.values) == before)
        #expect(!(try Self.opcodes(s.db, insert)).contains("OpenEphemeral"))
        #expect(!(try Self.opcodes(s.db, EventApplier.insertCompletionSQL)).contains("OpenEphemeral"))
        #expect(try db.queryOne("PRAGMA integrity_check")?.string("integrity_check") == "ok")
        // A second connection reads the new schema too.
        let other = try Connection(path: s.directory + "/kandas.sqlite")
        #expect(!(try Self.opcodes(other, PushHandler.insertSQL)).contains("OpenEphemeral"))
    }
}
