internal import CSQLite
import Synchronization

extension Connection {
    /// `PRAGMA data_version`: a number that changes whenever another connection (of this process
    /// or any other) commits to the main database, and only then. It ignores this connection's own
    /// commits, so two readings are a proof of "nothing changed" only on a connection that does not
    /// write (a pool reader is `query_only`).
    ///
    /// Outside a transaction it is read on a snapshot of its own (the statement's); inside one, on
    /// the transaction's snapshot (its first statement starts the read).
    ///
    /// Related SQLite documentation: <https://www.sqlite.org/pragma.html#pragma_data_version>
    public func dataVersion() throws(SQLiteError) -> Int64 {
        let statement = try cached(Self.dataVersionSQL)
        defer { statement.reset() }
        guard try statement.step(), case .integer(let version) = statement.column(at: 0) else {
            throw .misuse("PRAGMA data_version returned no number", sql: Self.dataVersionSQL)
        }
        return version
    }

    static let dataVersionSQL = "PRAGMA data_version"
}

/// Serial numbers of connections (``Connection/serial``): never reused in a process.
let connectionSerials = Atomic<UInt64>(0)
