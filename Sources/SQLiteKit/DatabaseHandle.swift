internal import CSQLite

/// Owns one `sqlite3*`, closed when the connection and every statement prepared on it are gone.
///
/// Statements hold the handle (not the `Connection`), so the connection's statement cache does
/// not form a retain cycle, and a statement kept past its connection still has a live database.
final class DatabaseHandle {
    let raw: OpaquePointer

    init(raw: OpaquePointer) { self.raw = raw }

    deinit {
        // close_v2 defers the close until the last statement is finalized; ours are all finalized
        // by now because each statement retains this handle.
        sqlite3_close_v2(raw)
    }
}
