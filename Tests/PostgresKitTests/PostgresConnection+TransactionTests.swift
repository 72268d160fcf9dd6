import Dispatch
import KandasTestSupport
import PostgresKit
import Testing

private struct Boom: Error {}

@Suite(.serialized) struct PostgresConnectionTransactionTests {
    @Test func transaction_commitsWhenTheBodyReturns() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(x bigint)")
            try db.transaction { try db.run("INSERT INTO t VALUES (1)") }
            #expect(!db.isInTransaction)
            #expect(try db.scalar("SELECT count(*) FROM t") == .integer(1))
        }
    }

    @Test func transaction_rollsBackAndRethrowsTheBodysError() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(x bigint)")
            #expect(throws: Boom.self) {
                try db.transaction {
                    try db.run("INSERT INTO t VALUES (1)")
                    throw Boom()
                }
            }
            #expect(!db.isInTransaction)
            #expect(try db.scalar("SELECT count(*) FROM t") == .integer(0))
        }
    }

    @Test func swallowedStatementError_failsTheCommitInsteadOfLosingWritesSilently() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(x bigint PRIMARY KEY)")
            #expect {
                try db.transaction {
                    try db.run("INSERT INTO t VALUES (1)")
                    _ = try? db.run("INSERT INTO t VALUES (1)")
                }
            } throws: { error in
                (error as? PostgresError)?.sqlState == "25P02"
            }
            #expect(try db.scalar("SELECT count(*) FROM t") == .integer(0))
        }
    }

    @Test func nestedTransaction_undoesOnlyTheInnerWork() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(x bigint PRIMARY KEY)")
            try db.transaction {
                try db.run("INSERT INTO t VALUES (1)")
                #expect(throws: PostgresError.self) {
                    try db.transaction {
                        try db.run("INSERT INTO t VALUES (2)")
                        try db.run("INSERT INTO t VALUES (1)")
                    }
                }
                try db.run("INSERT INTO t VALUES (3)")
            }
            let values = try db.query("SELECT x FROM t ORDER BY x").map { try $0.int("x") }
            #expect(values == [1, 3])
        }
    }

    @Test func beforeCommitHooks_runInOrderAfterTheBody() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(step text)")
            try db.transaction {
                try db.beforeCommit { try db.run("INSERT INTO t VALUES ('hook 1')") }
                try db.beforeCommit { try db.run("INSERT INTO t VALUES ('hook 2')") }
                try db.run("INSERT INTO t VALUES ('body')")
            }
            let steps = try db.query("SELECT step FROM t ORDER BY ctid").map { try $0.string("step") }
            #expect(steps == ["body", "hook 1", "hook 2"])
            #expect(throws: PostgresError.self) { try db.beforeCommit {} }
        }
    }

    @Test func serializationFailure_isRetriedUntilTheTransactionCommits() throws {
        try PostgresCluster.withDatabase { url in
            let setup = try PostgresConnection(url: url)
            try setup.execute("CREATE TABLE c(id int PRIMARY KEY, n bigint NOT NULL); INSERT INTO c VALUES (1, 0)")
            let writers = 4
            let increments = 25
            let group = DispatchGroup()
            let failures = Counter()
            for _ in 0..<writers {
                DispatchQueue.global().async(group: group) {
                    do {
                        let db = try PostgresConnection(url: url)
                        for _ in 0..<increments {
                            try db.retryingTransaction(.serializable, attempts: 100) {
                                let n = try db.queryOne("SELECT n FROM c WHERE id = 1")!.int("n")
                                try db.run("UPDATE c SET n = $1 WHERE id = 1", n + 1)
                            }
                        }
                    } catch {
                        failures.add()
                    }
                }
            }
            group.wait()
            #expect(failures.value == 0)
            #expect(try setup.scalar("SELECT n FROM c") == .integer(Int64(writers * increments)))
        }
    }
}
