import Dispatch
import Glibc
import KandasTestSupport
import PostgresKit
import Synchronization
import Testing

/// The change feed's positions: dense and in commit order, so an incremental reader never skips a row.
@Suite(.serialized) struct PostgresFeedCounterTests {
    private static let feed = PostgresFeedCounter(name: "changes")

    private func setUp(_ url: PostgresURL) throws -> PostgresConnection {
        let db = try PostgresConnection(url: url)
        try db.execute("CREATE TABLE changes(id bigserial PRIMARY KEY, pos bigint UNIQUE, body text NOT NULL)")
        try Self.feed.install(on: db)
        return db
    }

    /// Writes one change whose position is taken at commit.
    private func write(_ body: String, on db: PostgresConnection) throws {
        let id = try db.queryOne("INSERT INTO changes(body) VALUES ($1) RETURNING id", body)!.int("id")
        try Self.feed.reserveAtCommit(1, on: db) { positions in
            try db.run("UPDATE changes SET pos = $1 WHERE id = $2", positions.lowerBound, id)
        }
    }

    private func read(after cursor: Int64, on db: PostgresConnection) throws -> [(Int64, String)] {
        try db.query("SELECT pos, body FROM changes WHERE pos > $1 ORDER BY pos", cursor).map {
            (try $0.int("pos"), try $0.string("body"))
        }
    }

    @Test func bigserialPositions_skipARowThatCommitsLate_theFailureThisCounterPrevents() throws {
        try PostgresCluster.withDatabase { url in
            let a = try setUp(url)
            let b = try PostgresConnection(url: url)
            let reader = try PostgresConnection(url: url)
            var cursor: Int64 = 0
            var seen: [String] = []
            try a.transaction {
                try a.run("INSERT INTO changes(body) VALUES ('a')")  // id 1, not yet committed
                try b.transaction { try b.run("INSERT INTO changes(body) VALUES ('b')") }  // id 2, committed
                for row in try reader.query("SELECT id, body FROM changes WHERE id > $1 ORDER BY id", cursor) {
                    cursor = try row.int("id")
                    seen.append(try row.string("body"))
                }
            }
            for row in try reader.query("SELECT id, body FROM changes WHERE id > $1 ORDER BY id", cursor) {
                seen.append(try row.string("body"))
            }
            #expect(seen == ["b"])  // 'a' was skipped for ever
        }
    }

    @Test func transactionThatStartedFirstButCommitsLast_getsTheLaterPosition_andIsRead() throws {
        try PostgresCluster.withDatabase { url in
            let a = try setUp(url)
            let b = try PostgresConnection(url: url)
            let reader = try PostgresConnection(url: url)
            var cursor: Int64 = 0
            var seen: [(Int64, String)] = []
            try a.transaction {
                try write("a", on: a)
                try b.transaction { try write("b", on: b) }
                let page = try read(after: cursor, on: reader)
                seen += page
                cursor = page.last?.0 ?? cursor
            }
            seen += try read(after: cursor, on: reader)
            #expect(seen.map(\.0) == [1, 2])
            #expect(seen.map(\.1) == ["b", "a"])
        }
    }

    @Test func writerWaitingForTheCounter_isNeverVisibleBeforeTheHolderCommits() throws {
        try PostgresCluster.withDatabase { url in
            let a = try setUp(url)
            let reader = try PostgresConnection(url: url)
            let bPID = Mutex<Int32>(0)
            let bDone = DispatchSemaphore(value: 0)
            let bError = Mutex<String?>(nil)
            try a.transaction {
                // What a commit hook does, done in the body so the transaction can wait here holding the counter.
                let id = try a.queryOne("INSERT INTO changes(body) VALUES ('a') RETURNING id")!.int("id")
                let positions = try Self.feed.take(1, on: a)
                try a.run("UPDATE changes SET pos = $1 WHERE id = $2", positions.lowerBound, id)
                DispatchQueue.global().async {
                    do {
                        let b = try PostgresConnection(url: url)
                        bPID.withLock { $0 = b.backendPID }
                        try b.transaction { try write("b", on: b) }
                    } catch {
                        bError.withLock { $0 = "\(error)" }
                    }
                    bDone.signal()
                }
                // Wait until b blocks on the counter's row lock (the server says so), not for a time.
                var waiting = false
                for _ in 0..<2000 where !waiting {
                    let pid = bPID.withLock { $0 }
                    if pid != 0 {
                        waiting =
                            try reader.scalar(
                                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
                                Int64(pid)) == .integer(1)
                    }
                    if !waiting { usleep(5_000) }
                }
                #expect(waiting)
                #expect(try read(after: 0, on: reader).isEmpty)
            }
            bDone.wait()
            #expect(bError.withLock { $0 } == nil)
            // b waited for the counter and took its position after a committed.
            let rows = try read(after: 0, on: reader)
            #expect(rows.map(\.1) == ["a", "b"])
            #expect(rows.map(\.0) == [1, 2])
        }
    }

    @Test func concurrentWriters_incrementalReader_seesEveryRowExactlyOnceInPositionOrder() throws {
        try PostgresCluster.withDatabase { url in
            _ = try setUp(url)
            let writers = 6
            let perWriter = 40
            let group = DispatchGroup()
            let failures = Counter()
            for w in 0..<writers {
                DispatchQueue.global().async(group: group) {
                    do {
                        let db = try PostgresConnection(url: url)
                        for i in 0..<perWriter {
                            try db.transaction {
                                try write("w\(w)-\(i)", on: db)
                                if i % 2 == 0 { try write("w\(w)-\(i)x", on: db) }
                            }
                        }
                    } catch {
                        failures.add()
                    }
                }
            }
            let total = writers * (perWriter + perWriter / 2)
            let reader = try PostgresConnection(url: url)
            var cursor: Int64 = 0
            var seen: [String] = []
            var finished = false
            while !finished {
                finished = group.wait(timeout: .now()) == .success
                for (position, body) in try read(after: cursor, on: reader) {
                    #expect(position == cursor + 1)  // dense: never a gap the reader could skip
                    cursor = position
                    seen.append(body)
                }
            }
            seen += try read(after: cursor, on: reader).map(\.1)
            #expect(failures.value == 0)
            #expect(seen.count == total)
            #expect(Set(seen).count == total)
        }
    }
}
