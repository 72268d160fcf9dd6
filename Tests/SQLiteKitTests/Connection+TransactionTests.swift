import SQLiteKit
import Testing

struct Boom: Error, Equatable { var id = 1 }

@Suite struct ConnectionTransactionTests {
    let db: Connection

    init() throws {
        db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t(x INTEGER NOT NULL) STRICT")
    }

    func count() throws -> Int64 { try db.queryOne("SELECT count(*) AS n FROM t")!.int("n") }

    @Test func committedTransaction_keepsItsWrites() throws {
        let value = try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            return "done"
        }
        #expect(value == "done")
        #expect(try count() == 1)
        #expect(!db.isInTransaction)
    }

    @Test func throwingBody_rollsBackAndRethrowsItsError() throws {
        #expect(throws: Boom(id: 7)) {
            try db.transaction {
                try db.run("INSERT INTO t VALUES (1)")
                throw Boom(id: 7)
            }
        }
        #expect(try count() == 0)
        #expect(!db.isInTransaction)
    }

    @Test func firstError_winsOverTheRollback() throws {
        // The body ends the transaction itself, so the helper's ROLLBACK fails too; the body's
        // error must still be the one that surfaces.
        #expect(throws: Boom(id: 2)) {
            try db.transaction {
                try db.execute("ROLLBACK")
                throw Boom(id: 2)
            }
        }
    }

    @Test func failedCommit_rollsBackAndThrows() throws {
        try db.execute(
            "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)"
        )
        #expect { try db.transaction { try db.run("INSERT INTO c VALUES (9)") } } throws: {
            ($0 as? SQLiteError)?.isConstraint == true
        }
        #expect(!db.isInTransaction)
        #expect(try db.scalar("SELECT count(*) FROM c") == .integer(0))
    }

    @Test func nestedFailure_undoesOnlyTheSavepoint() throws {
        try db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            #expect(throws: Boom.self) {
                try db.transaction {
                    try db.run("INSERT INTO t VALUES (2)")
                    try db.transaction { try db.run("INSERT INTO t VALUES (3)") }
                    throw Boom()
                }
            }
            try db.transaction { try db.run("INSERT INTO t VALUES (4)") }
        }
        #expect(try db.query("SELECT x FROM t ORDER BY x").map { try $0.int("x") } == [1, 4])
    }

    @Test func outerFailure_undoesCommittedSavepoints() throws {
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.transaction { try db.run("INSERT INTO t VALUES (1)") }
                throw Boom()
            }
        }
        #expect(try count() == 0)
    }

    @Test func explicitBegin_nestsAsSavepoint() throws {
        try db.execute("BEGIN")
        try? db.transaction {
            try db.run("INSERT INTO t VALUES (1)")
            throw Boom()
        }
        #expect(db.isInTransaction)
        try db.execute("COMMIT")
        #expect(try count() == 0)
    }
}
