import Foundation
import Testing

@testable import SQLiteKit

/// A UUID text bound to a parameter the SQL uses only as `kid(?)` is bound as its 16 bytes
/// (`KidParameters`, `Statement.bind(count:_:)`): the answers and stored bytes are those of the text bound.
@Suite struct KidParametersTests {
    let uuid = "0f8e2a4c-9b1d-4e3f-a567-89abcdef0123"

    @Test(
        arguments: [
            ("SELECT kid(?)", 1, [true]),
            ("SELECT KID ( ? ), Kid(/* c */?)", 2, [true, true]),
            ("SELECT kid(?), ?", 2, [true, false]),
            ("SELECT kid(?1) WHERE ?1 IS NOT NULL", 1, [false]),
            ("SELECT kid(?2), ?1, kid(?)", 3, [false, true, true]),
            ("SELECT ?2, kid(?1)", 2, [true, false]),
            ("SELECT xkid(?), kidx(?), ktext(?), kid(?||'')", 4, [false, false, false, false]),
            ("SELECT kid(?) -- kid(?)\n, 'kid(?) '' ?', \"kid(?)\", [?], `?`", 1, [true]),
            ("SELECT kid((?)), kid(?, 1), kid(kid(?))", 3, [false, false, true]),
            ("SELECT kid(?) /* ? */ + ?", 2, [true, false]),
        ] as [(String, Int, [Bool])])
    func find_readsTheParameters_asSQLiteNumbersThem(sql: String, count: Int, expected: [Bool]) {
        #expect(KidParameters.find(in: sql, expectedCount: count) == expected)
    }

    @Test(arguments: [
        ("SELECT kid(:a)", 1), ("SELECT kid(@a)", 1), ("SELECT kid($a)", 1), ("SELECT 1", 0),
        ("SELECT kid(?) /* open", 1), ("SELECT 'open kid(?)", 1), ("SELECT kid(?)", 2), ("SELECT kid(?0)", 1),
    ])
    func find_hasNoneWhereTheSQLIsNotReadWithCertainty(sql: String, count: Int) {
        #expect(KidParameters.find(in: sql, expectedCount: count) == nil)
    }

    @Test func preparedStatements_knowTheirKidParameters() throws {
        let db = try Connection(path: ":memory:")
        #expect(try db.prepare("SELECT kid(?), ktext(?), kid(?3) = ?3").kidOnly == [true, false, false])
        #expect(try db.prepare("SELECT kid(:id)").kidOnly == [])
    }

    /// Every kind of value through `kid(?)` alone (the 16-byte bind for canonical UUID text) answers as
    /// through `kid(?1)` with `?1` also used bare (the text bound, as before).
    @Test(arguments: [
        "0f8e2a4c-9b1d-4e3f-a567-89abcdef0123", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff", "0F8E2A4C-9B1D-4E3F-A567-89ABCDEF0123",
        "0f8e2a4c-9b1d-4e3f-a567-89abcdef012", "0f8e2a4c-9b1d-4e3f-a567-89abcdef01234",
        "0f8e2a4c09b1d-4e3f-a567-89abcdef0123", "0f8e2a4c-9b1d-4e3f-a567-89abcdef012g",
        "0f8e2a4c-9b1d-4e3f-a567-89abcdef012/", "0f8e2a4c-9b1d-4e3f-a567-89abcdef012:",
        "0f8e2a4c-9b1d-4e3f-a567-89abcdef012`", "-f8e2a4c-9b1d-4e3f-a567-89abcdef0123",
        "{f8e2a4c-9b1d-4e3f-a567-89abcdef012}", "0f8e2a4c-9b1d-4e3f-a567-89abcdef01é", "", "d1",
        String(repeating: "a", count: 36), String(repeating: "-", count: 36),
    ])
    func kidAlone_answersAsTheTextDid(text: String) throws {
        let db = try Connection(path: ":memory:")
        try expectSame(db, .text(text))
    }

    @Test func kidAlone_passesOtherValuesAsBefore() throws {
        let db = try Connection(path: ":memory:")
        for value: SQLValue in [.null, .integer(42), .real(1.5), .blob([1, 2]), .blob(Array(0..<16))] {
            try expectSame(db, value)
        }
    }

    func expectSame(_ db: Connection, _ value: SQLValue) throws {
        let fast = try db.prepare("SELECT kid(?), typeof(kid(?)), ktext(kid(?))")
        #expect(fast.kidOnly == [true, true, true])
        try fast.bind(count: 3) { _ in value }
        let old = try db.prepare("SELECT kid(?1), typeof(kid(?1)), ktext(kid(?1)), ?1")
        try old.bind(count: 1) { _ in value }
        let got = try #require(try fast.next()).values
        let want = try #require(try old.next()).values
        #expect(got == Array(want.prefix(3)))
        #expect(want[3] == value)
    }

    /// Rows written and compared through `kid(?)` alone hold the bytes the text made, and find them.
    @Test func storedBytesAndLookUps_areTheTextsOnes() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t(n INTEGER, id ANY) STRICT; CREATE INDEX t_id ON t(id)")
        let texts = [uuid, uuid.uppercased(), "", "d1", String(repeating: "a", count: 36)]
        for (n, text) in texts.enumerated() {
            try db.run("INSERT INTO t VALUES(?, kid(?))", n, text)
            try db.run("INSERT INTO t SELECT ?1 + 100, kid(?2) WHERE ?2 IS NULL OR 1", n, text)
        }
        let stored = try db.query("SELECT n, hex(id), typeof(id) FROM t ORDER BY n").map(\.values)
        for (n, _) in texts.enumerated() {
            let pair = stored.filter { $0[0] == .integer(Int64(n)) || $0[0] == .integer(Int64(n + 100)) }
            #expect(pair.count == 2 && pair[0][1...] == pair[1][1...])
        }
        #expect(stored.first?[2] == .text("blob"))
        for text in texts {
            let found = try db.query("SELECT n FROM t WHERE id = kid(?) AND n < 100", text).map(\.values)
            #expect(found == [[.integer(Int64(texts.firstIndex(of: text)!))]])
        }
    }

    /// The 16 bytes live in the statement's text block: rebinding, and outgrowing the block, keep every
    /// bound value intact.
    @Test func manyUUIDsInOneBind_outgrowingTheBlock_keepTheirBytes() throws {
        let db = try Connection(path: ":memory:")
        let ids = (0..<40).map { _ in UUID().uuidString.lowercased() }
        let sql = "SELECT " + Array(repeating: "ktext(kid(?))", count: ids.count).joined(separator: ", ")
        for _ in 0..<3 {
            let row = try #require(try db.queryOne(sql, count: ids.count) { .text(ids[$0]) })
            #expect(row.values == ids.map { .text($0) })
        }
    }
}
