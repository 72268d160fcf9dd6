import Foundation
import KandasProtocol

/// Decodes a push body in one pass, with the envelope's unknown-field check on the parsed tree.
///
/// The plain shape every client sends is read straight from the bytes (``PushRequest/decodeDirect(_:)``),
/// which answers only where the tree path gives the same request and bodies. Otherwise the body is parsed once into a `JSONValue` (`JSONValue.parse`), checked for unknown envelope
/// fields, and decoded from that tree (`JSONCoding.decodeReportingUnknown`): Foundation's
/// `JSONDecoder` plus `decodeStrict`'s re-encode were most of a push's time. Payloads stay strict
/// per event (an unknown payload field rejects only that event, Protocol §6.1). Each event's
/// `body` is its received bytes (or, for an unusual top level, its compact sorted-key JSON); either
/// decodes to the same `DeviceEvent` as the canonical re-encoding did.
struct PushEnvelope {
    var request: PushRequest
    /// The stored `device_events.body` of each event, in order.
    var bodies: Bodies

    /// Each event's body, made into a `String` only when asked: an accepted `complete` without
    /// files stores none (``EventBodies/stored(_:body:accepted:)``), and validating and copying
    /// every event's bytes was a thirtieth of a push's CPU.
    /// The events' byte ranges are found on the first body asked for, so a push whose events all
    /// store none never scans its body a second time.
    struct Bodies: RandomAccessCollection {
        fileprivate var bytes: [UInt8] = []
        fileprivate var events: [JSONValue] = []
        private let eventCount: Int
        private let spans = Spans()

        /// The events' byte ranges in `bytes` once found; `.some(nil)` when they cannot be cut out
        /// (then each body is its event's compact sorted-key JSON). Confined to the request's thread.
        private final class Spans {
            var found: [Range<Int>]??
        }

        fileprivate init(bytes: [UInt8] = [], events: [JSONValue] = []) {
            self.bytes = bytes
            self.events = events
            eventCount = events.count
        }

        /// The bodies of a body read directly (``PushRequest/decodeDirect(_:)``), whose spans it found.
        fileprivate init(bytes: [UInt8], spans: [Range<Int>]) {
            self.bytes = bytes
            eventCount = spans.count
            self.spans.found = .some(spans)
        }

        var startIndex: Int { 0 }
        var endIndex: Int { eventCount }

        subscript(i: Int) -> String {
            if spans.found == nil {
                spans.found = .some(PushEnvelope.eventSpans(bytes).flatMap { $0.count == events.count ? $0 : nil })
            }
            if let ranges = spans.found ?? nil { return String(decoding: bytes[ranges[i]], as: UTF8.self) }
            return events[i].jsonText
        }
    }

    /// The envelope's members: the direct reader's lists, so both paths refuse the same keys.
    static let topKeys = PushRequest.directTopKeys
    static let statusKeys = [
        "outbox_events", "outbox_bytes", "oldest_unsent_at", "files_pending", "bytes_pending", "app_version",
        "last_error",
    ]
    static let eventKeys = PushRequest.directEventKeys

    static func decode(_ bytes: [UInt8]) throws(ServerError) -> PushEnvelope {
        // The plain shape read straight from the bytes (no tree); it answers only where the tree path
        // below gives the same request and bodies, and then only `client_status` is left to check.
        if let direct = PushRequest.decodeDirect(bytes) {
            if case .object(let status)? = direct.clientStatus { try unknown(status, statusKeys, "/client_status") }
            return PushEnvelope(request: direct.request, bodies: Bodies(bytes: bytes, spans: direct.eventSpans))
        }
        return try decodeTree(bytes)
    }

