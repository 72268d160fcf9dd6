import Foundation
import KandasProtocol

/// Decodes a push body in one pass, with the envelope's unknown-field check on the parsed tree.
///
/// The body is parsed once into a `JSONValue` (`JSONValue.parse`), checked for unknown envelope
/// fields, and decoded from that tree (`JSONCoding.decodeReportingUnknown`): Foundation's
/// `JSONDecoder` plus `decodeStrict`'s re-encode were most of a push's time. Payloads stay strict
/// per event (an unknown payload field rejects only that event, Protocol §6.1). Each event's
/// `body` is its received object as compact sorted-key JSON, which decodes to the same
/// `DeviceEvent` as the canonical re-encoding did.
struct PushEnvelope {
    var request: PushRequest
    /// The stored `device_events.body` of each event, in order.
    var bodies: [String]

    static let topKeys: Set<String> = ["device_id", "sent_at", "client_status", "events"]
    static let statusKeys: Set<String> = [
        "outbox_events", "outbox_bytes", "oldest_unsent_at", "files_pending", "bytes_pending", "app_version",
        "last_error",
    ]
    static let eventKeys: Set<String> = [
        "event_id", "device_seq", "type", "item_id", "base_version", "recorded_at", "payload",
    ]

    static func decode(_ bytes: [UInt8]) throws(ServerError) -> PushEnvelope {
        let request: PushRequest
        let tree: JSONValue
        do {
            tree = try JSONValue.parse(bytes)
            // The direct read covers the common shapes; the generic decoder gives the same value or the error.
            if let fast = PushRequest.decodeFast(tree) {
                request = fast
            } else {
                request = try JSONCoding.decodeReportingUnknown(PushRequest.self, from: tree).value
            }
        } catch {
            throw ServerError(error)
        }
        guard case .object(let object) = tree else {
            throw ServerError(.malformedJSON, "the body is not a JSON object")
        }
        try unknown(object, topKeys, "")
        if case .object(let status) = object["client_status"] { try unknown(status, statusKeys, "/client_status") }
        guard case .array(let events) = object["events"] else { return PushEnvelope(request: request, bodies: []) }
        var bodies: [String] = []
        bodies.reserveCapacity(events.count)
        for (i, item) in events.enumerated() {
            guard case .object(let event) = item else {
                throw ServerError.field(.invalidField, "/events/\(i)", "an event must be an object")
            }
            try unknown(event, eventKeys, "/events/\(i)")
            bodies.append(item.jsonText)
        }
        return PushEnvelope(request: request, bodies: bodies)
    }

    /// `null` counts as absent (Protocol §1), so only present, non-null unknown keys are refused.
    static func unknown(_ object: [String: JSONValue], _ known: Set<String>, _ pointer: String) throws(ServerError) {
        // Sorting only when there is an unknown key: the first in key order is the one reported.
        guard object.contains(where: { !known.contains($0.key) && $0.value != .null }) else { return }
        if let key = object.keys.sorted().first(where: { !known.contains($0) && object[$0] != .null }) {
            throw ServerError.field(.unknownField, pointer + "/" + key, "field is not defined by the protocol")
        }
    }
}
