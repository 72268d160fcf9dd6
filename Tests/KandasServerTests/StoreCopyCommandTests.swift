import Foundation
import KandasTestSupport
import Testing

/// `kandas-server store copy`: SQLite to PostgreSQL and back, without losing a row.
@Suite(.serialized) struct StoreCopyCommandTests {
    @Test func seededStore_copiesToPostgresAndBack_withEveryRowAndTheSameDigests() throws {
        let originalFolder = TemporaryFolder(prefix: "kandas-copy")
        let restoredFolder = TemporaryFolder(prefix: "kandas-copy")
        defer {
            originalFolder.remove()
            restoredFolder.remove()
        }
        let original = originalFolder.path
        let restored = restoredFolder.path
        let (seeded, seedOutput) = try ServerProcess.run([
            "seed-demo", "--data", original, "--password", "test-password-1", "--password-iterations", "1000",
        ])
        try #require(seeded == 0, "\(seedOutput)")
        let cluster = try PostgresCluster.shared()
        let url = try cluster.createDatabase()
        defer { cluster.dropDatabase(url) }
        let target = "postgresql://kandas:copy-secret@127.0.0.1:\(cluster.port)/\(url.database)"

        let (toPostgres, forward) = try ServerProcess.run(["store", "copy", "--from", original, "--to", target])
        #expect(toPostgres == 0, "\(forward)")
        #expect(forward.contains("row counts and digests verified"))
        #expect(!forward.contains("copy-secret"))
        #expect(forward.contains("families: "))

        // A second copy into the same database is refused: the target is no longer empty.
        let (again, refusal) = try ServerProcess.run(["store", "copy", "--from", original, "--to", target])
        #expect(again == 1)
        #expect(refusal.contains("not empty"))

        let (back, backward) = try ServerProcess.run(["store", "copy", "--from", target, "--to", restored])
        #expect(back == 0, "\(backward)")
        let tableLines = { (text: String) in
            text.split(separator: "\n").filter { $0.contains(": ") && $0.contains("digest") }
        }
        #expect(tableLines(forward) == tableLines(backward))
        #expect(
            try ServerProcess.databaseDigest(original + "/kandas.sqlite", excluding: ["schema_migrations"])
                == ServerProcess.databaseDigest(restored + "/kandas.sqlite", excluding: ["schema_migrations"]))
    }

    @Test func copyBetweenTwoFolders_isAUsageError() throws {
        let (status, output) = try ServerProcess.run(["store", "copy", "--from", "/tmp/a", "--to", "/tmp/b"])
        #expect(status == 64)
        #expect(output.contains("between a data folder"))
    }

    @Test func missingSourceStore_exits1() throws {
        let cluster = try PostgresCluster.shared()
        let (status, output) = try ServerProcess.run([
            "store", "copy", "--from", "/nonexistent/kandas-data", "--to",
            "postgresql://kandas@127.0.0.1:\(cluster.port)/postgres",
        ])
        #expect(status == 1)
        #expect(output.contains("no store at /nonexistent/kandas-data/kandas.sqlite"))
    }
}