    /// The general path: the body parsed into a tree, then decoded (every error of a bad body is made here).
    static func decodeTree(_ bytes: [UInt8]) throws(ServerError) -> PushEnvelope {
        let request: PushRequest
        let tree: JSONValue
        do {
            tree = try JSONValue.parse(bytes)
            // Only bodies the direct read left (escaped or repeated keys, unknown members, bad values)
            // come here: the generic decoder gives the value or the error.
            request = try JSONCoding.decodeReportingUnknown(PushRequest.self, from: tree).value
        } catch {
            throw ServerError(error)
        }
        guard case .object(let object) = tree else {
            throw ServerError(.malformedJSON, "the body is not a JSON object")
        }
        try unknown(object, topKeys, "")
        if case .object(let status) = object["client_status"] { try unknown(status, statusKeys, "/client_status") }
        guard case .array(let events) = object["events"] else {
            return PushEnvelope(request: request, bodies: Bodies())
        }
        for (i, item) in events.enumerated() {
            guard case .object(let event) = item else {
                throw ServerError.field(.invalidField, "/events/\(i)", "an event must be an object")
            }
            try unknown(event, eventKeys, "/events/\(i)")
        }
        // The event's own bytes when they can be cut out of the body (they parsed, so they decode to
        // the same event); re-encoding every event was a twentieth of a push's CPU.
        return PushEnvelope(request: request, bodies: Bodies(bytes: bytes, events: events))
    }

    /// Byte ranges of the `events` array's elements in a body that already parsed as JSON; `nil`
    /// unless the top level is plain: an object whose keys have no escapes, with one `events` array.
    static func eventSpans(_ b: [UInt8]) -> [Range<Int>]? {
        var i = 0
        func space() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
        }
        func at(_ c: Unicode.Scalar) -> Bool { i < b.count && b[i] == UInt8(ascii: c) }
        /// Past a string starting at `i`; `false` if it has an escape (keys only) or no end.
        func skipString(escapes: Bool) -> Bool {
            i += 1
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\\"):
                    guard escapes else { return false }
                    i += 2
                case UInt8(ascii: "\""):
                    i += 1
                    return true
                default: i += 1
                }
            }
            return false
        }
        func skipValue() -> Bool {
            guard i < b.count else { return false }
            if at("\"") { return skipString(escapes: true) }
            if at("{") || at("[") {
                var depth = 0
                repeat {
                    if at("\"") {
                        guard skipString(escapes: true) else { return false }
                        continue
                    }
                    if at("{") || at("[") { depth += 1 }
                    if at("}") || at("]") { depth -= 1 }
                    i += 1
                } while depth > 0 && i < b.count
                return depth == 0
            }
            while i < b.count, !at(","), !at("}"), !at("]"), b[i] > 0x20 { i += 1 }
            return true
        }
        space()
        guard at("{") else { return nil }
        i += 1
        var spans: [Range<Int>]?
        space()
        if at("}") { return nil }
        while true {
            space()
            let keyStart = i + 1
            guard at("\""), skipString(escapes: false) else { return nil }
            let isEvents = b[keyStart..<(i - 1)].elementsEqual("events".utf8)
            space()
            guard at(":") else { return nil }
            i += 1
            space()
            if isEvents {
                guard spans == nil, at("[") else { return nil }
                i += 1
                var found: [Range<Int>] = []
                space()
                if at("]") {
                    i += 1
                } else {
                    while true {
                        space()
                        let start = i
                        guard skipValue() else { return nil }
                        found.append(start..<i)
                        space()
                        if at(",") {
                            i += 1
                            continue
                        }
                        guard at("]") else { return nil }
                        i += 1
                        break
                    }
                }
                spans = found
            } else {
                guard skipValue() else { return nil }
            }
            space()
            if at(",") {
                i += 1
                continue
            }
            guard at("}") else { return nil }
            return spans
        }
    }

    /// `null` counts as absent (Protocol §1), so only present, non-null unknown keys are refused.
    /// `known` is a short list: comparing short keys is cheaper than hashing each into a set.
    /// `pointer` is made only for an error: interpolating `/events/<i>` for every event of a push
    /// cost a string per event.
    static func unknown(
        _ object: [String: JSONValue], _ known: [String], _ pointer: @autoclosure () -> String
    ) throws(ServerError) {
        // Sorting only when there is an unknown key: the first in key order is the one reported.
        guard object.contains(where: { !known.contains($0.key) && $0.value != .null }) else { return }
        if let key = object.keys.sorted().first(where: { !known.contains($0) && object[$0] != .null }) {
            throw ServerError.field(.unknownField, pointer() + "/" + key, "field is not defined by the protocol")
        }
    }
}
