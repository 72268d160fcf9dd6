import Foundation
import Testing

@testable import KandasProtocol

/// Decodes an example as `T`; our bytes must be `JSONEncoder`'s bytes.
private func sameBytes<T: Codable>(_ type: T.Type, _ name: String) throws {
    let value = try JSONCoding.decode(T.self, from: ProtocolFolder.example(name))
    #expect(try JSONCoding.encodeBytes(value) == [UInt8](JSONCoding.encode(value)), "\(name)")
}

@Test func encodeBytes_equalsTheWireEncoder_forExamples() throws {
    try sameBytes(PullResponse.self, "pull-response")
    try sameBytes(PullResponse.self, "pull-response-reset")
    try sameBytes(Completion.self, "completion")
    try sameBytes(Page<Completion>.self, "completions-page")
    try sameBytes(Conflict.self, "conflict")
    try sameBytes(FamilyDetail.self, "family-detail")
    try sameBytes(PlanDetail.self, "plan-detail")
    try sameBytes(MonthlyReport.self, "monthly-report")
    try sameBytes(Problem.self, "problem-validation")
    try sameBytes(PushResponse.self, "push-response")
    try sameBytes(PushRequest.self, "push-request")
    try sameBytes(ExportFeatureCollection.self, "export-geojson")
    try sameBytes(Limits.self, "limits")
}

@Test func encodeBytes_equalsTheWireEncoder_forEscapesNumbersAndNesting() throws {
    let value = JSONValue.object([
        "text": .string("quote \" backslash \\ slash / nl \n ctl \u{1f} é 😀 \u{2028}"),
        "numbers": .array([.number(0), .number(-1), .number(0.1), .number(43.25), .number(1e21), .number(-2.5e-7)]),
        "nested": .object(["empty": .object([:]), "list": .array([]), "null": .null, "flag": .bool(false)]),
    ])
    #expect(try JSONCoding.encodeBytes(value) == [UInt8](JSONCoding.encode(value)))
    let geo = Geolocation(
        latitude: 43.238949, longitude: 76.889709, accuracyMeters: 8.5,
        fixTime: Timestamp(millisecondsSince1970: 1_795_600_000_000), provider: .gps, mock: false)
    #expect(try JSONCoding.encodeBytes(geo) == [UInt8](JSONCoding.encode(geo)))
    #expect(try JSONCoding.encodeBytes(["b": 1, "a": 2]) == [UInt8](JSONCoding.encode(["b": 1, "a": 2])))
    #expect(try JSONCoding.encodeBytes([Int64.max, Int64.min]) == [UInt8](JSONCoding.encode([Int64.max, Int64.min])))
}

@Test func nonFiniteNumbers_areRefused() {
    #expect(throws: EncodingError.self) { try JSONCoding.encodeBytes([Double.nan]) }
}
