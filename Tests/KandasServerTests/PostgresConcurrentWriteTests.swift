import Dispatch
import Foundation
import KandasStore
import KandasTestSupport
import PostgresKit
import Synchronization
import Testing

@testable import KandasServer

/// Issue 12: writes on PostgreSQL run concurrently (no store-wide lock), and the change feed
/// still never lets a pull cursor skip a row: feed rows are numbered at commit, in commit order.
@Suite(.serialized) struct PostgresConcurrentWriteTests {
    /// Waits for `semaphore`, failing the test (instead of hanging it) if it never comes.
    private static func wait(_ semaphore: DispatchSemaphore, _ what: String) -> Bool {
        let came = semaphore.wait(timeout: .now() + 60) == .success
        #expect(came, "never: \(what)")
        return came
    }

    private static func feed(_ engine: PostgresEngine, after: Int64) async throws -> [SyncFeed.Entry] {
        try await engine.read { db in
            try SyncFeed.entries(db, after: after, userID: "nobody", deviceID: "device-1", limit: 100)
        }
    }

    private static func feedNow(_ engine: PostgresEngine, after: Int64) throws -> [SyncFeed.Entry] {
        try engine.readSync { db in
            try SyncFeed.entries(db, after: after, userID: "nobody", deviceID: "device-1", limit: 100)
        }
    }

    @Test func aWriteThatStartsFirstAndCommitsLast_isNumberedAfterTheOneThatCommittedFirst() throws {
        // Synchronous throughout: the test blocks on semaphores, so it must never wait for a
        // cooperative thread (two here, shared with the tests running in parallel).
        try PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 4, migrations: PostgresSchema.migrations)
            defer { engine.close() }
            let firstWrote = DispatchSemaphore(value: 0)
            let mayCommit = DispatchSemaphore(value: 0)
            // T1 starts and writes its feed row, then stays open. It runs on a thread of its own: the
            // test blocks on semaphores, which must never leave T1 waiting for a cooperative thread
            // (two of them here, shared with the tests running in parallel).
            let firstDone = DispatchSemaphore(value: 0)
            let firstError = Mutex<(any Error)?>(nil)
            Thread {
                do {
                    try engine.writeSync { db in
                        try SyncFeed.record(
                            db, entity: .eventOutcome, id: "early-start", familyID: "", deviceID: "device-1")
                        firstWrote.signal()
                        _ = Self.wait(mayCommit, "the test lets T1 commit")
                    }
                } catch {
                    firstError.withLock { $0 = error }
                    firstWrote.signal()
                }
                firstDone.signal()
            }.start()
            guard Self.wait(firstWrote, "T1 wrote its row") else {
                mayCommit.signal()
                return
            }
            // T2 starts after T1, writes and commits while T1 is open: no store-wide write lock.
            try engine.writeSync { db in
                try SyncFeed.record(
                    db, entity: .eventOutcome, id: "late-start", familyID: "", deviceID: "device-1")
            }
            // An incremental puller reads now: only T2's row exists, and its cursor moves past it.
            let seen = try Self.feedNow(engine, after: 0)
            #expect(seen.map(\.entityID) == ["late-start"])
            let cursor = seen.last?.seq ?? 0
            // T1 commits; the puller, from its cursor, gets T1's row: numbered after T2's, no gap.
            mayCommit.signal()
            _ = Self.wait(firstDone, "T1 committed")
            if let error = firstError.withLock({ $0 }) { throw error }
            let next = try Self.feedNow(engine, after: cursor)
            #expect(next.map(\.entityID) == ["early-start"])
            let all = try Self.feedNow(engine, after: 0)
            #expect(all.map(\.entityID) == ["late-start", "early-start"])
            #expect(all.map(\.seq) == [1, 2], "dense, in commit order")
        }
    }

    @Test func manyConcurrentWriters_leaveADenseFeedThatAnIncrementalPullerReadsWhole() async throws {
        try await PostgresCluster.withDatabase { url in
            let one = try PostgresEngine(url: url, connections: 4, migrations: PostgresSchema.migrations)
            let two = try PostgresEngine(url: url, connections: 4, migrations: PostgresSchema.migrations)
            defer {
                one.close()
                two.close()
            }
            let writers = 16
            let rowsEach = 5
            let puller = Task {
                var cursor: Int64 = 0
                var seen: [String] = []
                while seen.count < writers * rowsEach {
                    let page = try await Self.feed(one, after: cursor)
                    seen += page.map(\.entityID)
                    cursor = page.last?.seq ?? cursor
                    await Task.yield()
                }
                return seen
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    let engine = w % 2 == 0 ? one : two
                    group.addTask {
                        try await engine.write { db in
                            for r in 0..<rowsEach {
                                try SyncFeed.record(
                                    db, entity: .eventOutcome, id: "w\(w)-r\(r)", familyID: "",
                                    deviceID: "device-1")
                                // Commit order differs from start order: writers sleep different times.
                                usleep(UInt32((w * 7 + r * 3) % 11) * 1_000)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seen = try await puller.value
            #expect(Set(seen).count == writers * rowsEach, "the puller saw every row exactly once")
            let all = try await Self.feed(one, after: 0)
            #expect(all.map(\.seq) == Array(1...Int64(writers * rowsEach)))
            // A transaction's rows stay together and in the order it wrote them.
            for w in 0..<writers {
                let mine = all.filter { $0.entityID.hasPrefix("w\(w)-") }
                #expect(mine.map(\.entityID) == (0..<rowsEach).map { "w\(w)-r\($0)" })
                #expect(mine.last!.seq - mine.first!.seq == Int64(rowsEach - 1))
            }
        }
    }
}
