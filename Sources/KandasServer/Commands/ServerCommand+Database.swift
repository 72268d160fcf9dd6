import KandasStore
import PostgresKit

extension ServerCommand {
    /// Checks `--database-url` / `KANDAS_DATABASE_URL` for `command` before anything else runs.
    ///
    /// A malformed URL, an unreachable or refusing server, and `backup` on PostgreSQL stop with
    /// exit 1 and a message that names the server but never the password. Serving from PostgreSQL
    /// needs every server query behind the store's engine interface (issue 11, in progress); until
    /// then a reachable URL is refused with a message saying so, instead of silently using SQLite.
    ///
    /// - Throws: ``CommandError`` (exit 1) in every case when a URL is set.
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
        throw .failure(
            "\(command) on PostgreSQL (\(url.redacted)) is not available in this build yet: the server's queries are "
                + "still moving behind the store's engine interface; run without --database-url (SQLite in --data)")
    }
}
