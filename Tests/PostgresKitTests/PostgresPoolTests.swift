import Glibc
import KandasTestSupport
import PostgresKit
import Testing

@Suite(.serialized) struct PostgresPoolTests {
    @Test func asyncCalls_runOnPooledConnections_andSeeEachOthersCommits() async throws {
        try await PostgresCluster.withDatabase { url in
            let pool = try PostgresPool(url: url, size: 3)
            defer { pool.close() }
            try await pool.withConnection { try $0.execute("CREATE TABLE t(x bigint)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        try await pool.transaction { db in _ = try db.run("INSERT INTO t VALUES ($1)", i) }
                    }
                }
                try await group.waitForAll()
            }
            let count = try await pool.withConnection { try $0.scalar("SELECT count(*) FROM t") }
            #expect(count == .integer(20))
        }
    }

    @Test func failedTransaction_rollsBack_andTheConnectionIsReused() async throws {
        struct Failure: Error {}
        try await PostgresCluster.withDatabase { url in
            let pool = try PostgresPool(url: url, size: 1)
            defer { pool.close() }
            try await pool.withConnection { try $0.execute("CREATE TABLE t(x bigint)") }
            await #expect(throws: Failure.self) {
                try await pool.transaction { db in
                    try db.run("INSERT INTO t VALUES (1)")
                    throw Failure()
                }
            }
            #expect(try await pool.withConnection { try $0.scalar("SELECT count(*) FROM t") } == .integer(0))
        }
    }

    @Test func brokenConnection_isReopenedOnItsNextUse() throws {
        try PostgresCluster.withDatabase { url in
            let pool = try PostgresPool(url: url, size: 1)
            defer { pool.close() }
            let pid = try pool.withConnectionSync { Int64($0.backendPID) }
            let killer = try PostgresConnection(url: url)
            try killer.run("SELECT pg_terminate_backend($1::int)", pid)
            #expect(throws: PostgresError.self) { try pool.withConnectionSync { try $0.scalar("SELECT 1") } }
            let newPID = try pool.withConnectionSync { Int64($0.backendPID) }
            #expect(newPID != pid)
        }
    }

    @Test func lease_holdsItsSessionAcrossCalls_andReleaseFreesItsLocks() async throws {
        try await PostgresCluster.withDatabase { url in
            let pool = try PostgresPool(url: url, size: 2)
            defer { pool.close() }
            let key = AdvisoryLockKey(name: "upload:lease")
            let lease = try await pool.lease()
            #expect(try await lease.run { try $0.tryAdvisoryLock(key) })
            let pid1 = try await lease.run { $0.backendPID }
            let pid2 = try await lease.run { $0.backendPID }
            #expect(pid1 == pid2)
            #expect(try await pool.withConnection { try !$0.tryAdvisoryLock(key) })
            lease.release()
            // release() hands the unlock to the connection's queue and returns at once: wait for it.
            let other = try PostgresConnection(url: url)
            var taken = false
            for _ in 0..<500 where !taken {
                taken = try other.tryAdvisoryLock(key)
                if !taken { usleep(10_000) }
            }
            #expect(taken)
        }
    }

    @Test func closedPool_refusesWork() async throws {
        try await PostgresCluster.withDatabase { url in
            let pool = try PostgresPool(url: url, size: 1)
            pool.close()
            await #expect(throws: PostgresError.self) { try await pool.withConnection { _ in 1 } }
        }
    }
}
