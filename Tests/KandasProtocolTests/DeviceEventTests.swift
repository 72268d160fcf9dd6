import Foundation
import Testing

@testable import KandasProtocol

private func event(type: String, payload: String) -> String {
    #"{"event_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000901","device_seq":7,"type":""# + type
        + #"","item_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000801","base_version":1,"recorded_at":"2026-10-14T05:40:02.118Z","payload":"#
        + payload + "}"
}

private let voidPayload =
    #"{"completion_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000a01","base_completion_rev":1,"reason":"r"}"#

@Test func knownEvent_decodesToItsTypedPayload() throws {
    let value = try JSONCoding.decodeStrict(
        DeviceEvent.self, from: Data(event(type: "void", payload: voidPayload).utf8))
    guard case .void(let payload) = value.payload else {
        Issue.record("not a void: \(value.payload)")
        return
    }
    #expect(payload.reason == "r")
}

@Test func unknownEventType_decodesAsUnrecognized_soTheBatchStillDecodes() throws {
    let value = try JSONCoding.decodeStrict(DeviceEvent.self, from: Data(event(type: "teleport", payload: "{}").utf8))
    guard case .unrecognized(let type, _, let problem) = value.payload else {
        Issue.record("recognized")
        return
    }
    #expect(type == "teleport")
    #expect(problem.code == .unknownEventType)
}

@Test func unknownPayloadField_makesOnlyThatEventUnrecognized() throws {
    let payload =
        #"{"completion_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000a01","base_completion_rev":1,"reason":"r","x":1}"#
    let value = try JSONCoding.decodeStrict(DeviceEvent.self, from: Data(event(type: "void", payload: payload).utf8))
    guard case .unrecognized(_, _, let problem) = value.payload else {
        Issue.record("recognized")
        return
    }
    #expect(problem.code == .unknownField)
    #expect(problem.pointer == "/payload/x")
    // The raw payload is kept as received, so the stored event is exactly what the device sent.
    let again = try JSONCoding.decode(JSONValue.self, from: JSONCoding.encode(value))
    #expect(again == (try JSONCoding.decode(JSONValue.self, from: Data(event(type: "void", payload: payload).utf8))))
}

@Test func invalidPayloadValue_makesTheEventUnrecognizedWithAPointer() throws {
    let payload = #"{"completion_id":"NOT-LOWER","base_completion_rev":1,"reason":"r"}"#
    let value = try JSONCoding.decode(DeviceEvent.self, from: Data(event(type: "void", payload: payload).utf8))
    guard case .unrecognized(_, _, let problem) = value.payload else {
        Issue.record("recognized")
        return
    }
    #expect(problem.code == .invalidPayload)
    #expect(problem.pointer == "/payload/completion_id")
}

@Test func badEnvelope_failsTheWholeDecode() {
    let body = event(type: "void", payload: voidPayload).replacingOccurrences(
        of: #""device_seq":7"#, with: #""device_seq":"7""#)
    #expect(throws: ProtocolError.self) { try JSONCoding.decode(DeviceEvent.self, from: Data(body.utf8)) }
}
