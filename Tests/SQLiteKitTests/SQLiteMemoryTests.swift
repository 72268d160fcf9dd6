import SQLiteKit
import Testing

@Test func sqliteMemory_countsWhatConnectionsHold() throws {
    let before = SQLiteMemory.used
    let db = try Connection(path: ":memory:")
    try db.execute("CREATE TABLE t(x TEXT)")
    for i in 0..<200 { try db.run("INSERT INTO t(x) VALUES(?)", String(repeating: "x", count: 100 + i)) }
    #expect(SQLiteMemory.used > before)
    #expect(SQLiteMemory.highwater() >= SQLiteMemory.used)
}
