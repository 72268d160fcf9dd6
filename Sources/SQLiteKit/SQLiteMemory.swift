internal import CSQLite

/// Process-wide SQLite heap figures (page caches, schemas, statements of every connection).
///
/// For memory budgets and `/metrics`: what SQLite holds is bounded by each connection's
/// `cache_size` and statement cache; everything else in the heap is the application's.
public enum SQLiteMemory {
    /// Bytes SQLite has allocated now.
    public static var used: Int64 { sqlite3_memory_used() }

    /// The most bytes SQLite had allocated at once since the process started (or the last reset).
    public static func highwater(reset: Bool = false) -> Int64 { sqlite3_memory_highwater(reset ? 1 : 0) }
}
