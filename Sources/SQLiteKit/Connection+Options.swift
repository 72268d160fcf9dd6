extension Connection {
    /// How a connection is opened and configured.
    ///
    /// The defaults are the project's durability rules (DESIGN.md §5): WAL with
    /// `synchronous=FULL`, so an acknowledged commit survives power loss.
    public struct Options: Sendable {
        /// Open with `SQLITE_OPEN_READONLY`.
        public var readOnly = false
        /// Create the file if missing (ignored when `readOnly`).
        public var create = true
        /// `PRAGMA journal_mode`; `nil` leaves the file's mode as it is (readers, backups).
        public var journalMode: JournalMode? = .wal
        /// `PRAGMA synchronous`.
        public var synchronous: Synchronous = .full
        /// How long to wait on a lock held by another connection before `SQLITE_BUSY`.
        public var busyTimeout: Duration = .seconds(5)
        /// `PRAGMA foreign_keys`.
        public var foreignKeys = true
        /// `PRAGMA query_only`: refuse writes on this connection (pool readers).
        public var queryOnly = false
        /// How many prepared statements `cached(_:)` keeps.
        public var statementCacheCapacity = 64
        /// `PRAGMA temp_store`; `nil` keeps SQLite's default (files). `DatabasePool` puts its
        /// writer's in memory unless set (see `DatabasePool.init`).
        public var tempStore: TempStore? = nil
        /// `PRAGMA wal_autocheckpoint` in pages; `nil` keeps SQLite's default (1000). `DatabasePool`
        /// raises its writer's (see `DatabasePool.init`).
        public var walAutocheckpointPages: Int? = nil

        /// Most page-cache memory of this connection, in KiB (`PRAGMA cache_size = -N`); `nil` keeps
        /// SQLite's default (2000 KiB). A pool holds one cache per connection, so this times the
        /// connection count bounds what its page caches may take.
        public var cacheSizeKiB: Int? = nil

        /// Append every write and transaction statement, parameters filled in, to this file
        /// (a replay-benchmark diagnostic, see `WriteTrace`; the file holds the stored data).
        /// Ignored on read-only and query-only connections.
        public var writeTracePath: String? = nil

        public init(
            readOnly: Bool = false, journalMode: JournalMode? = .wal, synchronous: Synchronous = .full,
            busyTimeout: Duration = .seconds(5), foreignKeys: Bool = true
        ) {
            self.readOnly = readOnly
            self.journalMode = journalMode
            self.synchronous = synchronous
            self.busyTimeout = busyTimeout
            self.foreignKeys = foreignKeys
        }
    }

    /// <https://www.sqlite.org/pragma.html#pragma_journal_mode>
    public enum JournalMode: String, Sendable {
        case wal, delete, truncate, persist, memory, off
    }

    /// <https://www.sqlite.org/pragma.html#pragma_temp_store>
    public enum TempStore: String, Sendable {
        case `default` = "DEFAULT", file = "FILE", memory = "MEMORY"
    }

    /// <https://www.sqlite.org/pragma.html#pragma_synchronous>
    public enum Synchronous: Int, Sendable {
        case off = 0, normal = 1, full = 2, extra = 3
    }

    /// <https://www.sqlite.org/lang_transaction.html>
    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED", immediate = "IMMEDIATE", exclusive = "EXCLUSIVE"

        /// `BEGIN <kind>`, without building the text per transaction.
        var beginSQL: String {
            switch self {
            case .deferred: "BEGIN DEFERRED"
            case .immediate: "BEGIN IMMEDIATE"
            case .exclusive: "BEGIN EXCLUSIVE"
            }
        }
    }

    /// <https://www.sqlite.org/c3ref/wal_checkpoint_v2.html>
    public enum CheckpointMode: Int32, Sendable {
        case passive = 0, full = 1, restart = 2, truncate = 3
    }
}

/// Shorthand used in signatures: `transaction(.immediate)`.
public typealias TransactionKind = Connection.TransactionKind
