import Foundation
import SQLiteKit
import Testing

@Suite struct SQLBindableTests {
    @Test func swiftValues_mapToStorageClasses() {
        #expect(42.sqlValue == .integer(42))
        #expect(Int64.max.sqlValue == .integer(.max))
        #expect(Int32(-7).sqlValue == .integer(-7))
        #expect(1.5.sqlValue == .real(1.5))
        #expect("é".sqlValue == .text("é"))
        #expect(true.sqlValue == .integer(1))
        #expect(false.sqlValue == .integer(0))
        #expect([UInt8]([1, 2]).sqlValue == .blob([1, 2]))
        #expect(Data([3]).sqlValue == .blob([3]))
        #expect((nil as String?).sqlValue == .null)
        #expect((5 as Int?).sqlValue == .integer(5))
    }

    @Test func uuid_bindsAsLowercaseText() throws {
        let uuid = try #require(UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F"))
        #expect(uuid.sqlValue == .text("e621e1f8-c36c-495a-93fc-0c247a3e6e5f"))
    }
}
