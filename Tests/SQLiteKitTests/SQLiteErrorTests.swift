import SQLiteKit
import Testing

@Suite struct SQLiteErrorTests {
    @Test func constraintError_carriesCodesMessageAndSQL() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t(k TEXT PRIMARY KEY) STRICT")
        try db.run("INSERT INTO t(k) VALUES (?)", "a")
        let sql = "INSERT INTO t(k) VALUES (?)"
        #expect {
            try db.run(sql, "a")
        } throws: { error in
            guard let error = error as? SQLiteError else { return false }
            return error.code == 19 && error.extendedCode == 1555 && error.isConstraint && error.isUniqueViolation
                && !error.isBusy && error.message.contains("UNIQUE constraint failed: t.k") && error.sql == sql
                && error.kind == .sqlite
        }
    }

    @Test func syntaxError_describesItselfWithSQL() throws {
        let db = try Connection(path: ":memory:")
        do {
            try db.execute("SELEC 1")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.code == 1)
            #expect(error.description.contains("syntax error"))
            #expect(error.description.contains("SELEC 1"))
        }
    }

    @Test func foreignKeyError_isRecognised() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INTEGER REFERENCES p(id))")
        #expect { try db.run("INSERT INTO c(p) VALUES (1)") } throws: {
            ($0 as? SQLiteError)?.isForeignKeyViolation == true
        }
    }
}
