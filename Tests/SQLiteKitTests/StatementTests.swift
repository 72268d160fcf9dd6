import SQLiteKit
import Testing

@Suite struct StatementTests {
    let db: Connection

    init() throws {
        db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v ANY) STRICT")
    }

    @Test(arguments: [
        SQLValue.null, .integer(0), .integer(.min), .integer(.max), .real(-0.25), .real(1e300),
        .text(""), .text("Қазақстан 🇰🇿 naïve"), .text("nul\u{0}inside"), .blob([]), .blob([0, 255, 0, 1]),
    ])
    func everyValueKind_roundTripsExactly(value: SQLValue) throws {
        try db.run("INSERT INTO t(v) VALUES (?)", value)
        let row = try #require(try db.queryOne("SELECT v FROM t WHERE id = ?", db.lastInsertRowID))
        #expect(row["v"] == value)
    }

    @Test func emptyBlob_isNotNull() throws {
        try db.run("INSERT INTO t(v) VALUES (?)", [UInt8]())
        let row = try #require(try db.queryOne("SELECT v, typeof(v) AS type FROM t"))
        #expect(row.blob("v") == [])
        #expect(try row.string("type") == "blob")
    }

    @Test func wrongArgumentCount_isMisuse() throws {
        #expect {
            try db.run("INSERT INTO t(v) VALUES (?)")
        } throws: { error in
            (error as? SQLiteError)?.kind == .misuse
        }
    }

    @Test func preparedStatement_stepsResetsAndRebinds() throws {
        let insert = try db.prepare("INSERT INTO t(v) VALUES (?)")
        for value in 1...3 {
            try insert.bind(value)
            #expect(try insert.run() == 1)
        }
        let select = try db.prepare("SELECT v FROM t WHERE v >= ? ORDER BY v")
        try select.bind(2)
        #expect(select.columnNames == ["v"])
        #expect(try select.rows().map { try $0.int("v") } == [2, 3])
        select.reset()
        var seen: [Int64] = []
        while let row = try select.next() { seen.append(try row.int("v")) }
        #expect(seen == [2, 3])
    }

    @Test func cachedSelectStar_seesNewColumnsAfterASchemaChange() throws {
        try db.run("INSERT INTO t(v) VALUES (?)", 7)
        #expect(try db.queryOne("SELECT * FROM t")?.columns == ["id", "v"])
        // The cached statement is re-prepared by SQLite; its kept column layout must follow.
        try db.execute("ALTER TABLE t ADD COLUMN w TEXT")
        let row = try #require(try db.queryOne("SELECT * FROM t"))
        #expect(row.columns == ["id", "v", "w"])
        #expect(row["w"] == .null && row["v"] == .integer(7))
    }

    @Test func textsBoundByIndex_keepTheirBytes_whenTheyOutgrowTheTextBlock() throws {
        // Texts are copied into the statement's block as they are bound; those that do not fit move on
        // to a larger block while the earlier ones stay bound where they are. Sizes around the first
        // block's 256 bytes, repeated so the next binds start from the grown block.
        try db.execute("CREATE TABLE w(a TEXT, b ANY, c TEXT, d TEXT, e TEXT) STRICT")
        let sizes = [0, 1, 100, 200, 255, 256, 257, 700, 3000, 5]
        var expected: [[SQLValue]] = []
        for round in 0..<3 {
            for (k, size) in sizes.enumerated() {
                let values: [SQLValue] = [
                    .text(String(repeating: "a", count: size)), .integer(Int64(round * 100 + k)),
                    .text("é" + String(repeating: "c", count: sizes[(k + 3) % sizes.count])),
                    .text(String(repeating: "d", count: sizes[(k + 7) % sizes.count])), .text("e\(k)"),
                ]
                try db.run("INSERT INTO w VALUES (?, ?, ?, ?, ?)", count: values.count) { values[$0] }
                expected.append(values)
            }
        }
        let rows = try db.query("SELECT a, b, c, d, e FROM w ORDER BY rowid")
        #expect(rows.map { $0.values } == expected)
    }

    @Test func bindingByIndex_checksTheCount_asBindingAnArrayDoes() throws {
        let statement = try db.prepare("INSERT INTO t(v) VALUES (?)")
        #expect {
            try statement.bind(count: 2) { _ in .integer(1) }
        } throws: { error in
            (error as? SQLiteError)?.kind == .misuse
        }
        try statement.bind(count: 1) { _ in .text("x") }
        #expect(try statement.run() == 1)
    }

    @Test func multipleStatements_areRefusedByPrepare() throws {
        #expect {
            _ = try db.prepare("SELECT 1; SELECT 2")
        } throws: { error in
            (error as? SQLiteError)?.kind == .misuse
        }
        #expect(throws: SQLiteError.self) { _ = try db.prepare("  -- only a comment") }
        // A trailing semicolon or comment is fine.
        _ = try db.prepare("SELECT 1; -- done")
    }
}
