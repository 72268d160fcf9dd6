import KandasStore

/// Counts failed logins per account and per remote address over a sliding window.
///
/// Protocol §2.1: more than 5 failures per account in 15 minutes, or 20 per address, answer
/// `429 rate_limited` with `Retry-After` until the oldest failure leaves the window. The failures
/// are rows of the store (`login_failures`, ``LoginFailureStore``), so every instance on one store
/// counts the same attempts; a success clears the account's count.
struct LoginRateLimiter: Sendable {
    let window: Int64 = 15 * 60 * 1000
    let perAccount = 5
    let perAddress = 20

    /// Seconds to wait if `account` or `address` is over its limit at `now`, else nil.
    func retryAfter(_ db: any DatabaseConnection, account: String, address: String, now: Int64) throws -> Int? {
        var wait: Int64 = 0
        for (key, limit) in [("a:" + account, perAccount), ("r:" + address, perAddress)] {
            let (count, oldest) = try LoginFailureStore.recent(db, key: key, after: now - window)
            if count >= limit, let oldest { wait = max(wait, oldest + window - now) }
        }
        return wait > 0 ? Int((wait + 999) / 1000) : nil
    }

    /// Records a failure of `account` from `address` (in the caller's write transaction).
    func recordFailure(_ db: any DatabaseConnection, account: String, address: String, now: Int64) throws {
        try LoginFailureStore.record(db, keys: ["a:" + account, "r:" + address], at: now, forgetBefore: now - window)
    }

    /// Forgets the account's failures after a successful login.
    func recordSuccess(_ db: any DatabaseConnection, account: String) throws {
        try LoginFailureStore.forget(db, key: "a:" + account)
    }

    /// Whether the account has failures on record (a success only writes when it has).
    func hasFailures(_ db: any DatabaseConnection, account: String, now: Int64) throws -> Bool {
        try LoginFailureStore.recent(db, key: "a:" + account, after: now - window).count > 0
    }
}
