import Testing

@testable import SQLiteKit

@Test func moduleIsLinked() {
    #expect(SQLiteKitModule.name == "SQLiteKit")
}
