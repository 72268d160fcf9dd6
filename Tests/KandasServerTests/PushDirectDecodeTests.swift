import Foundation
import KandasProtocol
import Testing

@testable import KandasServer

/// The direct reader (`PushRequest.decodeDirect`) against the tree path (`PushEnvelope.decodeTree`):
/// for every input the envelope must be the same request and the same stored bodies, or the same error.

/// What decoding a body came to, comparable.
private enum Outcome: Equatable, CustomStringConvertible {
    case decoded(PushRequest, [String])
    case failed(ErrorCode, String?, [FieldError])

    var description: String {
        switch self {
        case .decoded(let request, let bodies): "decoded \(request.events.count) events \(bodies)"
        case .failed(let code, let detail, let errors): "failed \(code) \(detail ?? "") \(errors)"
        }
    }
}

private func outcome(_ bytes: [UInt8], direct: Bool) -> Outcome {
    do {
        let envelope = try direct ? PushEnvelope.decode(bytes) : PushEnvelope.decodeTree(bytes)
        return .decoded(envelope.request, Array(envelope.bodies))
    } catch {
        return .failed(error.code, error.detail, error.errors)
    }
}

/// Both paths agree on `text`; returns whether the direct reader answered by itself.
@discardableResult
private func agree(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    agree(Array(text.utf8), sourceLocation: sourceLocation)
}

@discardableResult
private func agree(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
    let direct = outcome(bytes, direct: true)
    let tree = outcome(bytes, direct: false)
    #expect(
        direct == tree, "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
    return PushRequest.decodeDirect(bytes) != nil
}

private let eventID = "5f0c1a2e-3b4d-4e6f-8a9b-000000000901"
private let itemID = "5f0c1a2e-3b4d-4e6f-8a9b-000000000801"

private let location =
    #"{"latitude":43.25,"longitude":76.95,"accuracy_m":8,"fix_time":"2026-11-20T05:29:00.000Z","provider":"gps","mock":false}"#

private func payload(
    note: String = #""visit 1: documents checked""#, location: String = location, extra: String = ""
)
    -> String
{
    #"{"completion_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000a01","member_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000603","#
        + #""performed_at":"2026-11-20T05:30:00.000Z","note":"# + note + #","location":"# + location + extra
        + #","files":[]}"#
}

private func event(
    seq: String = "1", type: String = #""complete""#, payload: String = payload(), extra: String = "",
    id: String = eventID
) -> String {
    #"{"event_id":""# + id + #"","device_seq":"# + seq + #","type":"# + type + #","item_id":""# + itemID
        + #"","base_version":1,"recorded_at":"2026-11-20T06:00:00.000Z","payload":"# + payload + extra + "}"
}

private func body(_ events: [String], extra: String = "") -> String {
    #"{"device_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000401","sent_at":"2026-11-20T06:00:00.000Z""# + extra
        + #","events":["# + events.joined(separator: ",") + "]}"
}

private let plain = body([
    event(), event(seq: "2", id: "5f0c1a2e-3b4d-4e6f-8a9b-000000000902"),
])

@Test func plainBody_isReadDirectly_withTheTreePathsRequestAndBodies() throws {
    #expect(agree(plain))
    let direct = try #require(PushRequest.decodeDirect(Array(plain.utf8)))
    #expect(direct.request.events.count == 2 && direct.clientStatus == nil)
    guard case .complete(let p) = direct.request.events[1].payload else {
        Issue.record("not a complete")
        return
    }
    #expect(p.note == "visit 1: documents checked" && p.location?.provider == .gps && p.location?.accuracyMeters == 8)
    let envelope = try PushEnvelope.decode(Array(plain.utf8))
    #expect(envelope.bodies[0] == event() && envelope.bodies.count == 2)
}

