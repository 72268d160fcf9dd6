import KandasStore
import Testing

/// What every engine behind the store's database interface must do, written once and run by each
/// engine's suite (`SQLiteEngineTests`, `PostgresEngineTests`) on a `pets` table of its own DDL:
/// `id` text key, `name` text, `legs` integer (nullable), `photo` bytes.
enum EngineContract {
    static func typedBindsAndReadsRoundTripEveryKind(_ engine: any DatabaseEngine) async throws {
        try await engine.write { db in
            try db.run("INSERT INTO pets(id, name, legs, photo) VALUES(?,?,?,?)", "a", "Ada", 4, [UInt8]([1, 2]))
            try db.run("INSERT INTO pets(id, name, legs, photo) VALUES(?,?,?,?)", "b", "Bo", Int?.none, [UInt8]())
        }
        let rows = try await engine.read { db in try db.query("SELECT * FROM pets ORDER BY id") }
        #expect(rows.count == 2)
        #expect(try rows[0].string("name") == "Ada")
        #expect(try rows[0].int("legs") == 4)
        #expect(rows[0].blob("photo") == [1, 2])
        #expect(rows[1].optionalInt("legs") == nil)
        #expect(rows[1].blob("photo") == [])
        #expect(rows[0].columns === rows[1].columns)
        #expect(throws: DatabaseError.self) { try rows[0].string("nope") }
        #expect(throws: DatabaseError.self) { try rows[0].string("legs") }
        // Columns read in place (`forEachRow`) are the values of the copied rows.
        let inPlace = try await engine.read { db in
            let statement = try db.prepare("SELECT id, name, legs, photo FROM pets ORDER BY id")
            defer { statement.reset() }
            try statement.bind([])
            var seen: [String] = []
            try statement.forEachRow { row in
                let photo: [UInt8]? = if case .blob(let bytes) = row[3] { Array(bytes) } else { nil }
                seen.append(
                    "\(row.count) \(row.string(0) ?? "-") \(row.string(1) ?? "-") \(row.int(2).map(String.init) ?? "null")"
                        + " \(photo.map { "\($0)" } ?? "-") \(row[4])")
            }
            return seen
        }
        #expect(inPlace == ["4 a Ada 4 [1, 2] null", "4 b Bo null [] null"])
    }

    static func aThrowingWriteRollsBackAndAFailedSavepointUndoesOnlyItself(_ engine: any DatabaseEngine) async throws {
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await engine.write { db in
                try db.run("INSERT INTO pets(id, name) VALUES('a', 'Ada')")
                throw Boom()
            }
        }
        try await engine.write { db in
            try db.run("INSERT INTO pets(id, name) VALUES('b', 'Bo')")
            _ = try? db.transaction { () throws -> Void in
                try db.run("INSERT INTO pets(id, name) VALUES('c', 'Cy')")
                throw Boom()
            }
        }
        let names = try await engine.read { db in try db.query("SELECT id FROM pets").map { try $0.string("id") } }
        #expect(names == ["b"])
    }

    static func constraintFailuresAreNamedWithoutTheEngine(_ engine: any DatabaseEngine) async throws {
        do {
            try await engine.write { db in
                try db.run("INSERT INTO pets(id, name) VALUES('a', 'Ada')")
                try db.run("INSERT INTO pets(id, name) VALUES('a', 'Ada')")
            }
            Issue.record("a duplicate key was accepted")
        } catch let error as DatabaseError {
            #expect(error.kind == .uniqueViolation)
        }
    }
}
