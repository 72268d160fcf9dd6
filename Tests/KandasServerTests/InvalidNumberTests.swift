import KandasProtocol
import Testing

@testable import KandasServer

/// Issue 14 finding 8: valid JSON carrying an invalid number is `422 invalid_field` with the
/// field's pointer (or, inside a payload, the event's `invalid_payload` naming it), never
/// `400 malformed_json`, which is for bodies that are not JSON.
struct InvalidNumberTests {
    static func body(seq: String, size: String = "1000") -> [UInt8] {
        let text = """
            {"device_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000401","sent_at":"2026-11-25T04:20:12.904Z",
             "events":[{"event_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000901","device_seq":\(seq),"type":"complete",
              "item_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000801","base_version":1,
              "recorded_at":"2026-10-14T05:40:02.118Z","payload":{"completion_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000701",
              "member_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000601","performed_at":"2026-10-14T05:40:02.118Z",
              "files":[{"attachment_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000501","kind":"photo",
               "content_type":"image/jpeg","size":\(size),"sha256":"\(String(repeating: "ab", count: 32))",
               "captured_at":"2026-10-14T05:40:02.118Z","source":"camera"}]}}]}
            """
        return Array(text.utf8)
    }

    @Test(arguments: [
        "9223372036854775807", "9223372036854775808", "1.5", "1e400", "-1e400", "9007199254740992", "2.0e0x",
    ])
    func deviceSeqThatIsNoProtocolInteger_isInvalidFieldWithItsPointer(_ seq: String) {
        let bytes = Self.body(seq: seq)
        do {
            _ = try PushEnvelope.decode(bytes)
            Issue.record("\(seq) was accepted")
        } catch {
            if seq == "2.0e0x" {
                // Not JSON at all: still malformed_json.
                #expect(error.code == .malformedJSON)
            } else {
                #expect(error.code == .invalidField, "\(seq): \(error)")
                #expect(error.errors.map(\.pointer) == ["/events/0/device_seq"], "\(seq): \(error)")
                #expect(error.status == 422)
            }
        }
    }

    @Test(arguments: ["9223372036854775807", "1e400", "1.5", "-1"])
    func fileSizeThatIsNoProtocolInteger_rejectsTheEventNamingTheField(_ size: String) throws {
        let envelope = try PushEnvelope.decode(Self.body(seq: "1", size: size))
        let event = try #require(envelope.request.events.first)
        switch event.payload {
        case .unrecognized(_, _, let problem):
            #expect(problem.code == .invalidPayload)
            #expect(problem.pointer == "/payload/files/0/size", "\(size): \(problem)")
        case .complete(let p):
            // In range for the wire, refused by the payload checks (1 byte to 4 GiB).
            #expect(size == "-1" && p.files.first?.size == -1)
        default:
            Issue.record("\(size): \(event.payload)")
        }
    }

    @Test func overflowingNumbers_parseAndWriteBackAsJSON() throws {
        let value = try JSONValue.parse(Array(#"{"a":1e400,"b":-1e400,"c":1.5}"#.utf8))
        let text = value.jsonText
        #expect(try JSONValue.parse(Array(text.utf8)) == value)
    }
}
