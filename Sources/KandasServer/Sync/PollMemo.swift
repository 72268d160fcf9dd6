import KandasStore
import SystemKit

/// Answers of polls with nothing new, remembered with the store content they were read on
/// (``ContentStamp``), for the event loop's own answers (``PullHandler/pollOnLoop(_:_:endpoint:)``).
///
/// A remembered answer is given again only for the same `Authorization` field and the same request
/// target, on the same reader, while that reader's stamp is unchanged (nothing committed since: a
/// revoked token or device, a disabled account, a new change, a reassigned family, a moved cursor
/// key all commit) and while the same check at the new time passes without a last-use write (the
/// token has not expired, the device's minute or day has not run out). Everything after
/// `"server_time":` is written anew, so the time stays current; the bytes before it are the ones
/// the read gave. Anything else reads the store as before.
final class PollMemo: Sendable {
    struct Key: Hashable {
        var reader: UInt64
        var authorization: String
        var target: String
    }

    struct Entry {
        var version: Int64
        var check: Authenticator.Checked
        /// The page's bytes up to and including `"server_time":`.
        var head: [UInt8]
    }

    /// At most this many answers (one per device, target and reader); all are dropped when full.
    static let capacity = 1024

    private let entries = ParkingLock<[Key: Entry]>([:])

    /// The remembered answer's bytes up to `"server_time":`, when it holds for `stamp` at `now`.
    func head(_ key: Key, _ stamp: ContentStamp, now: Int64) -> [UInt8]? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.version == stamp.version, entry.check.passesWithoutWrite(at: now) else {
                entries[key] = nil
                return nil
            }
            return entry.head
        }
    }

    /// Remembers a page `bytes` read on `stamp`'s snapshot by `check`, if it ends with `tail`
    /// (the server time and the closing brace it was written with).
    func remember(_ key: Key, _ stamp: ContentStamp, _ check: Authenticator.Checked, page bytes: [UInt8], tail: [UInt8])
    {
        guard bytes.count > tail.count, bytes.suffix(tail.count).elementsEqual(tail) else { return }
        let entry = Entry(version: stamp.version, check: check, head: Array(bytes.dropLast(tail.count)))
        entries.withLock { entries in
            if entries.count >= Self.capacity && entries[key] == nil { entries.removeAll() }
            entries[key] = entry
        }
    }
}
