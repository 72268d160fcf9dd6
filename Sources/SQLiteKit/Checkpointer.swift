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
        /// The WAL length when the last checkpoint started.
        var mark = 0
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

    /// What a commit's WAL hook does next.
    enum Action: Equatable {
        case nothing
        /// Start a background checkpoint.
        case background
        /// Checkpoint inside this commit, on the writer (the WAL stopped restarting).
        case inline
    }

    /// Called by the writer's WAL hook, on the writer's queue, after each commit.
    ///
    /// The hook gets the WAL's whole length, which keeps growing while commits land during a
    /// background checkpoint (the WAL restarts only when a write begins after a complete one), so a
    /// checkpoint starts once `thresholdPages` frames were added since the last one started, not on
    /// every commit past the threshold (that would copy the same hot pages again and again). At
    /// twice the threshold the commit checkpoints itself, as SQLite's automatic checkpoint did:
    /// it copies only what the background ones left, and lets the next write restart the WAL.
    func committed(walFrames: Int) -> Action {
        let action = state.withLock { s -> Action in
            if walFrames < s.mark { s.mark = 0 }  // the WAL restarted from its start
            if s.closed { return .nothing }
            if walFrames >= 2 * thresholdPages {
                s.mark = walFrames
                return .inline
            }
            guard walFrames - s.mark >= thresholdPages, !s.running else { return .nothing }
            s.running = true
            s.mark = walFrames
            return .background
        }
        guard action == .background else { return action }
        slot.queue.async { [self] in
            // A failure (the database is busy being backed up, say) only postpones the copy: the
            // next commit past the threshold starts another attempt.
            _ = try? slot.withConnection { try $0.checkpoint(.passive) }
            state.withLock {
                $0.running = false
                $0.runs += 1
            }
        }
        return action
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
            { context, db, name, frames in
                guard let context else { return SQLITE_OK }
                let checkpointer = Unmanaged<Checkpointer>.fromOpaque(context).takeUnretainedValue()
                if checkpointer.committed(walFrames: Int(frames)) == .inline {
                    // What SQLite's own hook does; a busy checkpointer (the background one) is no error.
                    _ = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                }
                return SQLITE_OK
            }, Unmanaged.passUnretained(checkpointer).toOpaque())
    }
}
