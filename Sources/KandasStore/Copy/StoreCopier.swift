import Crypto

/// Copies every table of one store into another empty store of the other engine (SQLite to
/// PostgreSQL, or back), then proves the copy: the same row count and the same digest per table.
///
/// The source is read on one snapshot; the target is written in one transaction with its foreign
/// keys deferred (so tables go in any order) and verified inside that transaction before it
/// commits: a copy that does not verify is rolled back and leaves the target as it was. A target
/// that holds any row (other than the regions and feed identity every new store is seeded with,
/// which the source's replace) is refused. Both stores must have the same tables and columns (the same schema
/// version); the creation-order `rowid` is copied too, so pages and "newest first" stay the same.
///
/// The digest of a table is the sum (mod 2²⁵⁶) of the SHA-256 of each row's canonical encoding
/// (column names in sorted order, each value with its kind), so it does not depend on the order
/// in which either engine returns rows. UUIDs that SQLite stores as 16-byte blobs and PostgreSQL as
/// text (``StoreCatalog/binaryIDColumns``) are copied and digested as text.
public enum StoreCopier {
    /// What was copied.
    public struct Report: Sendable {
        public struct Table: Sendable {
            public var name: String
            public var rows: Int
            public var digest: String
        }

        public var tables: [Table]
        public var rows: Int { tables.reduce(0) { $0 + $1.rows } }
    }

    /// Tables a new store is born with rows in (seeded by its migrations): the source's rows
    /// replace them, so region IDs stay and the feed's epoch and cursor key move with the data
    /// (devices keep pulling with the cursors they hold).
    static let seededTables: Set<String> = ["regions", "sync_meta"]

    /// Copies `source` into `target`.
    ///
    /// - Throws: ``DatabaseError`` of kind `.misuse` for a non-empty target or different schemas
    ///   (the message says which table and columns), `.other` when the copy does not verify.
    public static func copy(from source: any DatabaseEngine, to target: any DatabaseEngine) throws -> Report {
        try source.readSync { src in
            let sourceTables = try StoreCatalog.tables(src)
            return try target.writeSync { dst in
                let targetTables = try StoreCatalog.tables(dst)
                try checkSameSchema(sourceTables, targetTables)
                for table in targetTables where !seededTables.contains(table.name) {
                    let count = try dst.scalar("SELECT count(*) FROM \(quoted(table.name))")
                    if count != .integer(0) {
                        throw DatabaseError(
                            .misuse,
                            "the target store is not empty (table \(table.name) has rows); copy into a new store")
                    }
                }
                for table in seededTables where targetTables.contains(where: { $0.name == table }) {
                    try dst.run("DELETE FROM \(quoted(table))")
                }
                try dst.execute(StoreCatalog.deferForeignKeys(dst.dialect))
                var report = Report(tables: [])
                // Tables kept by triggers go last: the triggers filled them while the base tables were
                // copied; they get the source's rows instead. The base tables go parents first, so a
                // trigger that reads a row's parent finds it (a completion's family is its item's).
                let derived = Set(ConsoleRollups.tables)
                let base = try StoreCatalog.parentsFirst(sourceTables.filter { !derived.contains($0.name) }, on: src)
                for table in base + sourceTables.filter({ derived.contains($0.name) }) {
                    if derived.contains(table.name) { try dst.run("DELETE FROM \(quoted(table.name))") }
                    let columns = table.columns.sorted()
                    let list = columns.map(quoted).joined(separator: ", ")
                    let select = try src.prepare(
                        "SELECT \(StoreCatalog.selectList(table.name, columns)) FROM \(quoted(table.name))")
                    try select.bind([])
                    let insert = try dst.prepare(
                        "INSERT INTO \(quoted(table.name))(\(list)) VALUES("
                            + StoreCatalog.valuesList(table.name, columns) + ")")
                    var digest = TableDigest(table: table.name)
                    while let row = try select.next() {
                        digest.add(columns: columns, values: row.values)
                        try insert.bind(row.values)
                        try insert.run()
                    }
                    try StoreCatalog.afterCopy(table, on: dst)
                    let copied = try self.digest(table.name, columns: columns, on: dst)
                    guard copied.rows == digest.rows, copied.hex == digest.hex else {
                        throw DatabaseError(
                            .other,
                            "copy of table \(table.name) does not verify: source \(digest.rows) rows \(digest.hex), "
                                + "target \(copied.rows) rows \(copied.hex); nothing was copied")
                    }
                    report.tables.append(.init(name: table.name, rows: digest.rows, digest: digest.hex))
                }
                return report
            }
        }
    }

    /// Row count and digest of one table as `db` sees it.
    static func digest(_ table: String, columns: [String], on db: any DatabaseConnection) throws -> TableDigest {
        var digest = TableDigest(table: table)
        let select = try db.prepare("SELECT \(StoreCatalog.selectList(table, columns)) FROM \(quoted(table))")
        try select.bind([])
        while let row = try select.next() { digest.add(columns: columns, values: row.values) }
        return digest
    }

    private static func checkSameSchema(_ source: [StoreCatalog.Table], _ target: [StoreCatalog.Table]) throws {
        let sourceNames = Set(source.map(\.name))
        let targetNames = Set(target.map(\.name))
        guard sourceNames == targetNames else {
            throw DatabaseError(
                .misuse,
                "the stores have different tables (only in the source: "
                    + sourceNames.subtracting(targetNames).sorted().joined(separator: ", ")
                    + "; only in the target: " + targetNames.subtracting(sourceNames).sorted().joined(separator: ", ")
                    + "): bring both to the same version with `migrate` first")
        }
        for table in source {
            let other = target.first { $0.name == table.name }!
            guard Set(table.columns) == Set(other.columns) else {
                throw DatabaseError(
                    .misuse,
                    "table \(table.name) has different columns (source: \(table.columns.sorted().joined(separator: ", ")); "
                        + "target: \(other.columns.sorted().joined(separator: ", "))): bring both to the same version first"
                )
            }
        }
    }

    /// An identifier of the store's own catalog, quoted (`offset` is reserved in PostgreSQL).
    static func quoted(_ name: String) -> String { "\"" + name.replacingAll("\"", with: "\"\"") + "\"" }
}

/// The order-independent digest of a table's rows.
struct TableDigest {
    let table: String
    private(set) var rows = 0
    private var sum = [UInt8](repeating: 0, count: 32)

    init(table: String) { self.table = table }

    var hex: String {
        sum.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    mutating func add(columns: [String], values: [DatabaseValue]) {
        var hasher = SHA256()
        hasher.update(Array(table.utf8) + [0])
        for (name, value) in zip(columns, values) {
            hasher.update(Array(name.utf8) + [0])
            switch value {
            case .null: hasher.update([0])
            case .integer(let integer): hasher.update([1] + withUnsafeBytes(of: integer.bigEndian) { Array($0) })
            case .real(let real): hasher.update([2] + withUnsafeBytes(of: real.bitPattern.bigEndian) { Array($0) })
            case .text(let text):
                let bytes = Array(text.utf8)
                hasher.update([3] + withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { Array($0) } + bytes)
            case .blob(let bytes):
                hasher.update([4] + withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { Array($0) } + bytes)
            }
        }
        let digest = hasher.finalize().bytes
        var carry: UInt16 = 0
        for index in stride(from: 31, through: 0, by: -1) {
            let total = UInt16(sum[index]) + UInt16(digest[index]) + carry
            sum[index] = UInt8(total & 0xff)
            carry = total >> 8
        }
        rows += 1
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
