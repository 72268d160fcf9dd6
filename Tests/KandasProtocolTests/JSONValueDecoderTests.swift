import Foundation
import Testing

@testable import KandasProtocol

private let complete =
    #"{"completion_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000301","member_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000302","#
    + #""performed_at":"2026-11-20T05:30:00Z","note":null,"location":{"latitude":43.25,"longitude":76.95,"#
    + #""accuracy_m":8,"fix_time":"2026-11-20T05:29:00.000Z","provider":"gps","mock":false},"files":[]}"#

/// The first unknown field as `decodeStrict` (decode, re-encode, compare) finds it.
private func foundationUnknown<T: Codable>(_ type: T.Type, _ text: String) throws -> [String] {
    let data = Data(text.utf8)
    return try JSONCoding.unknownFields(in: data, decodedAs: try JSONCoding.decode(type, from: data))
}

@Test func decode_givesTheSameValueAsFoundation() throws {
    let ours = try JSONCoding.decodeReportingUnknown(CompletePayload.self, from: JSONValue.parse(Array(complete.utf8)))
    #expect(ours.value == (try JSONCoding.decode(CompletePayload.self, from: Data(complete.utf8))))
    #expect(ours.unknownFields.isEmpty)
    let push = try ProtocolFolder.example("push-request")
    let request = try JSONCoding.decodeReportingUnknown(PushRequest.self, from: JSONValue.parse([UInt8](push)))
    #expect(request.value == (try JSONCoding.decode(PushRequest.self, from: push)))
    #expect(request.unknownFields.isEmpty)
}

@Test func unknownFields_areTheOnesTheReencodeCheckFinds() throws {
    let cases = [
        complete.replacingOccurrences(of: #""files":[]"#, with: #""files":[],"extra":1,"another":{"x":1}"#),
        complete.replacingOccurrences(of: #""mock":false"#, with: #""mock":false,"altitude":800"#),
        complete.replacingOccurrences(of: #""note":null"#, with: #""notes":"typo","ignored":null"#),
    ]
    for text in cases {
        let ours = try JSONCoding.decodeReportingUnknown(CompletePayload.self, from: JSONValue.parse(Array(text.utf8)))
        #expect(ours.unknownFields == (try foundationUnknown(CompletePayload.self, text)), "\(text)")
        #expect(!ours.unknownFields.isEmpty)
    }
}

@Test func decodingErrors_carryFoundationsCodesAndPointers() throws {
    let cases = [
        complete.replacingOccurrences(of: #""member_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000302","#, with: ""),
        complete.replacingOccurrences(of: #""accuracy_m":8"#, with: #""accuracy_m":"8""#),
        complete.replacingOccurrences(of: #""mock":false"#, with: #""mock":null"#),
        complete.replacingOccurrences(of: "5f0c1a2e-3b4d-4e6f-8a9b-000000000301", with: "5F0C1A2E-3B4D"),
        complete.replacingOccurrences(of: #""files":[]"#, with: #""files":{}"#),
        complete.replacingOccurrences(of: #""performed_at":"2026-11-20T05:30:00Z""#, with: #""performed_at":5"#),
        complete.replacingOccurrences(of: #""files":[]"#, with: #""files":null"#),
        complete.replacingOccurrences(of: #""files":[]"#, with: #""files":[null]"#),
        complete.replacingOccurrences(of: #""files":[]"#, with: #""files":[{}]"#),
        complete.replacingOccurrences(of: #""location":{"#, with: #""location":{"latitude":null,"#),
        complete.replacingOccurrences(of: #""accuracy_m":8"#, with: #""accuracy_m":true"#),
        complete.replacingOccurrences(of: #""location":{"#, with: #""location":null,"x":{"#),
        complete.replacingOccurrences(of: #""files":[]"#, with: #""files":[[]]"#),
        "[1]", "null", #"{"completion_id":null}"#,
    ]
    for text in cases {
        var foundation: ProtocolError?
        do { _ = try JSONCoding.decode(CompletePayload.self, from: Data(text.utf8)) } catch { foundation = error }
        var ours: ProtocolError?
        do {
            _ = try JSONCoding.decodeReportingUnknown(CompletePayload.self, from: JSONValue.parse(Array(text.utf8)))
        } catch { ours = error }
        #expect(ours?.code == foundation?.code, "\(text)")
        #expect(ours?.pointer == foundation?.pointer, "\(text)")
        #expect((ours == nil) == (foundation == nil), "\(text)")
    }
}

@Test func integers_mustBeWholeAndInRange() throws {
    let seq =
        #"{"event_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000301","device_seq":1.5,"type":"x","#
        + #""item_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000302","base_version":1,"#
        + #""recorded_at":"2026-11-20T05:30:00.000Z","payload":{}}"#
    #expect(throws: ProtocolError.self) {
        try JSONCoding.decodeReportingUnknown(DeviceEvent.self, from: JSONValue.parse(Array(seq.utf8)))
    }
    let whole = seq.replacingOccurrences(of: "1.5", with: "2")
    let event = try JSONCoding.decodeReportingUnknown(DeviceEvent.self, from: JSONValue.parse(Array(whole.utf8)))
    #expect(event.value.deviceSeq == 2)
}
