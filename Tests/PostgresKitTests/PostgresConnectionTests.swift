import KandasTestSupport
import PostgresKit
import Testing

@Suite(.serialized) struct PostgresConnectionTests {
    @Test func typedValues_roundTripThroughBindsAndReads() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute(
                "CREATE TABLE t(i bigint, small integer, r double precision, s text, b bytea, f boolean, n text, j jsonb)"
            )
            let bytes: [UInt8] = [0, 1, 2, 0xfe, 0xff]
            try db.run(
                "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", Int64.min, 42, 0.5, "Қазақ ✓", bytes, true,
                String?.none, "{\"a\": 1}")
            let row = try #require(try db.queryOne("SELECT * FROM t"))
            #expect(try row.int("i") == Int64.min)
            #expect(try row.int("small") == 42)
            #expect(try row.double("r") == 0.5)
            #expect(try row.string("s") == "Қазақ ✓")
            #expect(row.bytes("b") == bytes)
            #expect(try row.bool("f"))
            #expect(row["n"] == .null)
            #expect(try row.string("j") == "{\"a\": 1}")
        }
    }

    @Test func emptyBytes_andEmptyText_stayDistinctFromNull() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            let row = try #require(try db.queryOne("SELECT $1::bytea AS b, $2::text AS s", [UInt8](), ""))
            #expect(row.bytes("b") == [])
            #expect(try row.string("s") == "")
        }
    }

    @Test func textParameter_takesTheTypeTheStatementNeeds() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE e(at timestamptz, body jsonb, id uuid)")
            try db.run(
                "INSERT INTO e VALUES ($1, $2, $3)", "2026-12-06T10:00:00Z", "{\"k\": [1, 2]}",
                "0193a7c4-0000-7000-8000-000000000001")
            let row = try #require(
                try db.queryOne("SELECT at + interval '1 day' AS next, body->'k'->>1 AS second FROM e"))
            #expect(try row.string("next") == "2026-12-07 10:00:00+00")
            #expect(try row.string("second") == "2")
        }
    }

    @Test func run_returnsTheNumberOfRowsChanged() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(x bigint)")
            #expect(try db.run("INSERT INTO t SELECT generate_series(1, $1)", 5) == 5)
            #expect(try db.run("UPDATE t SET x = x * 10 WHERE x > $1", 2) == 3)
            #expect(try db.run("DELETE FROM t") == 5)
        }
    }

    @Test func sameStatementWithNullAndValue_bothWork() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(x bigint)")
            try db.run("INSERT INTO t VALUES ($1)", Int64?.none)
            try db.run("INSERT INTO t VALUES ($1)", Int64?.some(7))
            #expect(try db.scalar("SELECT count(x) FROM t") == .integer(1))
        }
    }

    @Test func serverError_carriesSQLStateMessageAndSQL() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            try db.execute("CREATE TABLE t(id bigint PRIMARY KEY)")
            try db.run("INSERT INTO t VALUES ($1)", 1)
            #expect {
                try db.run("INSERT INTO t VALUES ($1)", 1)
            } throws: { error in
                guard let error = error as? PostgresError else { return false }
                return error.isUniqueViolation && error.sqlState == "23505" && error.kind == .server
                    && error.message.contains("duplicate key") && error.sql == "INSERT INTO t VALUES ($1)"
            }
            // The connection stays usable.
            #expect(try db.scalar("SELECT count(*) FROM t") == .integer(1))
        }
    }

    @Test func textWithNUL_isRefusedBeforeReachingTheServer() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            #expect(throws: PostgresError.self) { try db.scalar("SELECT $1::text", "a\u{0}b") }
        }
    }

    @Test func wrongPassword_errorNamesTheServerButNotThePassword() throws {
        let cluster = try PostgresCluster.shared()
        let url = try PostgresURL("postgresql://kandas:SuperSecret99@127.0.0.1:\(cluster.port)/no_such_database")
        do {
            _ = try PostgresConnection(url: url)
            Issue.record("connected to a database that does not exist")
        } catch {
            let text = "\(error)"
            #expect(error.kind == .connection)
            #expect(text.contains("no_such_database"))
            #expect(text.contains("127.0.0.1"))
            #expect(!text.contains("SuperSecret99"))
        }
    }

    @Test func unreachableServer_failsWithAConnectionError() throws {
        let port = try Loopback.freePort()
        let url = try PostgresURL("postgresql://kandas:pw@127.0.0.1:\(port)/kandas?connect_timeout=2")
        #expect {
            try PostgresConnection(url: url)
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.kind == .connection && error.isUnavailable && !"\(error)".contains(":pw@")
        }
    }

    @Test func brokenSession_isReportedAsUnavailable() throws {
        try PostgresCluster.withDatabase { url in
            let db = try PostgresConnection(url: url)
            let killer = try PostgresConnection(url: url)
            try killer.run("SELECT pg_terminate_backend($1::int)", Int64(db.backendPID))
            #expect {
                try db.scalar("SELECT 1")
            } throws: { error in
                (error as? PostgresError)?.isUnavailable == true
            }
            #expect(db.isBroken)
        }
    }
}
