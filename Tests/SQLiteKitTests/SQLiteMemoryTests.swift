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

@Test func softHeapLimit_isSetAndCleared() {
    let before = SQLiteMemory.softHeapLimit
    defer { SQLiteMemory.softHeapLimit = before }
    SQLiteMemory.softHeapLimit = 16 << 20
    #expect(SQLiteMemory.softHeapLimit == 16 << 20)
    SQLiteMemory.softHeapLimit = -5
    #expect(SQLiteMemory.softHeapLimit == 0, "a negative limit means none, not an error")
}
