import Synchronization

/// Exponential backoff with jitter: 1 s doubling to 5 min (sync-v1 §5), each delay scaled by a
/// random factor in [0.5, 1) so devices that failed together do not retry together.
///
/// The jitter comes from a seedable generator, so a test can assert the exact schedule. A class
/// because the generator is shared state (behind a `Mutex`) that every copy of the options uses.
public final class Backoff: Sendable {
    /// The first delay.
    public let base: Duration
    /// The largest delay.
    public let cap: Duration
    private let random: Mutex<SplitMix64>

    /// Creates a schedule; `seed` fixes the jitter (tests), `nil` seeds from the system generator.
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300), seed: UInt64? = nil) {
        self.base = base
        self.cap = cap
        self.random = Mutex(SplitMix64(seed: seed ?? UInt64.random(in: .min ... .max)))
    }

    /// The delay before retry number `attempt` (0 = the first retry).
    public func delay(attempt: Int) -> Duration {
        let exponent = min(max(attempt, 0), 30)
        let full = min(cap, base * (1 << exponent))
        let unit = random.withLock { $0.nextUnit() }
        let (seconds, attoseconds) = full.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return .milliseconds(Int64(milliseconds * (0.5 + 0.5 * unit)))
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, seedable, good enough for jitter (not for secrets).
struct SplitMix64: Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// How the sync engine waits between retries; tests inject one that records and returns at once.
public protocol Sleeper: Sendable {
    /// Waits `duration` (or less if cancelled).
    func sleep(for duration: Duration) async throws
}

/// The real sleeper: `Task.sleep`, which does not block a thread.
public struct TaskSleeper: Sleeper {
    /// Creates it.
    public init() {}

    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
