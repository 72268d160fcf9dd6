import SQLiteKit
import Testing

@Suite struct RowTests {
    let row: Row

    init() throws {
        let db = try Connection(path: ":memory:")
        row = try #require(
            try db.queryOne("SELECT 7 AS i, 2.5 AS r, 'x' AS s, x'00ff' AS b, NULL AS n, 1 AS flag, 3.0 AS whole"))
    }

    @Test func typedAccessors_readTheirTypes() throws {
        #expect(try row.int("i") == 7)
        #expect(try row.double("r") == 2.5)
        #expect(try row.double("i") == 7)
        #expect(try row.int("whole") == 3)
        #expect(try row.string("s") == "x")
        #expect(row.blob("b") == [0, 255])
        #expect(try row.bool("flag"))
        #expect(row.columns == ["i", "r", "s", "b", "n", "flag", "whole"])
        #expect(row[0] == .integer(7))
        #expect(row["I"] == .integer(7))
    }

    @Test func nullAndMissing_readAsNilOrNull() {
        #expect(row.optionalInt("n") == nil)
        #expect(row.optionalString("n") == nil)
        #expect(row.blob("n") == nil)
        #expect(row["nope"] == .null)
        #expect(row[99] == .null)
        #expect(!row.contains("nope"))
    }

    @Test func wrongType_throwsTypeMismatch() {
        #expect { try row.int("s") } throws: { ($0 as? SQLiteError)?.kind == .typeMismatch }
        #expect { try row.string("n") } throws: { ($0 as? SQLiteError)?.kind == .typeMismatch }
        #expect { try row.int("r") } throws: { ($0 as? SQLiteError)?.kind == .typeMismatch }
    }

    @Test func missingColumn_throwsNoSuchColumnNamingTheColumns() {
        #expect {
            try row.int("typo")
        } throws: { error in
            guard let error = error as? SQLiteError else { return false }
            return error.kind == .noSuchColumn && error.message.contains("typo") && error.message.contains("flag")
        }
    }
}
