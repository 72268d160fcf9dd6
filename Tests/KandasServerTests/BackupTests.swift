import Foundation
import KandasTestSupport
import SQLiteKit
import Testing

/// `kandas-server backup --to FILE` while writes run: the copy is consistent (integrity check,
/// and every family in it has its members and its audit entry).
struct BackupTests {
    @Test func backupWhileWriting_restoresToAConsistentStore() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let destination = f.server.dataDirectory + "/backup.sqlite"
        let writer = Thread.detachNewWriter(f)
        // Let some writes land, then back up while they continue.
        while writer.count < 5 { usleep(10_000) }
        let (status, output) = try ServerProcess.run(["backup", "--data", f.server.dataDirectory, "--to", destination])
        writer.stop()
        #expect(status == 0, "\(output)")
        #expect(output.contains("integrity ok"))
        let copy = try Connection(path: destination, options: .init(readOnly: true, journalMode: nil))
        #expect(try copy.integrityCheck().isEmpty)
        let families = try copy.queryOne("SELECT count(*) AS n FROM families")?.int("n") ?? 0
        #expect(families >= 20)
        let orphans = try copy.queryOne(
            "SELECT count(*) AS n FROM families f WHERE NOT EXISTS(SELECT 1 FROM members m WHERE m.family_id = f.id)")?
            .int("n")
        #expect(orphans == 0)
        let unaudited = try copy.queryOne(
            "SELECT count(*) AS n FROM career_centres c WHERE c.created_at > 0 AND c.name LIKE 'Load %'"
                + " AND NOT EXISTS(SELECT 1 FROM audit_log a WHERE a.entity_id = c.id)")?.int("n")
        #expect(unaudited == 0)
        #expect(try copy.queryOne("PRAGMA foreign_key_check") == nil)
        // The server still serves after the backup and the copy opens as a store of its own.
        #expect(try f.server.client.get("/readyz").status == 200)
        let again = try ServerProcess.run(["backup", "--data", f.server.dataDirectory, "--to", destination])
        #expect(again.0 == 1, "a backup never overwrites")
    }
}

/// Creates career centres through the API on a background thread until stopped.
final class LoadWriter: @unchecked Sendable {
    // @unchecked: `state` is only touched under `lock`.
    private let lock = NSLock()
    private var running = true
    private var done = 0
    private let finished = DispatchSemaphore(value: 0)

    var count: Int { lock.withLock { done } }

    func run(_ f: Fixture) {
        var n = 0
        while lock.withLock({ running }) {
            n += 1
            let r = try? f.admin.json(
                "POST", "/v1/admin/career-centres", "{\"region_id\":\"\(f.seed.regions[0])\",\"name\":\"Load \(n)\"}",
                idempotencyKey: "load-\(n)")
            if r?.status == 201 { lock.withLock { done += 1 } }
        }
        finished.signal()
    }

    func stop() {
        lock.withLock { running = false }
        finished.wait()
    }
}

extension Thread {
    static func detachNewWriter(_ f: Fixture) -> LoadWriter {
        let writer = LoadWriter()
        Thread.detachNewThread { writer.run(f) }
        return writer
    }
}
