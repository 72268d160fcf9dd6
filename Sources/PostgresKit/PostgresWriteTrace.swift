#if canImport(Glibc)
import Glibc
#endif

/// Appends every write transaction a connection commits to a file as SQL text with its parameters
/// filled in, between `BEGIN` and `COMMIT`: the PostgreSQL twin of SQLiteKit's write trace.
///
/// A diagnostic for replay benchmarks: `psql` running the file on a copy of the database taken
/// before repeats the same writes in the same transactions without the application's work
/// (`kandas-bench pg` compares the two). A transaction's statements are kept in memory and written
/// with one `write` after its `COMMIT` succeeds, so transactions of several connections never
/// interleave in the file; read-only statements (a `SELECT` that locks nothing) and transactions
/// without a write are left out, rolled-back ones are dropped. The file holds the stored data,
/// personal data included: never enable it on a production store.
final class PostgresWriteTrace {
    private let fd: Int32
    private var pending: [UInt8] = []
    private var wrote = false

    init(path: String) throws(PostgresError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .misuse("cannot open the write trace '\(path)': errno \(errno)") }
        self.fd = fd
    }

    deinit { close(fd) }

    /// A transaction starts (`BEGIN ...`).
    func begin(_ sql: String) {
        pending.removeAll(keepingCapacity: true)
        wrote = false
        append(sql)
    }

    /// A statement of the current transaction (or one on its own, outside any).
    func statement(_ sql: String, values: [PostgresValue], inTransaction: Bool) {
        let control = Self.isSavepoint(sql)
        guard control || Self.writes(sql) else { return }
        if !control { wrote = true }
        if values.isEmpty { append(sql) } else { append(Self.filled(sql, values)) }
        if !inTransaction { commit(sql: nil) }
    }

    /// The transaction committed: its statements reach the file if one of them wrote.
    func commit(sql: String? = "COMMIT") {
        defer {
            pending.removeAll(keepingCapacity: true)
            wrote = false
        }
        guard wrote else { return }
        if let sql { append(sql) }
        var offset = 0
        while offset < pending.count {
            let n = pending[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// The transaction rolled back: nothing of it is written.
    func rollback() {
        pending.removeAll(keepingCapacity: true)
        wrote = false
    }

    private func append(_ sql: String) {
        pending.append(contentsOf: sql.utf8)
        pending.append(contentsOf: ";\n".utf8)
    }

    /// Not a plain read: anything but `SELECT`, and a `SELECT` that takes a lock.
    static func writes(_ sql: String) -> Bool {
        let head = sql.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "(" }.prefix(6).uppercased()
        guard head == "SELECT" else { return true }
        return sql.contains("pg_advisory_xact_lock") || sql.contains("FOR UPDATE") || sql.contains("FOR NO KEY UPDATE")
            || sql.contains("FOR SHARE")
    }

    static func isSavepoint(_ sql: String) -> Bool {
        let head = sql.drop { $0 == " " || $0 == "\n" || $0 == "\t" }.prefix(9).uppercased()
        return head.hasPrefix("SAVEPOINT") || head.hasPrefix("RELEASE") || head.hasPrefix("ROLLBACK ")
    }

    /// `sql` with `$n` replaced by `values[n - 1]` as a literal of the type it was bound with
    /// (text stays an untyped literal, as it was bound with type "unknown"). Quoted strings and
    /// identifiers are copied as they are.
    static func filled(_ sql: String, _ values: [PostgresValue]) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + values.count * 16)
        let scalars = Array(sql.unicodeScalars)
        var i = 0
        var quote: Unicode.Scalar?
        while i < scalars.count {
            let c = scalars[i]
            if let open = quote {
                out.unicodeScalars.append(c)
                if c == open { quote = nil }
                i += 1
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            if c == "$", i + 1 < scalars.count, ("0"..."9").contains(scalars[i + 1]) {
                var j = i + 1
                var number = 0
                while j < scalars.count, ("0"..."9").contains(scalars[j]) {
                    number = number * 10 + Int(scalars[j].value - 48)
                    j += 1
                }
                if number >= 1, number <= values.count {
                    out += literal(values[number - 1])
                    i = j
                    continue
                }
            }
            out.unicodeScalars.append(c)
            i += 1
        }
        return out
    }

    static func literal(_ value: PostgresValue) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let n): return n < 0 ? "(\(n))::int8" : "\(n)::int8"
        case .real(let x): return "'\(x)'::float8"
        case .bool(let flag): return flag ? "true" : "false"
        case .text(let text):
            var quoted = "'"
            for character in text {
                quoted.append(character)
                if character == "'" { quoted.append("'") }
            }
            return quoted + "'"
        case .bytes(let bytes):
            let digits: [Character] = Array("0123456789abcdef")
            var hex = "'\\x"
            for byte in bytes {
                hex.append(digits[Int(byte >> 4)])
                hex.append(digits[Int(byte & 15)])
            }
            return hex + "'::bytea"
        }
    }
}
