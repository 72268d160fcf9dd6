internal import CSQLite
import Dispatch
import Synchronization

/// Runs a pool's WAL checkpoints on a connection and serial queue of their own, off the commit path.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that request
/// waits while the WAL is copied into the database file and the file is fsynced (measured: a
/// fifteenth of a sync push's CPU, all of it inside the pushing request). Instead the writer's WAL
/// hook, called after every commit with the WAL's length in frames, starts a `PASSIVE` checkpoint
/// here once the WAL holds `thresholdPages` frames, at most one at a time. A passive checkpoint
/// never blocks the writer or the readers; the writer keeps committing meanwhile and restarts the
/// WAL from its start on the first write after a complete checkpoint. Durability is unchanged:
/// every commit is still fsynced in the WAL, and the checkpoint fsyncs the database file before the
/// WAL frames it copied may be overwritten.
final class Checkpointer: Sendable {
    /// WAL length, in frames, that starts a checkpoint.
    let thresholdPages: Int
    private let slot: ConnectionSlot
    private let state = Mutex(State())

    private struct State {
        var running = false
        var closed = false
        var runs = 0
    }

    /// Opens the checkpointer's own connection to the pool's database (already in WAL mode).
    init(path: String, options: Connection.Options, thresholdPages: Int) throws {
        var own = options
        own.readOnly = false
        own.journalMode = nil
        own.walAutocheckpointPages = nil
        self.thresholdPages = thresholdPages
        slot = ConnectionSlot(label: "SQLiteKit.checkpointer", connection: try Connection(path: path, options: own))
    }

    /// Checkpoints finished so far (for tests and diagnostics).
    var runs: Int { state.withLock { $0.runs } }

    /// Called by the writer's WAL hook, on the writer's queue, after each commit.
    func committed(walFrames: Int) {
        guard walFrames >= thresholdPages else { return }
        let start = state.withLock { s -> Bool in
            guard !s.running, !s.closed else { return false }
            s.running = true
            return true
        }
        guard start else { return }
        slot.queue.async { [self] in
            // A failure (the database is busy being backed up, say) only postpones the copy: the
            // next commit past the threshold starts another attempt.
            _ = try? slot.withConnection { try $0.checkpoint(.passive) }
            state.withLock {
                $0.running = false
                $0.runs += 1
            }
        }
    }

    /// Waits for a running checkpoint, then closes the connection; later commits start none.
    func close() {
        state.withLock { $0.closed = true }
        slot.queue.sync { slot.connection = nil }
    }
}

extension Connection {
    /// Hands every commit's WAL length to `checkpointer` instead of SQLite's automatic checkpoint.
    ///
    /// - Important: the hook holds `checkpointer` unretained: the caller keeps it alive for as
    ///   long as this connection is open (`DatabasePool`'s writer slot holds it).
    func handCheckpoints(to checkpointer: Checkpointer) {
        sqlite3_wal_hook(
            raw,
            { context, _, _, frames in
                if let context {
                    Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue().committed(walFrames: Int(frames))
                }
                return SQLITE_OK
            }, Unmanaged.passUnretained(checkpointer).toOpaque())
    }
}
