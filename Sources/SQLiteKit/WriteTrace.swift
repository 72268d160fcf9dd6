internal import CSQLite

// The C library by platform: Glibc on Linux (the tested branch), Musl on static Linux, Bionic on Android
// (Swift SDK for Android), Darwin on Apple platforms. Only POSIX calls present in all four are used here.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Android)
import Android
#elseif canImport(Darwin)
import Darwin
#else
#error("unsupported platform: add its C library here")
#endif

/// Appends every statement a connection runs that changes the database, and the transaction
/// statements around them, to a file as SQL text with its parameters filled in.
///
/// A diagnostic for replay benchmarks: running the file through the `sqlite3` CLI on a copy of the
/// database taken before repeats exactly the writes, in the same transactions, without the
/// application's work (`kandas-bench sync` compares the two). Statements run by triggers are not
/// written (the replay's triggers run them again). The file holds the stored data, personal data
/// included: never enable it on a production store.
final class WriteTrace {
    private let fd: Int32
    let path: String

    init(path: String) throws(SQLiteError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SQLiteError.misuse("cannot open the write trace '\(path)': errno \(errno)")
        }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Writes `statement`'s expanded SQL when it writes or controls a transaction.
    func record(_ statement: OpaquePointer, text: UnsafePointer<CChar>) {
        // A trigger's statements arrive as comments ("-- TRIGGER ..."): the replay fires them itself.
        if text[0] == 0x2D, text[1] == 0x2D { return }
        guard sqlite3_stmt_readonly(statement) == 0 || Self.controlsTransaction(text) else { return }
        guard let expanded = sqlite3_expanded_sql(statement) else { return }
        defer { sqlite3_free(expanded) }
        var line = Array(UnsafeBufferPointer(start: expanded, count: strlen(expanded)).map { UInt8(bitPattern: $0) })
        line.append(contentsOf: Array(";\n".utf8))
        var offset = 0
        while offset < line.count {
            let n = line[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT and RELEASE are read-only to SQLite but shape the replay.
    static func controlsTransaction(_ text: UnsafePointer<CChar>) -> Bool {
        var start = text
        while start.pointee == 0x20 || start.pointee == 0x0A || start.pointee == 0x09 { start += 1 }
        for keyword in ["BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"]
        where strncasecmp(start, keyword, keyword.utf8.count) == 0 {
            return true
        }
        return false
    }
}

extension Connection {
    /// Starts writing this connection's changes to `trace` (see ``WriteTrace``).
    ///
    /// - Important: the hook holds `trace` unretained; the connection keeps it in `writeTrace`.
    func install(_ trace: WriteTrace) {
        writeTrace = trace
        sqlite3_trace_v2(
            raw, UInt32(SQLITE_TRACE_STMT),
            { _, context, statement, text in
                guard let context, let statement, let text else { return 0 }
                Unmanaged<WriteTrace>.fromOpaque(context).takeUnretainedValue().record(
                    OpaquePointer(statement), text: text.assumingMemoryBound(to: CChar.self))
                return 0
            }, Unmanaged.passUnretained(trace).toOpaque())
    }
}
