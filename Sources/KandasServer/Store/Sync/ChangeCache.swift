import Synchronization

/// Encoded pull changes shared by every pull of this process: a change's wire bytes are encoded once
/// and reused by every device that pulls it, until the object changes again (issue 15 item 2).
///
/// The key is the store's feed epoch and the `seq` of the object's latest feed row. Every write that
/// changes what a family-scoped object encodes to records a new feed row in the same transaction
/// (``SyncFeed/record(_:entity:id:familyID:deviceID:op:now:)``), and pull sends an object only for
/// its latest row, so the state a snapshot shows for that row never changes: bytes cached under
/// (epoch, seq) are the bytes any later pull would encode. A restored or compacted store has another
/// epoch, so nothing cached for the old one is reused. Only family-scoped kinds that pull sends as
/// they are stored are kept: receipts (stamped with the time of the pull) and a device's outcomes
/// are always encoded afresh.
///
/// Bounded by bytes (``capacity``), oldest first out; in memory only, so several server instances
/// on one PostgreSQL store each keep their own.
final class ChangeCache: Sendable {
    struct Key: Hashable {
        var epoch: String
        var seq: Int64
    }

    private struct State {
        var bytes: [Key: [UInt8]] = [:]
        var order: [Key] = []
        var head = 0
        var size = 0
        var hits = 0
        var misses = 0
    }

    /// The process-wide cache pull uses.
    static let shared = ChangeCache(capacity: 4 << 20)

    /// Most bytes kept; the oldest entries go first.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = capacity }

    /// Kinds whose encoding depends only on the stored object (not on the device or the time of the pull).
    static func isCacheable(_ entity: String) -> Bool {
        switch entity {
        case "family", "member", "plan", "plan_item", "completion", "conflict", "review": true
        default: false
        }
    }

    func get(_ key: Key) -> [UInt8]? {
        state.withLock { s in
            let found = s.bytes[key]
            if found == nil { s.misses += 1 } else { s.hits += 1 }
            return found
        }
    }

    func put(_ key: Key, _ value: [UInt8]) {
        guard value.count <= capacity / 16 else { return }
        state.withLock { s in
            guard s.bytes[key] == nil else { return }
            s.bytes[key] = value
            s.order.append(key)
            s.size += value.count
            while s.size > capacity, s.head < s.order.count {
                let old = s.order[s.head]
                s.head += 1
                s.size -= s.bytes.removeValue(forKey: old)?.count ?? 0
            }
            // Drop the evicted prefix of the queue once it is most of it.
            if s.head > 1024 && s.head * 2 > s.order.count {
                s.order.removeFirst(s.head)
                s.head = 0
            }
        }
    }

    /// Hits and misses so far (tests, benchmarks).
    var counts: (hits: Int, misses: Int) { state.withLock { ($0.hits, $0.misses) } }

    /// Bytes held now.
    var size: Int { state.withLock { $0.size } }
}
