/// The engines the store knows how to speak to.
public enum DialectName: String, Sendable, Hashable {
    case sqlite
    case postgresql
}

/// Everything whose SQL *text* differs between engines, in one place per engine.
///
/// Store SQL is written once in the subset both engines accept (`?` placeholders, `COALESCE`,
/// `CASE`, `EXISTS`, `ON CONFLICT(…) DO UPDATE SET c = excluded.c` and `… DO NOTHING`,
/// `RETURNING`, integer milliseconds for times, `YYYY-MM-DD` text for calendar dates, 0/1
/// integers for booleans). Where that is not enough, the query asks its connection's dialect for
/// the fragment. Every argument is an identifier or expression the store wrote, never input.
public protocol SQLDialect: Sendable {
    var name: DialectName { get }

    /// `sql` with its `?` placeholders as this engine wants them (`$1`, `$2`, … for PostgreSQL),
    /// skipping quoted text. SQLite returns `sql` unchanged.
    func numberPlaceholders(_ sql: String) -> String

    /// The creation-order column of a table alias, used by keyset pagination and "newest first":
    /// SQLite's `rowid`; PostgreSQL schemas give each paged table a
    /// `rowid bigint GENERATED ALWAYS AS IDENTITY` column, so both spell it `alias.rowid`.
    func rowID(_ alias: String) -> String

    /// The larger of two expressions (SQLite's two-argument `max`, PostgreSQL's `GREATEST`).
    func greatest(_ a: String, _ b: String) -> String

    /// The smaller of two expressions (SQLite's two-argument `min`, PostgreSQL's `LEAST`).
    func least(_ a: String, _ b: String) -> String

    /// A row source of the text values in a JSON array bound to one parameter, with one column
    /// named `value` (SQLite `json_each(?)`; PostgreSQL `jsonb_array_elements_text(?::jsonb)`).
    /// `IN (SELECT value FROM …)` takes a whole ID list as one bound value.
    func jsonTextArrayElements(parameter: String) -> String

    /// The text at `key` of a JSON object held in a text column.
    func jsonText(_ column: String, key: String) -> String

    /// A `YYYY-MM-DD` calendar date, `days` days after the date expression `date`.
    func addDays(_ date: String, _ days: String) -> String

    /// The `YYYY-MM-DD` calendar date of an integer-milliseconds expression at a fixed UTC offset
    /// (Asia/Almaty is UTC+5 all year).
    func calendarDate(ofMilliseconds expression: String, utcOffsetHours: Int) -> String

    /// `condition`, with a hint that it holds for about `probability` of the rows (SQLite's
    /// `likelihood()`, which its planner needs without STAT4; PostgreSQL plans from statistics and
    /// gets the bare condition).
    func likely(_ condition: String, probability: Double) -> String

    /// `LIKE` without regard to ASCII case (SQLite's `LIKE` already ignores it; PostgreSQL `ILIKE`).
    var caseInsensitiveLike: String { get }

    /// The statement that shows how `sql` will run, for index guards in tests (`nil` when the
    /// engine has no such thing the tests read).
    func explain(_ sql: String) -> String?

    /// A query of one row with one column `seq`: the last value the auto-numbered `column` of
    /// `table` handed out (SQLite's `sqlite_sequence`, which also remembers deleted rows;
    /// PostgreSQL's committed `max(column)`, which other writers may pass at any moment: there
    /// numbers come from ``sequenceValuesQuery(table:column:)``). `NULL` or no row for an empty table.
    func lastAssignedQuery(table: String, column: String) -> String

    /// A query of as many rows as its one `?` parameter says, with one column `seq`: fresh values of `table.column`'s own
    /// sequence, taken now and never handed out again, for writers that run concurrently
    /// (PostgreSQL). nil where the write transaction runs alone and numbers rows itself after
    /// ``lastAssignedQuery(table:column:)`` (SQLite).
    func sequenceValuesQuery(table: String, column: String) -> String?

    /// The first provisional `changes.seq` on an engine that numbers the change feed at commit
    /// (PostgreSQL, see `PostgresEngine`): in a write transaction the rows at or above it are its
    /// own, not yet numbered. nil where the `seq` taken at INSERT is final (SQLite).
    var provisionalFeedSeq: Int64? { get }

