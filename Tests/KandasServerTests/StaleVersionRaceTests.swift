import Foundation
import KandasTestSupport
import PostgresKit
import Synchronization
import Testing

/// Protocol §1.4 under concurrent writers (PostgreSQL, where writes run at once): two edits sent
/// with the same version through two instances never both pass; one is applied, the other is
/// told its version is stale.
@Suite(.serialized) struct StaleVersionRaceTests {
    @Test func twoEditsWithOneVersionThroughTwoInstances_oneApplies_theOtherGets409() throws {
        let s = try SyncFixture(engine: .postgresql)
        defer { s.server.cleanup() }
        let second = try ServerProcess(sharing: s.server)
        defer { second.cleanup() }
        let list = try s.base.admin.get("/v1/admin/families?limit=1")
        let family = try #require((list.object["items"] as? [[String: Any]])?.first)
        let id = try #require(family["id"] as? String)
        let version = try #require(family["version"] as? Int)
        // An open transaction holds the family's row, so both edits are in flight before either runs.
        let holder = try PostgresConnection(url: try #require(s.server.databaseURL))
        try holder.execute("BEGIN")
        _ = try holder.query("SELECT id FROM families WHERE id = $1 FOR UPDATE", id)
        let clients = [s.base.admin, try second.login("admin")]
        let statuses = Mutex<[Int]>([])
        let edits = (0..<2).map { n in
            let client = clients[n]
            let body = "{\"version\":\(version),\"address\":\"edit \(n)\"}"
            let key = s.base.key()
            return Thread {
                let answer = try? client.json("PATCH", "/v1/admin/families/\(id)", body, idempotencyKey: key)
                statuses.withLock { $0.append(answer?.status ?? -1) }
            }
        }
        for edit in edits { edit.start() }
        let waiting = {
            try holder.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND application_name = 'kandas-server' AND datname = current_database()"
            ).first?.int("n") ?? 0
        }
        var polls = 0
        while try waiting() < 2 && polls < 600 {
            usleep(50_000)
            polls += 1
        }
        #expect(try waiting() == 2, "both edits wait for the family's row")
        try holder.execute("ROLLBACK")
        while edits.contains(where: { !$0.isFinished }) { usleep(10_000) }
        #expect(statuses.withLock { $0.sorted() } == [200, 409])
        let after = try s.base.admin.get("/v1/admin/families/\(id)")
        let stored = (after.object["family"] as? [String: Any]) ?? after.object
        #expect(stored["version"] as? Int == version + 1, "\(after.object)")
    }
}
