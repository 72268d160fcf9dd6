/// PostgreSQL's SQL (15 or newer), for the store's shared queries.
///
/// Store schemas on PostgreSQL give each paged table a `rowid bigint GENERATED ALWAYS AS
/// IDENTITY` column, keep booleans as 0/1 `bigint` and times as integer milliseconds, as on SQLite,
/// so the shared SQL reads the same values on both engines.
public struct PostgreSQLDialect: SQLDialect {
    public init() {}

    public var name: DialectName { .postgresql }

    public func numberPlaceholders(_ sql: String) -> String { numberedPlaceholders(sql) }

    public func rowID(_ alias: String) -> String { alias.isEmpty ? "rowid" : alias + ".rowid" }

    public func greatest(_ a: String, _ b: String) -> String { "GREATEST(\(a), \(b))" }

    public func least(_ a: String, _ b: String) -> String { "LEAST(\(a), \(b))" }

    public func jsonTextArrayElements(parameter: String) -> String {
        "jsonb_array_elements_text(CAST(\(parameter) AS jsonb))"
    }

    public func jsonText(_ column: String, key: String) -> String { "(CAST(\(column) AS jsonb) ->> '\(key)')" }

    public func addDays(_ date: String, _ days: String) -> String {
        "to_char(CAST(\(date) AS date) + CAST(\(days) AS integer), 'YYYY-MM-DD')"
    }

    public func calendarDate(ofMilliseconds expression: String, utcOffsetHours: Int) -> String {
        // to_timestamp gives a timestamptz; its UTC wall clock plus the fixed offset is the local date.
        "to_char((to_timestamp((\(expression)) / 1000.0) AT TIME ZONE 'UTC') + interval '\(utcOffsetHours) hours', "
            + "'YYYY-MM-DD')"
    }

    public func likely(_ condition: String, probability: Double) -> String { condition }

    public var caseInsensitiveLike: String { "ILIKE" }

    /// PostgreSQL's plans are read by no test: the index guards read SQLite's `EXPLAIN QUERY PLAN`.
    public func explain(_ sql: String) -> String? { nil }

    public func lastAssignedQuery(table: String, column: String) -> String {
        "SELECT max(\(column)) AS seq FROM \(table)"
    }

    public func sequenceValuesQuery(table: String, column: String) -> String? {
        "SELECT nextval(pg_get_serial_sequence('\(table)', '\(column)')) AS seq FROM generate_series(1, CAST(? AS bigint))"
    }

    public var provisionalFeedSeq: Int64? { 1 << 62 }

    public var forUpdate: String { " FOR UPDATE" }

    public func forUpdate(of alias: String) -> String { " FOR UPDATE OF \(alias)" }

    public func isSame(_ a: String, _ b: String) -> String { "\(a) IS NOT DISTINCT FROM \(b)" }
}
