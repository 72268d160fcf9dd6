/// A dense, commit-ordered position counter for a change feed on PostgreSQL.
///
/// A `bigserial` is taken at INSERT, but transactions commit in another order: a reader that has
/// seen position 2 moves its cursor past 1, which commits a moment later and is never read. Here
/// positions come from a one-row counter updated as the *last statement before COMMIT*
/// (`UPDATE ... SET seq = seq + n RETURNING ...`, run from a `beforeCommit` hook). The row lock
/// it takes is held until the commit, so a second writer waits there and takes its positions
/// after the first has committed: positions are gap-free and in commit order, and a reader
/// whose snapshot shows position n also shows every position below n. PostgreSQL makes a
/// transaction visible before it releases its locks, so the waiting writer cannot become
/// visible first.
///
/// Related notes: `reference/scale-out.md` ("A change feed that never skips a row").
public struct PostgresFeedCounter: Sendable {
    /// The counter table (a constant identifier, never input).
    public static let table = "feed_heads"
    /// Which feed (one row each).
    public let name: String

    public init(name: String) { self.name = name }

    /// Creates the counter table and this feed's row (starting at 0) if missing.
    public func install(on db: PostgresConnection) throws(PostgresError) {
        try db.execute(
            "CREATE TABLE IF NOT EXISTS \(Self.table)(name text PRIMARY KEY, seq bigint NOT NULL CHECK (seq >= 0))")
        try db.run("INSERT INTO \(Self.table)(name, seq) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING", name)
    }

    /// Takes the next `count` positions now and holds the counter's row lock until the transaction ends.
    ///
    /// Call it as late as possible (`reserveAtCommit` does it for you): everything the transaction
    /// does after it lengthens the time other writers wait.
    /// - Throws: `.misuse` outside a transaction or for `count < 1`.
    public func take(_ count: Int, on db: PostgresConnection) throws(PostgresError) -> ClosedRange<Int64> {
        guard db.isInTransaction else { throw .misuse("feed positions are taken inside a write transaction") }
        guard count >= 1 else { throw .misuse("feed positions: count \(count) < 1") }
        guard
            let last = try db.queryOne(
                "UPDATE \(Self.table) SET seq = seq + $1 WHERE name = $2 RETURNING seq AS last", Int64(count), name)
        else {
            throw .misuse("feed '\(name)' has no counter row (install it in a migration)")
        }
        let end = try last.int("last")
        return (end - Int64(count) + 1)...end
    }

    /// Registers `assign` to run right before the current transaction commits, with `count`
    /// fresh positions (the last statements of the transaction).
    public func reserveAtCommit(
        _ count: Int, on db: PostgresConnection, assign: @escaping (ClosedRange<Int64>) throws -> Void
    ) throws(PostgresError) {
        try db.beforeCommit {
            let positions = try take(count, on: db)
            try assign(positions)
        }
    }

    /// The last position handed out (committed or still committing).
    public func head(on db: PostgresConnection) throws(PostgresError) -> Int64 {
        try db.queryOne("SELECT seq FROM \(Self.table) WHERE name = $1", name)?.int("seq") ?? 0
    }
}
