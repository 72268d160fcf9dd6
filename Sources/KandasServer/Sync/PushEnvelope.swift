import Foundation
import KandasProtocol

/// Decodes a push body once, with the envelope's unknown-field check done on a plain parse.
///
/// `RequestContext.body` (JSONCoding.decodeStrict) re-encodes and re-parses the whole value to
/// find unknown fields: for a 500-event push that was most of the server's time. The envelope has
/// a fixed shape, so its keys are checked directly; payloads stay strict per event (an unknown
/// payload field rejects only that event, Protocol §6.1).
struct PushEnvelope {
    var request: PushRequest

    static let topKeys: Set<String> = ["device_id", "sent_at", "client_status", "events"]
    static let statusKeys: Set<String> = [
        "outbox_events", "outbox_bytes", "oldest_unsent_at", "files_pending", "bytes_pending", "app_version",
        "last_error",
    ]
    static let eventKeys: Set<String> = [
        "event_id", "device_seq", "type", "item_id", "base_version", "recorded_at", "payload",
    ]

    static func decode(_ data: Data) throws(ServerError) -> PushEnvelope {
        let request: PushRequest
        do {
            request = try JSONCoding.decode(PushRequest.self, from: data)
        } catch {
            throw ServerError(error)
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ServerError(.malformedJSON, "the body is not a JSON object")
        }
        try unknown(object, topKeys, "")
        if let status = object["client_status"] as? [String: Any] { try unknown(status, statusKeys, "/client_status") }
        let events = object["events"] as? [Any] ?? []
        for (i, item) in events.enumerated() {
            guard let event = item as? [String: Any] else {
                throw ServerError.field(.invalidField, "/events/\(i)", "an event must be an object")
            }
            try unknown(event, eventKeys, "/events/\(i)")
        }
        return PushEnvelope(request: request)
    }

    /// `null` counts as absent (Protocol §1), so only present, non-null unknown keys are refused.
    static func unknown(_ object: [String: Any], _ known: Set<String>, _ pointer: String) throws(ServerError) {
        if let key = object.keys.sorted().first(where: { !known.contains($0) && !(object[$0] is NSNull) }) {
            throw ServerError.field(.unknownField, pointer + "/" + key, "field is not defined by the protocol")
        }
    }
}
