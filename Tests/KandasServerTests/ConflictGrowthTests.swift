import Foundation
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

/// Issue 14 finding 3: duplicate completions of a once-only item join one conflict, and each one
/// writes a bounded number of change rows (the conflict row, not every member again).
@Suite(.serialized) struct ConflictGrowthTests {
    /// The mirror a device builds from its pulls: `entity/id` → data (deletes remove the row).
    static func apply(_ changes: [[String: Any]], to mirror: inout [String: String]) {
        for c in changes {
            guard let entity = c["entity"] as? String, entity == "completion" || entity == "conflict",
                let id = c["id"] as? String
            else { continue }
            if c["op"] as? String == "delete" {
                mirror["\(entity)/\(id)"] = nil
            } else {
                mirror["\(entity)/\(id)"] = SyncFixture.json(c["data"] ?? [:])
            }
        }
    }

    @Test func duplicateCompletionsOfAOnceOnlyItem_growTheChangeLogLinearly_andPullsStayTheSame() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let watcher = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 9)
        let db = try Connection(path: s.server.databasePath)
        func count(_ sql: String, _ values: any SQLBindable...) throws -> Int64 {
            try db.queryOne(sql, values)?.int("n") ?? -1
        }
        var mirror: [String: String] = [:]
        Self.apply(try s.pull(watcher).changes, to: &mirror)
        let before = try count("SELECT coalesce(max(seq), 0) AS n FROM changes")
        let batches = 3
        let perBatch = 100
        var rowsPerBatch: [Int64] = []
        for _ in 0..<batches {
            let start = try count("SELECT coalesce(max(seq), 0) AS n FROM changes")
            let events = (0..<perBatch).map { _ in SyncFixture.complete(d, item: item, member: member) }
            let results = try s.results(d, events)
            #expect(results.allSatisfy { $0["outcome"] as? String == "accepted" })
            rowsPerBatch.append(try count("SELECT count(*) AS n FROM changes WHERE seq > ?", start))
            Self.apply(try s.pull(watcher).changes, to: &mirror)
        }
        let n = Int64(batches * perBatch)
        let feed = "SELECT count(*) AS n FROM changes WHERE seq > ? AND entity = ?"
        // One completion row per event, plus the first completion once when the conflict opens.
        #expect(try count(feed, before, FeedCodes.code(.completion)) == n + 1)
        #expect(try count(feed, before, FeedCodes.code(.conflict)) == n - 1)
        #expect(try count(feed, before, FeedCodes.code(.eventOutcome)) == n)
        // Linear: the last batch writes no more rows than the second (quadratic growth wrote ~3x).
        #expect(rowsPerBatch[2] == rowsPerBatch[1], "\(rowsPerBatch)")
        #expect(try count("SELECT count(*) AS n FROM changes WHERE seq > ?", before) <= 4 * n)

        // One open conflict with every completion, which every completion lists; only the first is primary.
        let fresh = try s.enroll("worker111")
        var full: [String: String] = [:]
        Self.apply(try s.pull(fresh).changes, to: &full)
        let conflicts = full.keys.filter { $0.hasPrefix("conflict/") }
        #expect(conflicts.count == 1)
        let conflictID = String(try #require(conflicts.first).dropFirst("conflict/".count))
        let completions = full.filter { $0.key.hasPrefix("completion/") }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.value.utf8)) as? [String: Any]
        }.filter { $0["item_id"] as? String == item }
        #expect(completions.count == Int(n))
        #expect(completions.allSatisfy { ($0["conflict_ids"] as? [String]) == [conflictID] })
        #expect(completions.filter { $0["primary"] as? Bool == true }.count == 1)
        let conflictText = try #require(full["conflict/\(conflictID)"])
        let conflict = try #require(
            try JSONSerialization.jsonObject(with: Data(conflictText.utf8)) as? [String: Any])
        #expect((conflict["event_ids"] as? [String])?.count == Int(n))
        // A device that pulled after every batch holds exactly what a fresh device pulls at the end.
        #expect(mirror == full)
    }
}
