import Foundation
import Testing

@testable import KandasProtocol

@Test func jsonText_isWhatTheWireEncoderWrites() throws {
    let value = JSONValue.object([
        "b": .array([.number(1), .number(-2.5), .number(1e300), .bool(true), .null]),
        "a": .string("quote \" backslash \\ slash / tab \t nl \n ctl \u{1} é 😀"),
        "c": .object(["z": .number(9_007_199_254_740_991), "y": .string("")]),
    ])
    #expect(value.jsonText == String(decoding: try JSONCoding.encode(value), as: UTF8.self))
    #expect(try JSONValue.parse(Array(value.jsonText.utf8)) == value)
}
