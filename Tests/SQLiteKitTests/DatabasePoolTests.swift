import Dispatch
import Foundation
import SQLiteKit
import Testing

/// Lets a test pause a closure running on a pool queue (blocking there is allowed: those are
/// not cooperative threads) and learn when it got there.
final class Checkpoint: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    let reached: AsyncStream<Void>
    private let reachedContinuation: AsyncStream<Void>.Continuation

    init() { (reached, reachedContinuation) = AsyncStream.makeStream() }

    /// Called on the pool's queue: announce arrival, then wait for `release()`.
    func arriveAndWait() {
        reachedContinuation.yield()
        semaphore.wait()
    }

    func release() { semaphore.signal() }

    func waitUntilReached() async {
        for await _ in reached { return }
    }
}

@Suite struct DatabasePoolTests {
    func makePool(_ dir: String, readers: Int = 2) throws -> DatabasePool {
        var migrator = Migrator()
        migrator.register("001-items") { db in
            try db.execute(
                "CREATE TABLE items(id INTEGER PRIMARY KEY, task INTEGER NOT NULL, n INTEGER NOT NULL) STRICT")
        }
        return try DatabasePool(path: dir + "/pool.sqlite", readers: readers, migrator: migrator)
    }

    static func count(_ db: Connection) throws -> Int64 { try db.queryOne("SELECT count(*) AS c FROM items")!.int("c") }

