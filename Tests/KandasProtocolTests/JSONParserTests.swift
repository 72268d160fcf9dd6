import Foundation
import Testing

@testable import KandasProtocol

@Test func parse_matchesFoundation_onEveryProtocolExample() throws {
    for name in try ProtocolFolder.exampleNames() {
        let data = try ProtocolFolder.example(name)
        let ours = try JSONValue.parse([UInt8](data))
        let foundation = try JSONCoding.decode(JSONValue.self, from: data)
        #expect(ours == foundation, "\(name)")
    }
}

@Test func parse_decodesEscapesAndSurrogatePairs() throws {
    let text = #"{"a":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","n":[-0.5,1e3,0,-12,9007199254740993]}"#
    let value = try JSONValue.parse(Array(text.utf8))
    #expect(try value == JSONCoding.decode(JSONValue.self, from: Data(text.utf8)))
    guard case .object(let o) = value, case .string(let s) = o["a"] else {
        Issue.record("not an object with a string")
        return
    }
    #expect(s == "x\"\\/\u{8}\u{c}\n\r\té😀")
}

@Test func parse_refusesWhatIsNotOneJSONDocument() {
    let bad: [[UInt8]] = [
        [], Array(" ".utf8), Array("{".utf8), Array(#"{"a":1,}"#.utf8), Array("[1,]".utf8), Array("01".utf8),
        Array("1.".utf8), Array("-".utf8), Array("1e".utf8), Array(#"{"a":1} x"#.utf8), Array(#"{"a" 1}"#.utf8),
        Array("\"a\u{1}b\"".utf8), Array(#""\ud800""#.utf8), Array(#""\ud800\u0041""#.utf8), Array(#""\x""#.utf8),
        Array("tru".utf8), Array("nul".utf8), [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], Array("{'a':1}".utf8),
        Array(String(repeating: "[", count: 65).utf8) + Array(String(repeating: "]", count: 65).utf8),
    ]
    for bytes in bad {
        #expect(throws: ProtocolError(.malformedJSON, detail: "body is not valid JSON"), "\(bytes)") {
            try JSONValue.parse(bytes)
        }
    }
}

@Test func parse_acceptsNestingUpToTheLimit() throws {
    let depth = JSONParser.maxDepth
    let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    _ = try JSONValue.parse(Array(text.utf8))
}

@Test func parse_keepsTheFirstValueOfARepeatedKey_andReadsLargeObjects() throws {
    let value = try JSONValue.parse(Array(#"{"a":1,"b":{},"a":2,"c":[{"a":3,"a":4}]}"#.utf8))
    #expect(value == .object(["a": .number(1), "b": .object([:]), "c": .array([.object(["a": .number(3)])])]))
    let members = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
    guard case .object(let large) = try JSONValue.parse(Array("{\(members)}".utf8)) else {
        Issue.record("not an object")
        return
    }
    #expect(large.count == 40 && large["k39"] == .number(39))
}

@Test func parse_readsPlainASCIIAndUTF8StringsAlike() throws {
    let value = try JSONValue.parse(Array(#"{"id":"5f0c1a2e-3b4d","city":"Алматы ✓","e":""}"#.utf8))
    #expect(value == .object(["id": .string("5f0c1a2e-3b4d"), "city": .string("Алматы ✓"), "e": .string("")]))
}
