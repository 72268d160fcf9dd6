import Synchronization

/// Counts failed logins per account and per remote address over a sliding window.
///
/// Protocol §2.1: more than 5 failures per account in 15 minutes, or 20 per address, answer
/// `429 rate_limited` with `Retry-After` until the oldest failure leaves the window. Kept in
/// memory: a restart forgets failures, which only helps a legitimate user locked out.
final class LoginRateLimiter: Sendable {
    let window: Int64 = 15 * 60 * 1000
    let perAccount = 5
    let perAddress = 20
    private let failures = Mutex<[String: [Int64]]>([:])

    /// Seconds to wait if `account` or `address` is over its limit at `now`, else nil.
    func retryAfter(account: String, address: String, now: Int64) -> Int? {
        failures.withLock { table in
            var wait: Int64 = 0
            for (key, limit) in [("a:" + account, perAccount), ("r:" + address, perAddress)] {
                let recent = (table[key] ?? []).filter { $0 > now - window }
                table[key] = recent
                if recent.count >= limit, let oldest = recent.first {
                    wait = max(wait, oldest + window - now)
                }
            }
            return wait > 0 ? Int((wait + 999) / 1000) : nil
        }
    }

    func recordFailure(account: String, address: String, now: Int64) {
        failures.withLock { table in
            table["a:" + account, default: []].append(now)
            table["r:" + address, default: []].append(now)
            // Bound memory under a flood of distinct names: forget the oldest keys.
            if table.count > 100_000 { table.removeAll(keepingCapacity: true) }
        }
    }

    func recordSuccess(account: String) {
        failures.withLock { table in table["a:" + account] = nil }
    }
}