    @Test func pool_migratesAndConfiguresEveryConnection() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            defer { pool.close() }
            let writerPragmas = try await pool.write { db in
                [try db.scalar("PRAGMA journal_mode"), try db.scalar("PRAGMA synchronous")]
            }
            #expect(writerPragmas == [.text("wal"), .integer(2)])
            let readerPragmas = try await pool.read { db in
                [try db.scalar("PRAGMA query_only"), try db.scalar("PRAGMA synchronous")]
            }
            #expect(readerPragmas == [.integer(1), .integer(2)])
            #expect(try await pool.read { db in try db.exists("SELECT 1 FROM schema_migrations") })
        }
    }

    @Test func writerTempStore_isInMemory_readersKeepFiles() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            defer { pool.close() }
            // 2 = MEMORY: savepoint sub-journals and statement journals of writes stay off disk.
            #expect(try await pool.write { db in try db.scalar("PRAGMA temp_store") } == .integer(2))
            #expect(try await pool.read { db in try db.scalar("PRAGMA temp_store") } == .integer(0))
        }
    }

    @Test func writerCheckpointsEvery8000Pages_unlessTold() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            defer { pool.close() }
            #expect(pool.checkpointThresholdPages == 8000)
            var options = Connection.Options()
            options.walAutocheckpointPages = 500
            let other = try DatabasePool(path: dir + "/other.sqlite", readers: 1, options: options)
            defer { other.close() }
            #expect(other.checkpointThresholdPages == 500)
        }
    }

    @Test func concurrentAsyncWrites_serializeWithoutLoss() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            defer { pool.close() }
            let tasks = 8
            let inserts = 25
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<tasks {
                    group.addTask {
                        for n in 0..<inserts {
                            try await pool.write { db in try db.run("INSERT INTO items(task, n) VALUES (?, ?)", task, n)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.read(Self.count) == Int64(tasks * inserts))
            let perTask = try await pool.read { db in
                try db.query("SELECT count(DISTINCT n) AS c FROM items GROUP BY task").map { try $0.int("c") }
            }
            #expect(perTask == Array(repeating: Int64(inserts), count: tasks))
        }
    }

    @Test func readerSnapshot_staysStableWhileTheWriterCommits() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            defer { pool.close() }
            try await pool.write { db in try db.run("INSERT INTO items(task, n) VALUES (0, 0)") }
            let checkpoint = Checkpoint()
            let reader = Task {
                try await pool.read { db in
                    let before = try Self.count(db)
                    checkpoint.arriveAndWait()
                    return [before, try Self.count(db)]
                }
            }
            await checkpoint.waitUntilReached()
            // The reader is mid-transaction on its queue; the writer must not wait for it.
            try await pool.write { db in try db.run("INSERT INTO items(task, n) VALUES (0, 1)") }
            checkpoint.release()
            #expect(try await reader.value == [1, 1])
            #expect(try await pool.read(Self.count) == 2)
        }
    }

    @Test func readers_areNotBlockedByAnOpenWriteTransaction() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            defer { pool.close() }
            let checkpoint = Checkpoint()
            let writer = Task {
                try await pool.write { db in
                    try db.run("INSERT INTO items(task, n) VALUES (1, 1)")
                    checkpoint.arriveAndWait()
                }
            }
            await checkpoint.waitUntilReached()
            // Would hang (test time-out) if readers waited for the writer.
            #expect(try await pool.read(Self.count) == 0)
            #expect(try await offCooperativePool { try pool.readSync(Self.count) } == 0)
            checkpoint.release()
            try await writer.value
            #expect(try await pool.read(Self.count) == 1)
        }
    }

    @Test func moreReadsThanReaders_queueAndAllComplete() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir, readers: 1)
            defer { pool.close() }
            let results = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<20 { group.addTask { try await pool.read(Self.count) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results == Array(repeating: 0, count: 20))
        }
    }

    @Test func failedWrite_rollsBackAndRethrows() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            defer { pool.close() }
            await #expect(throws: Boom(id: 5)) {
                try await pool.write { db in
                    try db.run("INSERT INTO items(task, n) VALUES (1, 1)")
                    throw Boom(id: 5)
                }
            }
            #expect(try await pool.read(Self.count) == 0)
        }
    }

    @Test func syncAPIs_workFromDedicatedThreadsAndRefuseReentrancy() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            defer { pool.close() }
            let count = try await offCooperativePool {
                try pool.writeSync { db in try db.run("INSERT INTO items(task, n) VALUES (1, 1)") }
                return try pool.readSync(Self.count)
            }
            #expect(count == 1)
            let nested = try await offCooperativePool {
                try pool.writeSync { _ in
                    do {
                        try pool.writeSync { _ in }
                        return false
                    } catch {
                        return (error as? SQLiteError)?.kind == .misuse
                    }
                }
            }
            #expect(nested)
        }
    }

    @Test func readers_cannotWrite() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            defer { pool.close() }
            await #expect(throws: SQLiteError.self) {
                try await pool.read { db in try db.run("INSERT INTO items(task, n) VALUES (1, 1)") }
            }
        }
    }

    @Test func backupWhileWriting_producesAConsistentFile() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            defer { pool.close() }
            let writes = Task {
                for n in 0..<300 {
                    try await pool.write { db in
                        // Two rows per transaction: a consistent copy never has an odd count.
                        try db.run("INSERT INTO items(task, n) VALUES (0, ?), (1, ?)", n, n)
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(20))
            try await offCooperativePool { try pool.backup(to: dir + "/backup.sqlite") }
            try await writes.value
            let copy = try Connection(path: dir + "/backup.sqlite", options: .init(journalMode: nil))
            #expect(try copy.integrityCheck() == [])
            let rows = try Self.count(copy)
            #expect(rows % 2 == 0)
            let pairs = try copy.queryOne("SELECT count(DISTINCT n) AS c, coalesce(max(n), -1) AS m FROM items")!
            #expect(try pairs.int("c") * 2 == rows)
            #expect(try pairs.int("m") + 1 == rows / 2)
        }
    }

    @Test func closedPool_refusesWork() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            pool.close()
            await #expect { try await pool.read(Self.count) } throws: { ($0 as? SQLiteError)?.kind == .closed }
            await #expect { try await pool.write(Self.count) } throws: { ($0 as? SQLiteError)?.kind == .closed }
        }
    }

    @Test func closeFromInsideAWrite_finishesThatWriteThenRefuses() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try makePool(dir)
            try await pool.write { db in
                try db.run("INSERT INTO items(task, n) VALUES (1, 1)")
                pool.close()
            }
            await #expect { try await pool.write(Self.count) } throws: { ($0 as? SQLiteError)?.kind == .closed }
            let reopened = try makePool(dir)
            defer { reopened.close() }
            #expect(try await reopened.read(Self.count) == 1)
        }
    }

    @Test func inMemoryPath_isRefused() {
        #expect { _ = try DatabasePool(path: ":memory:") } throws: { ($0 as? SQLiteError)?.kind == .misuse }
    }
}
