import Foundation
import KandasStore
import PostgresKit
import SQLiteKit

extension ServerCommand {
    /// `store copy --from DATA_DIR --to postgresql://...` (or the reverse): every table of one store
    /// into a new, empty store of the other engine, verified by row counts and digests.
    ///
    /// - Throws: ``CommandError``: 64 for missing or same-kind arguments, 1 for a store that cannot
    ///   be opened, a non-empty target, different schemas or a copy that does not verify.
    static func storeCopy(_ arguments: [String], _ environment: [String: String]) throws -> String {
        guard arguments.first == "copy" else {
            throw CommandError.usage(
                "usage: store copy --from DATA_DIR|postgresql://... --to postgresql://...|DATA_DIR")
        }
        let (_, extras) = try configure(Array(arguments.dropFirst()), environment, extra: ["--from", "--to"])
        guard let from = extras["--from"], let to = extras["--to"] else {
            throw CommandError.usage("store copy needs --from and --to (a data folder and a postgresql:// URL)")
        }
        let fromPostgres = isDatabaseURL(from)
        guard fromPostgres != isDatabaseURL(to) else {
            throw CommandError.usage("store copy goes between a data folder (SQLite) and a postgresql:// URL")
        }
        let source = try open(from, create: false)
        defer { source.close() }
        let target = try open(to, create: true)
        defer { target.close() }
        let report: StoreCopier.Report
        do {
            report = try StoreCopier.copy(from: source, to: target)
        } catch let error as DatabaseError {
            throw CommandError.failure("store copy refused: \(error.message)")
        }
        var lines = report.tables.map { "\($0.name): \($0.rows) rows, digest \($0.digest)" }
        lines.append(
            "copied \(report.rows) rows in \(report.tables.count) tables from \(describe(from)) to \(describe(to)); "
                + "row counts and digests verified")
        return lines.joined(separator: "\n")
    }

    private static func isDatabaseURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    private static func describe(_ location: String) -> String {
        guard isDatabaseURL(location), let url = try? PostgresURL(location) else { return location }
        return url.redacted
    }

    /// Opens (migrating) a store: PostgreSQL for a URL, SQLite in a data folder otherwise.
    private static func open(_ location: String, create: Bool) throws -> any DatabaseEngine {
        if isDatabaseURL(location) {
            let url: PostgresURL
            do { url = try PostgresURL(location) } catch {
                throw CommandError.failure("invalid database URL: \(error.message)")
            }
            do {
                return try PostgresEngine(url: url, connections: 1, migrations: PostgresSchema.migrations)
            } catch {
                throw CommandError.failure("cannot open the PostgreSQL store at \(url.redacted): \(error.message)")
            }
        }
        let path = location + "/kandas.sqlite"
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw CommandError.failure("no store at \(path)")
        }
        do {
            try FileManager.default.createDirectory(atPath: location, withIntermediateDirectories: true)
            return SQLiteEngine(pool: try DatabasePool(path: path, readers: 1, migrator: Schema.migrator))
        } catch {
            throw CommandError.failure("cannot open the store at \(path): \(error)")
        }
    }
}
