import Foundation
import KandasStore
import SQLiteKit
import Testing

@testable import KandasServer

/// The failed-login counters, in the store (`login_failures`), so every instance counts the same.
struct LoginRateLimiterTests {
    /// A migrated store in a temporary folder, removed afterwards.
    private func withStore(_ body: (any DatabaseEngine) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kandas-limiter-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = SQLiteEngine(
            pool: try DatabasePool(path: dir + "/kandas.sqlite", readers: 1, migrator: Schema.migrator))
        defer { engine.close() }
        try body(engine)
    }

    @Test func fiveFailuresPerAccount_lockUntilTheOldestLeavesTheWindow() throws {
        let limiter = LoginRateLimiter()
        try withStore { store in
            try store.writeSync { db in
                for i in 0..<5 { try limiter.recordFailure(db, account: "a", address: "1", now: Int64(i) * 1000) }
            }
            let waits = try store.readSync { db in
                [
                    try limiter.retryAfter(db, account: "a", address: "2", now: 5000),
                    try limiter.retryAfter(db, account: "b", address: "2", now: 5000),
                    try limiter.retryAfter(db, account: "a", address: "2", now: 900_001),
                ]
            }
            #expect(waits == [900 - 5, nil, nil])
        }
    }

    @Test func twentyFailuresPerAddress_lockEveryAccountFromIt() throws {
        let limiter = LoginRateLimiter()
        try withStore { store in
            try store.writeSync { db in
                for i in 0..<20 { try limiter.recordFailure(db, account: "user\(i)", address: "10.0.0.1", now: 0) }
            }
            let waits = try store.readSync { db in
                [
                    try limiter.retryAfter(db, account: "fresh", address: "10.0.0.1", now: 1),
                    try limiter.retryAfter(db, account: "fresh", address: "10.0.0.2", now: 1),
                ]
            }
            #expect(waits[0] != nil)
            #expect(waits[1] == nil)
        }
    }

    @Test func aSuccess_clearsTheAccountsFailures() throws {
        let limiter = LoginRateLimiter()
        try withStore { store in
            try store.writeSync { db in
                for i in 0..<5 { try limiter.recordFailure(db, account: "a", address: "1", now: Int64(i)) }
                try limiter.recordSuccess(db, account: "a")
            }
            let (wait, failed) = try store.readSync { db in
                (
                    try limiter.retryAfter(db, account: "a", address: "1", now: 10),
                    try limiter.hasFailures(db, account: "a", now: 10)
                )
            }
            #expect(wait == nil)
            #expect(!failed)
        }
    }
}
