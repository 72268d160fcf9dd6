import Glibc
import KandasTestSupport
import PostgresKit
import Testing

@Suite(.serialized) struct PostgresConnectionAdvisoryLockTests {
    @Test func namedKey_isTheSameInEveryProcess() {
        #expect(AdvisoryLockKey(name: "upload:abc") == AdvisoryLockKey(name: "upload:abc"))
        #expect(AdvisoryLockKey(name: "upload:abc") != AdvisoryLockKey(name: "upload:abd"))
        // FNV-1a 64 of "a" (published test vector 0xaf63dc4c8601ec8c).
        #expect(AdvisoryLockKey(name: "a").value == Int64(bitPattern: 0xaf63_dc4c_8601_ec8c))
    }

    @Test func tryLock_failsWhileAnotherSessionHoldsIt_andSucceedsAfterUnlock() throws {
        try PostgresCluster.withDatabase { url in
            let a = try PostgresConnection(url: url)
            let b = try PostgresConnection(url: url)
            let key = AdvisoryLockKey(name: "upload:1")
            #expect(try a.tryAdvisoryLock(key))
            #expect(try !b.tryAdvisoryLock(key))
            #expect(try a.advisoryUnlock(key))
            #expect(try b.tryAdvisoryLock(key))
            #expect(try !a.advisoryUnlock(key))
        }
    }

    @Test func sessionLock_isReleasedWhenTheHoldersConnectionDies() throws {
        try PostgresCluster.withDatabase { url in
            var holder: PostgresConnection? = try PostgresConnection(url: url)
            let other = try PostgresConnection(url: url)
            let key = AdvisoryLockKey(name: "upload:2")
            #expect(try holder!.tryAdvisoryLock(key))
            #expect(try !other.tryAdvisoryLock(key))
            holder = nil  // PQfinish: the session ends, as when an instance is killed
            #expect(holder == nil)
            // The server frees the session's locks as its backend exits; wait for that, not for a time.
            var taken = false
            for _ in 0..<1000 where !taken {
                taken = try other.tryAdvisoryLock(key)
                if !taken { usleep(10_000) }
            }
            #expect(taken)
        }
    }

    @Test func transactionLock_isReleasedAtCommit() throws {
        try PostgresCluster.withDatabase { url in
            let a = try PostgresConnection(url: url)
            let b = try PostgresConnection(url: url)
            let key = AdvisoryLockKey(7)
            try a.transaction { () throws in
                #expect(try a.tryAdvisoryTransactionLock(key))
                #expect(try !b.tryAdvisoryLock(key))
            }
            #expect(try b.tryAdvisoryLock(key))
        }
    }

    @Test func withAdvisoryLock_releasesAlsoWhenTheBodyThrows() throws {
        struct Failure: Error {}
        try PostgresCluster.withDatabase { url in
            let a = try PostgresConnection(url: url)
            let b = try PostgresConnection(url: url)
            let key = AdvisoryLockKey(name: "sweeper")
            #expect(throws: Failure.self) {
                try a.withAdvisoryLock(key) {
                    #expect(try !b.tryAdvisoryLock(key))
                    throw Failure()
                }
            }
            #expect(try b.tryAdvisoryLock(key))
        }
    }
}
