/// The one builder for filtered, paginated lists (admin API and console: devices, users,
/// families, plans, completions, conflicts, audit).
///
/// A list starts from a `SELECT … FROM …` the store wrote and the caller's ``ScopeCondition``
/// (required: there is no list without a scope), then ANDs filters. It reads one page in creation
/// order after a keyset position (the API's page tokens), or the first rows in a given order (the
/// console). Column names and fragments are the store's constants, never input; every value is
/// bound, in the order its condition was added.
///
/// ```swift
/// var list = ListQuery(select: "SELECT … FROM devices d JOIN users u ON u.id = d.user_id",
///                      key: "d.rowid", scope: scope.organisation(region: "u.region_id", centre: "u.career_centre_id"))
/// list.equal("d.status", filters["status"])
/// let page = try list.page(db, after: token.rowid, limit: 100)
/// ```
public struct ListQuery: Sendable {
    /// `SELECT <columns> FROM <tables>`; must expose the key as `_rowid` for ``page(_:after:limit:)``.
    public let select: String
    /// The creation-order key (`alias.rowid`), used for keyset pages.
    public let key: String
    public private(set) var conditions: [String]
    public private(set) var values: [DatabaseValue]

    public init(select: String, key: String, scope: ScopeCondition) {
        self.select = select
        self.key = key
        conditions = [scope.sql]
        values = scope.values
    }

    /// ANDs a condition with its values (`?` placeholders, in order).
    public mutating func filter(_ condition: String, _ bound: DatabaseValue...) {
        filter(condition, values: bound)
    }

    /// ANDs a condition with an array of values.
    public mutating func filter(_ condition: String, values bound: [DatabaseValue]) {
        conditions.append(condition)
        values += bound
    }

    /// ANDs another scope (e.g. a family scope on a completions list that is also organisation-scoped).
    public mutating func filter(_ scope: ScopeCondition) {
        filter(scope.sql, values: scope.values)
    }

    /// ANDs `column = value` when `value` is not `nil` (an absent filter means "any").
    public mutating func equal(_ column: String, _ value: (any DatabaseBindable)?) {
        guard let value else { return }
        filter("\(column) = ?", value.databaseValue)
    }

    /// The conditions, ANDed.
    public var whereSQL: String { conditions.joined(separator: " AND ") }

    /// Which way a keyset page walks the key.
    public enum Direction: Sendable {
        /// Creation order (the API's default lists).
        case oldestFirst
        /// Newest first (completions): `after` 0 starts at the newest row.
        case newestFirst
    }

    /// The statement and values of one keyset page: rows past `after` in key order, one more
    /// than `limit` so the caller knows whether another page follows.
    public func pageStatement(
        after: Int64, limit: Int, direction: Direction = .oldestFirst
    ) -> (sql: String, values: [DatabaseValue]) {
        switch direction {
        case .oldestFirst:
            return (
                "\(select) WHERE \(whereSQL) AND \(key) > ? ORDER BY \(key) LIMIT ?",
                values + [.integer(after), .integer(Int64(limit + 1))]
            )
        case .newestFirst:
            return (
                "\(select) WHERE \(whereSQL) AND \(key) < ? ORDER BY \(key) DESC LIMIT ?",
                values + [.integer(after == 0 ? Int64.max : after), .integer(Int64(limit + 1))]
            )
        }
    }

    /// One keyset page: at most `limit` rows, and the key of the last one when more follow.
    public func page(
        _ db: any DatabaseConnection, after: Int64, limit: Int, direction: Direction = .oldestFirst
    ) throws(DatabaseError) -> (rows: [DatabaseRow], nextAfter: Int64?) {
        let (sql, bound) = pageStatement(after: after, limit: limit, direction: direction)
        let rows = try db.query(sql, values: bound)
        guard rows.count > limit else { return (rows, nil) }
        return (Array(rows.prefix(limit)), try rows[limit - 1].int("_rowid"))
    }

    /// The statement and values of the first `limit` rows in `order` (a constant `ORDER BY` list).
    public func orderedStatement(by order: String, limit: Int?) -> (sql: String, values: [DatabaseValue]) {
        var sql = "\(select) WHERE \(whereSQL) ORDER BY \(order)"
        var bound = values
        if let limit {
            sql += " LIMIT ?"
            bound.append(.integer(Int64(limit)))
        }
        return (sql, bound)
    }

    /// The first `limit` rows in `order`.
    public func rows(
        _ db: any DatabaseConnection, orderedBy order: String, limit: Int?
    ) throws(DatabaseError) -> [DatabaseRow] {
        let (sql, bound) = orderedStatement(by: order, limit: limit)
        return try db.query(sql, values: bound)
    }
}
