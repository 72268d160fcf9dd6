import Foundation
import Testing

@testable import KandasProtocol

@Test func wireID_encodesLowercase() throws {
    let id = WireID(UUID(uuidString: "5F0C1A2E-3B4D-4E6F-8A9B-000000000801")!)
    let data = try JSONCoding.encode([id])
    #expect(String(decoding: data, as: UTF8.self) == #"["5f0c1a2e-3b4d-4e6f-8a9b-000000000801"]"#)
}

@Test(arguments: ["5F0C1A2E-3B4D-4E6F-8A9B-000000000801", "5f0c1a2e3b4d4e6f8a9b000000000801", "not-a-uuid", ""])
func uppercaseOrMalformedUUID_isRejected(input: String) {
    #expect(WireID(input) == nil)
}
