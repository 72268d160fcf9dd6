import KandasProtocol
import Testing

@testable import KandasServer

private let spacedBody = """
    { "device_id" : "5f0c1a2e-3b4d-4e6f-8a9b-000000000401", "sent_at":"2026-11-25T04:20:12.904Z",
      "client_status": {"outbox_events": 1, "outbox_bytes": 2, "files_pending": 0, "bytes_pending": 0,
        "app_version": "1.0 \\"beta\\" [x]"},
      "events" : [ {"event_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000901","device_seq":1,"type":"teleport",
        "item_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000801","base_version":1,
        "recorded_at":"2026-10-14T05:40:02.118Z","payload":{"note":"a } ] \\\\ \\" {[","n":[1,{"x":[]}]}} ,
      {"event_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000902","device_seq":2,"type":"teleport",
        "item_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000801","base_version":1,
        "recorded_at":"2026-10-14T05:40:02.118Z","payload":{}} ] }
    """

@Test func storedBodies_areTheEventsOwnBytes_andDecodeToTheSameEvents() throws {
    let envelope = try PushEnvelope.decode(Array(spacedBody.utf8))
    #expect(envelope.bodies.count == 2)
    #expect(envelope.bodies[0].hasPrefix("{\"event_id\":") && envelope.bodies[0].hasSuffix("{\"x\":[]}]}}"))
    #expect(envelope.bodies[1].hasSuffix("\"payload\":{}}"))
    for (body, event) in zip(envelope.bodies, envelope.request.events) {
        #expect(decodeJSON(DeviceEvent.self, body) == event)
    }
}

@Test(arguments: [
    // An escaped key may spell "events": the canonical re-encoding is stored instead of guessing.
    #"{"device_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000401","sent_at":"2026-11-25T04:20:12.904Z","ev\u0065nts":[]}"#,
    #"{"events":[{"a":1}],"events":[{"b":2}]}"#,
    #"[1,2]"#,
])
func unusualTopLevel_hasNoSpans(text: String) {
    #expect(PushEnvelope.eventSpans(Array(text.utf8)) == nil)
}

@Test func spans_coverEachElementExactly() throws {
    let text = #"{"a":"}\"","events":[ 1 , "x\"]" ,{"k":[{}]},[],null ],"z":{"events":[9]}}"#
    let bytes = Array(text.utf8)
    let spans = try #require(PushEnvelope.eventSpans(bytes))
    #expect(
        spans.map { String(decoding: bytes[$0], as: UTF8.self) } == ["1", #""x\"]""#, #"{"k":[{}]}"#, "[]", "null"])
}
