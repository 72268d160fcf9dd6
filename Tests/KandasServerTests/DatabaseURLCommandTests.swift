import Foundation
import KandasTestSupport
import Testing

/// `--database-url` / `KANDAS_DATABASE_URL`: every way it can be wrong stops with exit 1 and a
/// message that names the server but never the password.
@Suite(.serialized) struct DatabaseURLCommandTests {
    private static let secret = "Pa55-word-never-shown"

    private func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kandas-dburl-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try ServerProcess.run(arguments + ["--data", dir], environment: environment)
    }

    @Test(arguments: [
        "mysql://kandas:\(secret)@127.0.0.1/kandas", "postgresql://kandas:\(secret)@127.0.0.1:99999/kandas",
        "postgresql://kandas:\(secret)@127.0.0.1/kandas?sslmode=sometimes",
        "postgresql://kandas:\(secret)%zz@127.0.0.1/kandas",
    ])
    func malformedURL_exits1_withoutThePassword(url: String) throws {
        let (status, output) = try run(["migrate", "--database-url", url])
        #expect(status == 1)
        #expect(output.contains("invalid --database-url"))
        #expect(!output.contains(Self.secret))
    }

    @Test(arguments: ["serve", "migrate", "seed-demo", "verify"])
    func unreachableServer_exits1_namingTheServerButNotThePassword(command: String) throws {
        let port = try Loopback.freePort()
        let url = "postgresql://kandas:\(Self.secret)@127.0.0.1:\(port)/kandas?connect_timeout=2"
        let (status, output) = try run([command], environment: ["KANDAS_DATABASE_URL": url])
        #expect(status == 1)
        #expect(output.contains("cannot open the PostgreSQL store at postgresql://kandas:***@127.0.0.1:\(port)/kandas"))
        #expect(!output.contains(Self.secret))
    }

    @Test func backupOnPostgres_pointsToPgDumpAndExits1() throws {
        let url = "postgresql://kandas:\(Self.secret)@127.0.0.1:5432/kandas"
        let (status, output) = try run(["backup", "--to", "/tmp/never.sqlite", "--database-url", url])
        #expect(status == 1)
        #expect(output.contains("pg_dump"))
        #expect(output.contains("pg_basebackup"))
        #expect(!output.contains(Self.secret))
    }

    @Test func reachableServer_migratesAndVerifies_namingTheStoreWithoutThePassword() throws {
        let cluster = try PostgresCluster.shared()
        let database = try cluster.createDatabase()
        defer { cluster.dropDatabase(database) }
        // Trust authentication ignores the password; it must still never be printed.
        var url = database
        url.password = Self.secret
        let text = url.redacted.replacingOccurrences(of: "***", with: Self.secret)
        let (status, output) = try run(["migrate", "--database-url", text])
        #expect(status == 0, "\(output)")
        #expect(output.contains("store ready at postgresql://kandas:***@127.0.0.1:\(cluster.port)/"))
        #expect(!output.contains(Self.secret))
        let (verified, report) = try run(["verify", "--database-url", text])
        #expect(verified == 0, "\(report)")
        #expect(report.contains("up to date"))
        #expect(report.contains("no problems"))
    }
}
