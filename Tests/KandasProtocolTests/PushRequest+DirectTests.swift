import Foundation
import Testing

@testable import KandasProtocol

private func event(_ payload: String, type: String = "complete", extra: String = "") -> String {
    "{\"event_id\":\"5f0c1a2e-3b4d-4e6f-8a9b-000000000901\",\"device_seq\":3,\"type\":\"\(type)\","
        + "\"item_id\":\"5f0c1a2e-3b4d-4e6f-8a9b-000000000801\",\"base_version\":1,"
        + "\"recorded_at\":\"2026-10-14T05:40:02.118Z\",\"payload\":\(payload)\(extra)}"
}

private let plainPayload =
    "{\"completion_id\":\"5f0c1a2e-3b4d-4e6f-8a9b-000000000a01\",\"member_id\":\"5f0c1a2e-3b4d-4e6f-8a9b-000000000603\","
    + "\"performed_at\":\"2026-10-14T05:30:00.000Z\",\"note\":\"visit\",\"location\":{\"latitude\":53.2,"
    + "\"longitude\":69.3,\"accuracy_m\":8.5,\"fix_time\":\"2026-10-14T05:31:48.200Z\",\"provider\":\"gps\","
    + "\"mock\":false,\"altitude_m\":null},\"files\":[]}"

private func body(_ events: [String], status: String = "") -> [UInt8] {
    let text =
        "{\"device_id\":\"5f0c1a2e-3b4d-4e6f-8a9b-000000000401\",\"sent_at\":\"2026-11-25T04:20:12.904Z\""
        + status + ",\"events\":[" + events.joined(separator: ",") + "]}"
    return Array(text.utf8)
}

/// The strict generic decode of the body's tree: what every push body decoded to before the direct read.
private func generic(_ bytes: [UInt8]) throws -> PushRequest {
    try JSONCoding.decodeReportingUnknown(PushRequest.self, from: try JSONValue.parse(bytes)).value
}

/// The direct read from the bytes (`nil`: the body is left to the generic decoder).
private func direct(_ bytes: [UInt8]) -> PushRequest? {
    PushRequest.decodeDirect(bytes)?.request
}

@Test func directDecode_givesTheGenericDecodersValue_forPlainCompletes() throws {
    let tree = body(
        [event(plainPayload), event(plainPayload.replacingOccurrences(of: ",\"note\":\"visit\"", with: ""))],
        status: ",\"client_status\":{\"outbox_events\":1,\"outbox_bytes\":2,\"files_pending\":0,"
            + "\"bytes_pending\":0,\"app_version\":\"1.0.0\"}")
    let read = try #require(direct(tree))
    #expect(read == (try generic(tree)))
    guard case .complete(let payload) = read.events[0].payload else {
        Issue.record("not a complete")
        return
    }
    #expect(payload.note == "visit" && payload.location?.provider == .gps && payload.files.isEmpty)
}

@Test func directDecode_givesTheGenericValue_forTheProtocolExample_andOtherEventTypes() throws {
    let tree = [UInt8](try ProtocolFolder.example("push-request"))
    let read = try #require(direct(tree))
    #expect(read == (try generic(tree)))
}

@Test(arguments: [
    ("files declared", event(plainPayload.replacingOccurrences(of: "\"files\":[]", with: "\"files\":[{}]"))),
    (
        "unknown payload field",
        event(plainPayload.replacingOccurrences(of: "{\"completion_id\"", with: "{\"x\":1,\"completion_id\""))
    ),
    (
        "unknown location field",
        event(plainPayload.replacingOccurrences(of: "\"mock\":false", with: "\"mock\":false,\"y\":2"))
    ),
    ("uppercase id", event(plainPayload.replacingOccurrences(of: "a01", with: "A01"))),
    ("unknown provider", event(plainPayload.replacingOccurrences(of: "\"gps\"", with: "\"satellite\""))),
])
func unusualPayload_takesTheStrictGenericDecode(name: String, text: String) throws {
    let tree = body([event(plainPayload), text])
    let payload = try #require(direct(tree)?.events[1].payload)
    // The direct read stepped aside for the payload, so the event is whatever strict decoding made of it.
    #expect(payload == (try generic(tree)).events[1].payload)
}

@Test(arguments: [
    ("\"device_seq\":3", "\"device_seq\":1.5"),
    ("\"event_id\":\"5f0c1a2e-3b4d-4e6f-8a9b-000000000901", "\"event_id\":\"5F0C1A2E-3B4D-4E6F-8A9B-000000000901"),
    ("\"recorded_at\":\"2026-10-14T05:40:02.118Z\"", "\"recorded_at\":\"yesterday\""),
])
func badEnvelopeField_leavesTheRequestToTheGenericDecoder(field: String, bad: String) {
    let tree = body([event(plainPayload).replacingOccurrences(of: field, with: bad)])
    #expect(direct(tree) == nil)
    #expect(throws: ProtocolError.self) { try generic(tree) }
}

@Test func missingPayload_orBadClientStatus_leavesTheRequestToTheGenericDecoder() {
    let noPayload = body([event(plainPayload).replacingOccurrences(of: ",\"payload\":" + plainPayload, with: "")])
    #expect(direct(noPayload) == nil)
    let badStatus = body([event(plainPayload)], status: ",\"client_status\":{\"outbox_events\":\"x\"}")
    #expect(direct(badStatus) == nil)
}

@Test func nullUnknownFields_andMembersInAnyOrder_stayOnTheDirectPath_withTheGenericValue() throws {
    // The direct read takes each object in one pass over its members: order must not matter, and a
    // `null` unknown member counts as absent (Protocol §1), as the generic decoder has it.
    let reordered =
        "{\"payload\":"
        + plainPayload.replacingOccurrences(of: "{\"completion_id\"", with: "{\"x\":null,\"completion_id\"")
        .replacingOccurrences(of: "\"mock\":false", with: "\"mock\":false,\"y\":null")
        + ",\"recorded_at\":\"2026-10-14T05:40:02.118Z\",\"base_version\":1,"
        + "\"item_id\":\"5f0c1a2e-3b4d-4e6f-8a9b-000000000801\",\"type\":\"complete\",\"device_seq\":3,"
        + "\"event_id\":\"5f0c1a2e-3b4d-4e6f-8a9b-000000000901\"}"
    let tree = body([reordered, event(plainPayload)])
    let read = try #require(direct(tree))
    #expect(read == (try generic(tree)))
    #expect(read.events[0] == read.events[1])
}
