import Testing

@testable import KandasServer

struct LoginRateLimiterTests {
    @Test func fiveFailuresPerAccount_lockUntilTheOldestLeavesTheWindow() {
        let limiter = LoginRateLimiter()
        for i in 0..<5 { limiter.recordFailure(account: "a", address: "1", now: Int64(i) * 1000) }
        #expect(limiter.retryAfter(account: "a", address: "2", now: 5000) == 900 - 5)
        #expect(limiter.retryAfter(account: "b", address: "2", now: 5000) == nil)
        #expect(limiter.retryAfter(account: "a", address: "2", now: 900_001) == nil)
    }

    @Test func twentyFailuresPerAddress_lockEveryAccountFromIt() {
        let limiter = LoginRateLimiter()
        for i in 0..<20 { limiter.recordFailure(account: "user\(i)", address: "10.0.0.1", now: 0) }
        #expect(limiter.retryAfter(account: "fresh", address: "10.0.0.1", now: 1) != nil)
        #expect(limiter.retryAfter(account: "fresh", address: "10.0.0.2", now: 1) == nil)
    }
}
