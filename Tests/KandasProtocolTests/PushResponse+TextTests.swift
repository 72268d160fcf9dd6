import Foundation
import Testing

@testable import KandasProtocol

@Test func pushResponseBytes_areTheWireEncodersBytes() throws {
    let id = WireID("5f0c1a2e-3b4d-4e6f-8a9b-000000000301")!
    let other = WireID("5f0c1a2e-3b4d-4e6f-8a9b-000000000302")!
    let response = PushResponse(
        results: [
            EventResult(
                eventID: id, deviceSeq: 1, outcome: .accepted, completionID: other, completionRev: 2,
                conflictIDs: [id, other]),
            EventResult(
                eventID: other, deviceSeq: 2, outcome: .rejected, code: "invalid_payload", detail: "/payload: \"x\"\n"),
            EventResult(eventID: id, deviceSeq: 3, outcome: .duplicate, storedOutcome: .accepted),
            EventResult(eventID: other, deviceSeq: 9, outcome: .gap, code: "gap", expectedDeviceSeq: 4),
        ], lastDeviceSeq: 3, serverTime: Timestamp(millisecondsSince1970: 1_795_600_000_123))
    #expect(response.jsonBytes == [UInt8](try JSONCoding.encode(response)))
    let example = try JSONCoding.decode(PushResponse.self, from: ProtocolFolder.example("push-response"))
    #expect(example.jsonBytes == [UInt8](try JSONCoding.encode(example)))
}