/// Inputs the direct reader answers itself (and must answer as the tree path does).
@Test(arguments: [
    // Members in any order, the type after the payload.
    body([
        #"{"payload":"# + payload() + #","recorded_at":"2026-11-20T06:00:00.000Z","base_version":1,"item_id":""#
            + itemID + #"","type":"complete","device_seq":1,"event_id":""# + eventID + "\"}"
    ]),
    #"{"events":["# + event()
        + #"],"sent_at":"2026-11-20T06:00:00.000Z","device_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000401"}"#,
    // Unknown members that are null, at every level.
    body([event(extra: #","x":null"#)], extra: #","y":null"#),
    body([event(payload: payload(extra: #","z":null"#))]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "}", with: #","w":null}"#)))]),
    // Nulls and absent optionals.
    body([event(payload: payload(note: "null", location: "null"))]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "}", with: #","altitude_m":null}"#)))]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "}", with: #","altitude_m":-12.5}"#)))]),
    body([event()], extra: #","client_status":null"#),
    // A status member the protocol does not define: read, then refused by the envelope as before.
    body(
        [event()],
        extra: #","client_status":{"outbox_events":1,"outbox_bytes":2,"files_pending":0,"#
            + #""bytes_pending":0,"app_version":"1.0","more":true}"#),
    // No events: read, then refused by the envelope check as before.
    body([]),
    body(
        [event()],
        extra: #","client_status":{"outbox_events":1,"outbox_bytes":2,"files_pending":0,"bytes_pending":0,"#
            + #""app_version":"1.0 \"beta\""}"#),
    // Escapes and text that is not ASCII in the note.
    body([event(payload: payload(note: #""line\nbreak \"quoted\" \\ \/ \u00e9 \ud83d\ude00 \u0000""#))]),
    body([event(payload: payload(note: #""Әли 6«Б» сыныбына қабылданды 😀""#))]),
    body([event(payload: payload(note: #""""#))]),
    // Space everywhere JSON allows it.
    " \n\t{ \"device_id\" : \"5f0c1a2e-3b4d-4e6f-8a9b-000000000401\" ,\r\n \"sent_at\":\"2026-11-20T06:00:00.000Z\", "
        + "\"events\" : [ "
        + event().replacingOccurrences(of: ",\"", with: " ,\n \"").replacingOccurrences(of: "\":", with: "\" :\t")
        .replacingOccurrences(of: "{", with: "{ ").replacingOccurrences(of: "}", with: " }")
        + " , " + event(seq: "2") + " ] } \n",
    // Numbers at the edges of what an integer field takes.
    body([event(seq: "1.0")]), body([event(seq: "1e0")]), body([event(seq: "0")]), body([event(seq: "-0")]),
    body([event(seq: "-3")]), body([event(seq: "9007199254740991")]), body([event(seq: "-9007199254740991")]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "43.25", with: "1e-400")))]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "43.25", with: "4325E-2")))]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "43.25", with: "1e400")))]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "8,", with: "-0.0,")))]),
    // Other event types, an unknown type, payloads the strict decoder rejects or reads.
    body([
        event(
            type: #""void""#,
            payload: #"{"completion_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000a01","#
                + #""base_completion_rev":1,"reason":"typo"}"#)
    ]),
    body([event(type: #""amend""#, payload: payload())]),
    body([event(type: #""teleport""#, payload: #"{"a":[1,{"b":null}]}"#)]),
    body([event(type: #""complete""#, payload: "null")]), body([event(type: #""complete""#, payload: "[]")]),
    body([event(type: #""complete""#, payload: "{}")]), body([event(type: #""complete""#, payload: "7")]),
    body([event(payload: payload(extra: #","x":1"#))]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "}", with: #","w":1}"#)))]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "gps", with: "satellite")))]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "false", with: "null")))]),
    body([event(payload: payload(location: location.replacingOccurrences(of: "8,", with: "\"8\",")))]),
    body([event(payload: payload(note: "12"))]),
    body([event(payload: payload().replacingOccurrences(of: "[]", with: #"[{"attachment_id":"x"}]"#))]),
    body([event(payload: payload().replacingOccurrences(of: "[]", with: "[ \n]"))]),
    body([event(payload: payload().replacingOccurrences(of: "[]", with: "{}"))]),
    body([event(payload: payload().replacingOccurrences(of: "a01", with: "A01"))]),
    body([event(payload: payload().replacingOccurrences(of: "\"5f0c", with: "\"\\u0035f0c"))]),
    body([
        event(
            payload: payload().replacingOccurrences(of: "2026-11-20T05:30:00.000Z", with: "2026-11-20T10:30:00+05:00"))
    ]),
    body([event(payload: payload().replacingOccurrences(of: "2026-11-20T05:30:00.000Z", with: "yesterday"))]),
    body([event(payload: payload().replacingOccurrences(of: "\"files\":[]", with: "\"files\":[],\"files\":[]"))]),
    body([event(payload: payload().replacingOccurrences(of: "\"note\"", with: "\"n\\u006fte\""))]),
    body([event(payload: payload().replacingOccurrences(of: ",\"files\":[]", with: ""))]),
    // A payload nested as deep as the parser allows, and one level deeper.
    body([event(type: #""teleport""#, payload: String(repeating: "[", count: 61) + String(repeating: "]", count: 61))]),
])
func directAnswers_asTheTreePath(text: String) {
    #expect(agree(text))
}

/// Inputs the direct reader leaves to the tree path (which then answers or refuses as before).
@Test(arguments: [
    // Unknown members that are not null.
    body([event()], extra: #","y":1"#), body([event(extra: #","x":0"#)]),
    body([event()], extra: #","client_status":{"outbox_events":"x"}"#),
    body([event()], extra: #","client_status":7"#),
    // Repeated and escaped keys.
    body([event()], extra: #","sent_at":"2026-11-20T06:00:00.000Z""#),
    body([event(extra: #","device_seq":2"#)]),
    body([event()], extra: #","ev\u0065nts":[]"#),
    body([event().replacingOccurrences(of: "\"type\"", with: "\"t\\u0079pe\"")]),
    // Integers out of range or not integral.
    body([event(seq: "9007199254740992")]), body([event(seq: "1.5")]), body([event(seq: "9007199254740993")]),
    body([event(seq: "1e400")]), body([event(seq: "123456789012345678901234567890")]),
    // Nested one level deeper than the parser allows.
    body([event(type: #""teleport""#, payload: String(repeating: "[", count: 62) + String(repeating: "]", count: 62))]),
    // Envelope fields of the wrong shape or value.
    body([event(seq: "\"1\"")]), body([event(seq: "null")]), body([event(type: "null")]), body([event(type: "1")]),
    body([event(type: #""compl\u0065te""#)]), body([event(type: #""тип""#)]),
    body([event(id: eventID.uppercased())]), body([event(id: String(eventID.dropLast()))]),
    body([event(id: "\\u0035" + eventID.dropFirst())]),
    body([event().replacingOccurrences(of: ",\"payload\":" + payload(), with: "")]),
    body([event().replacingOccurrences(of: "\"base_version\":1,", with: "")]),
    body([event().replacingOccurrences(of: "2026-11-20T06:00:00.000Z", with: "2026-02-30T06:00:00.000Z")]),
    body(["1"]), body(["[]"]), body(["{}"]), body(["null"]),
    #"{"device_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000401","sent_at":"2026-11-20T06:00:00.000Z","events":{}}"#,
    #"{"device_id":"5f0c1a2e-3b4d-4e6f-8a9b-000000000401","sent_at":"2026-11-20T06:00:00.000Z"}"#,
    #"{"device_id":"5F0C1A2E-3b4d-4e6f-8a9b-000000000401","sent_at":"2026-11-20T06:00:00.000Z","events":[]}"#,
    // Not JSON, or not an object.
    "", " ", "[]", "{}", "null", "\"x\"", plain + "x", plain + "}", plain.replacingOccurrences(of: "]}", with: ",]}"),
    plain.replacingOccurrences(of: "\"visit", with: "\"\u{01}visit"),
    plain.replacingOccurrences(of: "visit", with: "vi\\xsit"),
    plain.replacingOccurrences(of: "visit", with: "vi\\ud800sit"),
    plain.replacingOccurrences(of: "\"base_version\":1", with: "\"base_version\":01"),
    plain.replacingOccurrences(of: "\"base_version\":1", with: "\"base_version\":1."),
    plain.replacingOccurrences(of: "false", with: "fals"),
    plain.replacingOccurrences(of: "\"note\":\"visit 1: documents checked\"", with: "\"note\":nul"),
])
func unusualBodies_takeTheTreePath_withTheSameAnswer(text: String) {
    #expect(!agree(text))
}

@Test func invalidUTF8_inANote_isMalformedOnBothPaths() {
    var bytes = Array(plain.utf8)
    guard let at = bytes.firstIndex(of: UInt8(ascii: "v")) else {
        Issue.record("no note")
        return
    }
    bytes[at] = 0xC3
    #expect(!agree(bytes))
    #expect(outcome(bytes, direct: true) == outcome(bytes, direct: false))
    if case .failed(let code, _, _) = outcome(bytes, direct: true) { #expect(code == .malformedJSON) }
}

@Test func protocolExample_agrees() throws {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
        directory = directory.deletingLastPathComponent()
    }
    let example = try Data(contentsOf: directory.appendingPathComponent("Protocol/examples/push-request.json"))
    // Its first event declares files, which only the tree path reads: the whole body takes it.
    agree([UInt8](example))
}

@Test func everyTruncation_ofAPlainBody_isTheSameErrorOnBothPaths() {
    let bytes = Array(plain.utf8)
    for end in 0..<bytes.count { agree(Array(bytes[0..<end])) }
}

@Test(arguments: [
    body([event()]),
    // The type after a payload of the `complete` shape: read as one, then parsed again as a tree.
    body([
        #"{"payload":"# + payload() + #","recorded_at":"2026-11-20T06:00:00.000Z","base_version":1,"item_id":""#
            + itemID + #"","type":"void","device_seq":1,"event_id":""# + eventID + "\"}"
    ]),
])
func everySingleByteChange_agrees(text: String) {
    let bytes = Array(text.utf8)
    let replacements: [UInt8] = Array("\"{}[],:0-.e \\nx".utf8) + [0x00, 0xFF]
    for i in bytes.indices {
        for r in replacements where r != bytes[i] {
            var changed = bytes
            changed[i] = r
            agree(changed)
        }
    }
}
