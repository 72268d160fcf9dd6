internal import CSQLite

/// `kid(x)` and `ktext(x)`: SQL functions that store UUIDs as 16-byte blobs instead of 36-byte text.
///
/// - `kid(x)`: the 16 bytes of `x` when `x` is a canonical lowercase UUID text
///   (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits `0-9a-f`), else `x` unchanged (NULL, '',
///   any other text, numbers, blobs).
/// - `ktext(x)`: the canonical lowercase UUID text of `x` when `x` is a 16-byte blob, else `x` unchanged.
///
/// So `ktext(kid(x)) = x` for every value, and `kid(a) = kid(b)` exactly when `a = b`: a column written
/// through `kid(?)` and compared with `kid(?)` answers as the text column did. Both are deterministic and
/// innocuous, so indexes, CHECKs and the planner may use them. Every connection has them (see
/// `Connection.init`); PostgreSQL stores keep text and define both as the identity.
///
/// Related SQLite documentation: <https://www.sqlite.org/c3ref/create_function.html>
extension Connection {
    func installUUIDFunctions() throws(SQLiteError) {
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
        for (name, function) in [("kid", uuidBlob), ("ktext", uuidText)] {
            let code = sqlite3_create_function_v2(raw, name, 1, flags, nil, function, nil, nil, nil)
            guard code == SQLITE_OK else { throw SQLiteError(db: raw, resultCode: code, sql: nil) }
        }
    }
}

/// SQLite's `xFunc`: the context, the argument count (always 1: registered with one argument) and the arguments.
private typealias ScalarFunction = @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void

/// `kid(x)`: 16 bytes for a canonical lowercase UUID text, else `x`.
private let uuidBlob: ScalarFunction = { context, _, arguments in
    guard let value = arguments?[0] else { return }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { bytes in
        if sqlite3_value_type(value) == SQLITE_TEXT, let text = sqlite3_value_text(value),
            sqlite3_value_bytes(value) == 36, UUIDBytes.parse(text, into: bytes.baseAddress!)
        {
            sqlite3_result_blob(context, bytes.baseAddress, 16, csqlite_transient())
        } else {
            sqlite3_result_value(context, value)
        }
    }
}

/// `ktext(x)`: the canonical lowercase text of a 16-byte blob, else `x`.
private let uuidText: ScalarFunction = { context, _, arguments in
    guard let value = arguments?[0] else { return }
    guard sqlite3_value_type(value) == SQLITE_BLOB, let blob = sqlite3_value_blob(value),
        sqlite3_value_bytes(value) == 16
    else { return sqlite3_result_value(context, value) }
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 36) { text in
        text.withMemoryRebound(to: UInt8.self) {
            UUIDBytes.format(blob.assumingMemoryBound(to: UInt8.self), into: $0.baseAddress!)
        }
        sqlite3_result_text(context, text.baseAddress, 36, csqlite_transient())
    }
}

/// The canonical UUID text (RFC 9562 §4, lowercase) and its 16 bytes.
enum UUIDBytes {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Where the text has a dash: after 8, 12, 16 and 20 hex digits.
    private static func isDash(_ index: Int) -> Bool { index == 8 || index == 13 || index == 18 || index == 23 }

    /// Writes the 16 bytes of the 36 characters at `text` to `bytes`; `false` (bytes undefined) when
    /// they are not a canonical lowercase UUID.
    static func parse(_ text: UnsafePointer<UInt8>, into bytes: UnsafeMutablePointer<UInt8>) -> Bool {
        var out = 0
        var index = 0
        while index < 36 {
            if isDash(index) {
                guard text[index] == 0x2D else { return false }
                index += 1
                continue
            }
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return false }
            bytes[out] = high << 4 | low
            out += 1
            index += 2
        }
        return true
    }

    /// Writes the 36 characters of the 16 bytes at `bytes` to `text`.
    static func format(_ bytes: UnsafePointer<UInt8>, into text: UnsafeMutablePointer<UInt8>) {
        var index = 0
        for byte in 0..<16 {
            if isDash(index) {
                text[index] = 0x2D
                index += 1
            }
            text[index] = digits[Int(bytes[byte] >> 4)]
            text[index + 1] = digits[Int(bytes[byte] & 0x0F)]
            index += 2
        }
    }

    /// The value of a lowercase hex digit; `nil` for anything else (uppercase too: not canonical).
    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
