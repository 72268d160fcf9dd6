import KandasStore
import PostgresKit

extension ServerCommand {
    /// Checks `--database-url` / `KANDAS_DATABASE_URL` for `command` before anything else runs.
    ///
    /// A malformed URL, an unreachable or refusing server, and `backup` on PostgreSQL stop with
    /// exit 1 and a message that names the server but never the password. A reachable server is
    /// used by the command (``KandasApp`` opens ``PostgresEngine`` instead of SQLite).
    ///
    /// - Throws: ``CommandError`` (exit 1) when the URL is wrong, the server cannot be reached, or
    ///   the command is `backup`.
    static func checkDatabaseURL(_ config: ServerConfig, command: String) throws(CommandError) {
        guard let text = config.databaseURL else { return }
        let url: PostgresURL
        do {
            url = try PostgresURL(text)
        } catch {
            throw .failure("invalid --database-url: \(error.message)")
        }
        if command == "backup" {
            throw .failure("\(PostgresEngine.backupAdvice) (store: \(url.redacted))")
        }
        do {
            let engine = try PostgresEngine(url: url, connections: 1)
            engine.close()
        } catch {
            throw .failure("cannot open the PostgreSQL store at \(url.redacted): \(error.message)")
        }
    }

    /// `verify` on PostgreSQL: the schema's migrations against this build's (none missing, none
    /// unknown), then every blob against the verified attachments, as on SQLite. Table-level
    /// integrity is PostgreSQL's own business (`amcheck`, checksums); it is not repeated here.
    ///
    /// - Returns: the exit status (1 when a problem was found).
    static func verifyPostgres(_ config: ServerConfig) throws -> Int32 {
        let url = try PostgresURL(config.databaseURL ?? "")
        let engine: PostgresEngine
        do {
            engine = try PostgresEngine(url: url, connections: 1)
        } catch {
            throw CommandError.failure("cannot open the PostgreSQL store at \(url.redacted): \(error.message)")
        }
        defer { engine.close() }
        let known = PostgresSchema.migrations.map(\.name)
        let applied: [String]
        do {
            applied = try OpsStore.appliedMigrations(engine)
        } catch {
            throw CommandError.failure("no store at \(url.redacted) (run migrate first)")
        }
        var problems: [String] = []
        for name in known where !applied.contains(name) { problems.append("schema: migration \(name) not applied") }
        for name in applied where !known.contains(name) {
            problems.append("schema: migration \(name) is unknown to this build (a newer build wrote the store)")
        }
        let blobs = try KandasApp.openBlobStore(config.blobStore, config: config)
        let report = try BlobVerifier.run(expected: try OpsStore.verifiedBlobSizes(engine), blobs: blobs)
        for problem in problems { print(problem) }
        print("schema: \(applied.count) migrations applied, \(problems.isEmpty ? "up to date" : "NOT up to date")")
        print(report.text)
        return problems.isEmpty && report.problems.isEmpty ? 0 : 1
    }
}
