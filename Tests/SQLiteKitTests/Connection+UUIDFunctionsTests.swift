import Foundation
import SQLiteKit
import Testing

/// `kid(x)` / `ktext(x)` (UUIDs stored as 16-byte blobs): lossless both ways, on every connection.
@Suite struct ConnectionUUIDFunctionsTests {
    let uuid = "0f8e2a4c-9b1d-4e3f-a567-89abcdef0123"

    @Test func kid_turnsACanonicalUUIDInto16Bytes_andKtextBack() throws {
        let db = try Connection(path: ":memory:")
        let bytes: [UInt8] = [
            0x0f, 0x8e, 0x2a, 0x4c, 0x9b, 0x1d, 0x4e, 0x3f, 0xa5, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23,
        ]
        #expect(try db.scalar("SELECT kid(?)", uuid) == .blob(bytes))
        #expect(try db.scalar("SELECT ktext(kid(?))", uuid) == .text(uuid))
        #expect(try db.scalar("SELECT ktext(?)", SQLValue.blob(bytes)) == .text(uuid))
        #expect(
            try db.scalar("SELECT ktext(X'000102030405060708090a0b0c0d0e0f')")
                == .text("00010203-0405-0607-0809-0a0b0c0d0e0f"))
    }

    @Test(arguments: [
        "", "d1", "0F8E2A4C-9B1D-4E3F-A567-89ABCDEF0123", "0f8e2a4c-9b1d-4e3f-a567-89abcdef012",
        "0f8e2a4c-9b1d-4e3f-a567-89abcdef01234", "0f8e2a4c09b1d-4e3f-a567-89abcdef0123",
        "0f8e2a4c-9b1d-4e3f-a567-89abcdef012g", "{f8e2a4c-9b1d-4e3f-a567-89abcdef012}",
    ])
    func kid_leavesEveryOtherTextAsItIs(text: String) throws {
        let db = try Connection(path: ":memory:")
        #expect(try db.scalar("SELECT kid(?)", text) == .text(text))
        #expect(try db.scalar("SELECT ktext(kid(?))", text) == .text(text))
    }

    @Test func nullNumbersAndOtherBlobs_passThroughBoth() throws {
        let db = try Connection(path: ":memory:")
        for function in ["kid", "ktext"] {
            #expect(try db.scalar("SELECT \(function)(NULL)") == .null)
            #expect(try db.scalar("SELECT \(function)(42)") == .integer(42))
            #expect(try db.scalar("SELECT \(function)(X'0102')") == .blob([1, 2]))
        }
        // 16 bytes of text are not a blob: ktext leaves them.
        #expect(try db.scalar("SELECT ktext('0123456789abcdef')") == .text("0123456789abcdef"))
    }

    @Test func aColumnWrittenThroughKid_matchesKidOfTheSameText_only() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t(id ANY NOT NULL) STRICT; CREATE INDEX t_id ON t(id);")
        for text in [uuid, "", "d1"] { try db.run("INSERT INTO t VALUES(kid(?))", text) }
        for text in [uuid, "", "d1"] {
            #expect(
                try db.query("SELECT ktext(id) FROM t WHERE id = kid(?)", text).map { $0.values[0] } == [.text(text)])
        }
        #expect(try db.query("SELECT 1 FROM t WHERE id = ?", uuid).isEmpty)
        #expect(try db.query("SELECT 1 FROM t WHERE id = kid(?)", uuid.uppercased()).isEmpty)
        let plan = try db.query("EXPLAIN QUERY PLAN SELECT 1 FROM t WHERE id = kid(?)", uuid).map {
            try $0.string("detail")
        }
        #expect(plan.contains { $0.contains("USING COVERING INDEX t_id (id=?)") })
    }

    @Test func poolReadersAndTheWriter_allHaveTheFunctions() async throws {
        try await withTemporaryDirectory { dir in
            let pool = try DatabasePool(path: dir + "/a.sqlite", readers: 2)
            defer { pool.close() }
            #expect(try pool.writeSync { try $0.scalar("SELECT ktext(kid(?))", uuid) } == .text(uuid))
            #expect(try pool.readSync { try $0.scalar("SELECT ktext(kid(?))", uuid) } == .text(uuid))
        }
    }
}
