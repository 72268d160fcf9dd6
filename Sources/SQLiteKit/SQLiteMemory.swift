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

    /// The process-wide soft heap limit in bytes; 0 means none (SQLite's default).
    ///
    /// Above it SQLite recycles unused page-cache pages of any connection before allocating more,
    /// so the sum of all page caches stays near the limit even when each `cache_size` would allow
    /// more. It is soft: a statement that needs more memory still gets it.
    /// <https://www.sqlite.org/c3ref/hard_heap_limit64.html>
    public static var softHeapLimit: Int64 {
        get { sqlite3_soft_heap_limit64(-1) }
        set { sqlite3_soft_heap_limit64(max(0, newValue)) }
    }
}