    /// Like ``forUpdate``, locking only the rows of the table aliased `alias` in a join
    /// (PostgreSQL ` FOR UPDATE OF alias`; empty on SQLite).
    func forUpdate(of alias: String) -> String

    /// Row locks for the rows a `SELECT` reads, held to the end of the write transaction
    /// (PostgreSQL ` FOR UPDATE`; empty on SQLite, whose write transaction locks the whole file).
    var forUpdate: String { get }

    /// `a` equals `b`, with NULL equal to NULL (SQLite's `IS`, PostgreSQL's `IS NOT DISTINCT FROM`).
    func isSame(_ a: String, _ b: String) -> String
}

/// SQLite's SQL (3.35 or newer: `RETURNING`, `ON CONFLICT … DO UPDATE`).
public struct SQLiteDialect: SQLDialect {
    public init() {}

    public var name: DialectName { .sqlite }

    public func numberPlaceholders(_ sql: String) -> String { sql }

    public func rowID(_ alias: String) -> String { alias.isEmpty ? "rowid" : alias + ".rowid" }

    public func greatest(_ a: String, _ b: String) -> String { "max(\(a), \(b))" }

    public func least(_ a: String, _ b: String) -> String { "min(\(a), \(b))" }

    public func jsonTextArrayElements(parameter: String) -> String { "json_each(\(parameter))" }

    public func jsonText(_ column: String, key: String) -> String { "json_extract(\(column), '$.\(key)')" }

    public func addDays(_ date: String, _ days: String) -> String { "date(\(date), (\(days)) || ' days')" }

    public func calendarDate(ofMilliseconds expression: String, utcOffsetHours: Int) -> String {
        "date((\(expression)) / 1000, 'unixepoch', '\(utcOffsetHours >= 0 ? "+" : "")\(utcOffsetHours) hours')"
    }

    public func likely(_ condition: String, probability: Double) -> String {
        "likelihood(\(condition), \(probability))"
    }

    public var caseInsensitiveLike: String { "LIKE" }

    public func explain(_ sql: String) -> String? { "EXPLAIN QUERY PLAN " + sql }

    public func lastAssignedQuery(table: String, column: String) -> String {
        "SELECT seq FROM sqlite_sequence WHERE name = '\(table)'"
    }

    public func sequenceValuesQuery(table: String, column: String) -> String? { nil }

    public var provisionalFeedSeq: Int64? { nil }

    public var forUpdate: String { "" }

    public func forUpdate(of alias: String) -> String { "" }

    public func isSame(_ a: String, _ b: String) -> String { "\(a) IS \(b)" }
}

/// Rewrites `?` placeholders to `$1`, `$2`, … outside quoted text and comments: for engines that
/// number their parameters (PostgreSQL). `?NNN` (SQLite's numbered form) keeps its number.
public func numberedPlaceholders(_ sql: String, prefix: String = "$") -> String {
    var out = ""
    out.reserveCapacity(sql.utf8.count + 16)
    var next = 1
    var quote: Character?
    var iterator = Array(sql)
    var index = 0
    while index < iterator.count {
        let c = iterator[index]
        if let q = quote {
            out.append(c)
            if c == q { quote = nil }
        } else if c == "'" || c == "\"" {
            quote = c
            out.append(c)
        } else if c == "-", index + 1 < iterator.count, iterator[index + 1] == "-" {
            while index < iterator.count, iterator[index] != "\n" {
                out.append(iterator[index])
                index += 1
            }
            continue
        } else if c == "?" {
            var digits = ""
            while index + 1 < iterator.count, let d = iterator[index + 1].wholeNumberValue, d >= 0 {
                digits.append(iterator[index + 1])
                index += 1
            }
            if let number = Int(digits) {
                out += prefix + String(number)
                next = max(next, number + 1)
            } else {
                out += prefix + String(next)
                next += 1
            }
        } else {
            out.append(c)
        }
        index += 1
    }
    iterator.removeAll()
    return out
}
