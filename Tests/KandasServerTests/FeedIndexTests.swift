import Foundation
import KandasStore
import SQLiteKit
import Testing

@testable import KandasServer

/// The change feed's indexes after `0025-changes-family-partial` (issue 15, bytes written per event).
@Suite struct FeedIndexTests {
    @Test func familyIndex_coversOnlyFamilyRows_andPullStillReadsBothIndexes() throws {
        let directory = NSTemporaryDirectory() + "kandas-feed-index-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = try Connection(path: directory + "/kandas.sqlite")
        _ = try Schema.migrator.migrate(db)
        let store = SQLiteConnectionAdapter(db)
        let sql = try #require(
            try store.queryOne("SELECT sql FROM sqlite_schema WHERE name = 'changes_family'")?.string("sql"))
        #expect(sql.contains("WHERE device_id IS NULL"))
        let plan = try store.query(
            "EXPLAIN QUERY PLAN " + SyncFeed.entriesSQL(SQLiteDialect()),
            values: [.integer(0), .integer(100), .text("u"), .text("d"), .integer(10)]
        ).map { try $0.string("detail") }
        #expect(plan.contains { $0.contains("USING INDEX changes_family (family_id=? AND seq>? AND seq<?)") })
        #expect(plan.contains { $0.contains("USING INDEX changes_device (device_id=? AND seq>? AND seq<?)") })
        #expect(plan.contains { $0.contains("USING INDEX changes_entity") })
        #expect(!plan.contains { $0.contains("SCAN c") })
    }
}
