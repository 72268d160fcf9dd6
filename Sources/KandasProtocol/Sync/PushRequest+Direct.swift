/// A push body read straight from its bytes into a ``PushRequest``, without a `JSONValue` tree.
///
/// Parsing the body into a tree and then reading the tree (as a push did before) hashed
/// every key into a dictionary and freed every node again: a tenth of a push's server CPU. This
/// reader accepts only the plain shape: an object with `device_id`, `sent_at`, `events` and
/// optionally `client_status`, each event an object with exactly the envelope's members, keys
/// without escapes, no repeated key, and unknown members only when `null` (absent, Protocol §1).
/// Anything else answers `nil` and the caller parses the body and decodes the tree as before, which
/// gives the same value or the same error; where this reader answers, the tree path would have
/// given the same request and the same event spans. It checks the same syntax as ``JSONParser``
/// (its string and number readers are the parser's own), so a body it reads is valid JSON.
///
/// A `complete` payload in the common shape (``CompletePayload/decodeFast(_:)``'s) is read in
/// place too; any other payload is parsed into a tree and decoded by ``EventPayload/init(type:payload:)``,
/// as before.
extension PushRequest {
    /// What ``decodeDirect(_:)`` read.
    public struct Direct: Sendable {
        /// The request, as the tree path decodes it.
        public var request: PushRequest
        /// Each event's byte range in the body, in order (as `PushEnvelope.eventSpans` finds them).
        public var eventSpans: [Range<Int>]
        /// The `client_status` member when present and not `null`, for the caller's unknown-field check.
        public var clientStatus: JSONValue?
    }

    /// The envelope members the direct reader knows (`PushEnvelope` refuses any other that is not `null`).
    public static let directTopKeys = ["device_id", "sent_at", "client_status", "events"]
    /// An event's members.
    public static let directEventKeys = [
        "event_id", "device_seq", "type", "item_id", "base_version", "recorded_at", "payload",
    ]

    /// The request read from the body's bytes, or `nil` to parse and decode it the general way.
    public static func decodeDirect(_ bytes: [UInt8]) -> Direct? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONParser(buffer)
            return reader.pushRequest()
        }
    }
}

extension JSONParser {
    // Byte constants of the grammar.
    private static let quote = UInt8(ascii: "\"")
    private static let openObject = UInt8(ascii: "{")
    private static let closeObject = UInt8(ascii: "}")
    private static let openArray = UInt8(ascii: "[")
    private static let closeArray = UInt8(ascii: "]")

    private func at(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    /// The whole body; `nil` for anything but the plain shape.
    mutating func pushRequest() -> PushRequest.Direct? {
        skipSpace()
        guard let nonEmpty = objectStart(), nonEmpty else { return nil }
        depth = 1
        var seen: UInt8 = 0
        var deviceID: WireID?
        var sentAt: Timestamp?
        var statusValue: JSONValue?
        var status: ClientStatus?
        var events: [DeviceEvent] = []
        var spans: [Range<Int>] = []
        while true {
            guard let key = key() else { return nil }
            let field: UInt8
            if Self.equal(key, "device_id") {
                field = 1
                guard let id = plainString().flatMap({ WireID(utf8: $0) }) else { return nil }
                deviceID = id
            } else if Self.equal(key, "sent_at") {
                field = 2
                guard let time = plainString().flatMap({ Timestamp(utf8: $0) }) else { return nil }
                sentAt = time
            } else if Self.equal(key, "events") {
                field = 4
                guard readEvents(into: &events, spans: &spans) else { return nil }
            } else if Self.equal(key, "client_status") {
                field = 8
                if !null() {
                    // As `decodeFast`: decoded from its tree (rare, and small), `nil` if it does not decode.
                    guard let value = value(),
                        let decoded = try? JSONCoding.decodeReportingUnknown(ClientStatus.self, from: value).value
                    else { return nil }
                    statusValue = value
                    status = decoded
                }
            } else {
                field = 0
                guard null() else { return nil }
            }
            guard field == 0 || seen & field == 0 else { return nil }
            seen |= field
            guard let more = memberFollows() else { return nil }
            if !more { break }
        }
        skipSpace()
        guard index == bytes.count, let deviceID, let sentAt, seen & 4 != 0 else { return nil }
        return PushRequest.Direct(
            request: PushRequest(deviceID: deviceID, sentAt: sentAt, clientStatus: status, events: events),
            eventSpans: spans, clientStatus: statusValue)
    }

    /// The `events` array: each element an event in the plain shape.
    private mutating func readEvents(into events: inout [DeviceEvent], spans: inout [Range<Int>]) -> Bool {
        guard at(Self.openArray) else { return false }
        index += 1
        depth = 2
        skipSpace()
        if at(Self.closeArray) {
            index += 1
            depth = 1
            return true
        }
        while true {
            skipSpace()
            let start = index
            guard let event = event() else { return false }
            events.append(event)
            spans.append(start..<index)
            skipSpace()
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == Self.closeArray else { return false }
            index += 1
            depth = 1
            return true
        }
    }

    /// One event object (at depth 3); its payload read in place when it is a plain `complete`.
    private mutating func event() -> DeviceEvent? {
        guard let nonEmpty = objectStart(), nonEmpty else { return nil }
        depth = 3
        var seen: UInt8 = 0
        var eventID: WireID?
        var deviceSeq: Int?
        var itemID: WireID?
        var baseVersion: Int?
        var recordedAt: Timestamp?
        var type: UnsafeBufferPointer<UInt8>?
        var payloadStart = -1
        var complete: CompletePayload?
        var payload: JSONValue?
        while true {
            guard let key = key() else { return nil }
            let field: UInt8
            switch key.count {
            case 8 where Self.equal(key, "event_id"):
                field = 1
                guard let id = plainString().flatMap({ WireID(utf8: $0) }) else { return nil }
                eventID = id
            case 10 where Self.equal(key, "device_seq"):
                field = 2
                guard let n = integer() else { return nil }
                deviceSeq = n
            case 4 where Self.equal(key, "type"):
                field = 4
                guard let text = plainString() else { return nil }
                type = text
            case 7 where Self.equal(key, "item_id"):
                field = 8
                guard let id = plainString().flatMap({ WireID(utf8: $0) }) else { return nil }
                itemID = id
            case 12 where Self.equal(key, "base_version"):
                field = 16
                guard let n = integer() else { return nil }
                baseVersion = n
            case 11 where Self.equal(key, "recorded_at"):
                field = 32
                guard let time = plainString().flatMap({ Timestamp(utf8: $0) }) else { return nil }
                recordedAt = time
            case 7 where Self.equal(key, "payload"):
                field = 64
                payloadStart = index
                // The type usually comes first; when it comes later, a plain `complete` shape is read
                // anyway and kept only if the type turns out to be `complete`.
                if at(Self.openObject), type.map({ Self.equal($0, "complete") }) ?? true {
                    complete = completePayload()
                    depth = 3
                }
                if complete == nil {
                    index = payloadStart
                    guard let value = value() else { return nil }
                    payload = value
                }
            default:
                field = 0
                guard null() else { return nil }
            }
            guard field == 0 || seen & field == 0 else { return nil }
            seen |= field
            guard let more = memberFollows() else { return nil }
            if !more { break }
        }
        guard let eventID, let deviceSeq, let itemID, let baseVersion,
            let recordedAt, let type, seen & 64 != 0
        else { return nil }
        depth = 2
        let eventPayload: EventPayload
        if let complete, Self.equal(type, "complete") {
            eventPayload = .complete(complete)
        } else {
            if payload == nil {
                // A plain `complete` shape under another type: its tree, as the tree path has it.
                let end = index
                index = payloadStart
                depth = 3
                payload = value()
                index = end
                depth = 2
            }
            guard let payload else { return nil }
            eventPayload = EventPayload(type: String(decoding: type, as: UTF8.self), payload: payload)
        }
        return DeviceEvent(
            eventID: eventID, deviceSeq: deviceSeq, itemID: itemID, baseVersion: baseVersion, recordedAt: recordedAt,
            payload: eventPayload)
    }

    /// A `complete` payload in the shape ``CompletePayload/decodeFast(_:)`` reads (at depth 4), or
    /// `nil` (the index then is anywhere inside it: the caller parses the payload again from its start).
    private mutating func completePayload() -> CompletePayload? {
        guard let nonEmpty = objectStart(), nonEmpty else { return nil }
        depth = 4
        var seen: UInt8 = 0
        var completionID: WireID?
        var memberID: WireID?
        var performedAt: Timestamp?
        var note: String?
        var location: Geolocation?
        while true {
            guard let key = key() else { return nil }
            let field: UInt8
            switch key.count {
            case 13 where Self.equal(key, "completion_id"):
                field = 1
                guard let id = plainString().flatMap({ WireID(utf8: $0) }) else { return nil }
                completionID = id
            case 9 where Self.equal(key, "member_id"):
                field = 2
                guard let id = plainString().flatMap({ WireID(utf8: $0) }) else { return nil }
                memberID = id
            case 12 where Self.equal(key, "performed_at"):
                field = 4
                guard let time = plainString().flatMap({ Timestamp(utf8: $0) }) else { return nil }
                performedAt = time
            case 4 where Self.equal(key, "note"):
                field = 8
                if !null() {
                    guard at(Self.quote), let text = string() else { return nil }
                    note = text
                }
            case 8 where Self.equal(key, "location"):
                field = 16
                if !null() {
                    guard let fix = geolocation() else { return nil }
                    location = fix
                    depth = 4
                }
            case 5 where Self.equal(key, "files"):
                field = 32
                // Only `[]`: declared files take the strict decode.
                guard at(Self.openArray) else { return nil }
                index += 1
                skipSpace()
                guard at(Self.closeArray) else { return nil }
                index += 1
            default:
                field = 0
                guard null() else { return nil }
            }
            guard field == 0 || seen & field == 0 else { return nil }
            seen |= field
            guard let more = memberFollows() else { return nil }
            if !more { break }
        }
        guard let completionID, let memberID, let performedAt, seen & 32 != 0
        else { return nil }
        return CompletePayload(
            completionID: completionID, memberID: memberID, performedAt: performedAt, note: note, location: location,
            files: [])
    }

    /// A location in the shape ``Geolocation/decodeFast(_:)`` reads (at depth 5), or `nil`.
    private mutating func geolocation() -> Geolocation? {
        guard let nonEmpty = objectStart(), nonEmpty else { return nil }
        depth = 5
        var seen: UInt8 = 0
        var latitude: Double?
        var longitude: Double?
        var accuracy: Double?
        var fixTime: Timestamp?
        var provider: LocationProvider?
        var mock: Bool?
        var altitude: Double?
        while true {
            guard let key = key() else { return nil }
            let field: UInt8
            switch key.count {
            case 8 where Self.equal(key, "latitude"):
                field = 1
                guard let n = finiteNumber() else { return nil }
                latitude = n
            case 9 where Self.equal(key, "longitude"):
                field = 2
                guard let n = finiteNumber() else { return nil }
                longitude = n
            case 10 where Self.equal(key, "accuracy_m"):
                field = 4
                guard let n = finiteNumber() else { return nil }
                accuracy = n
            case 8 where Self.equal(key, "fix_time"):
                field = 8
                guard let time = plainString().flatMap({ Timestamp(utf8: $0) }) else { return nil }
                fixTime = time
            case 8 where Self.equal(key, "provider"):
                field = 16
                guard let name = plainString(),
                    let known = LocationProvider.allCases.first(where: { Self.equalText(name, $0.rawValue) })
                else { return nil }
                provider = known
            case 4 where Self.equal(key, "mock"):
                field = 32
                if literal("true", .bool(true)) != nil {
                    mock = true
                } else if literal("false", .bool(false)) != nil {
                    mock = false
                } else {
                    return nil
                }
            case 10 where Self.equal(key, "altitude_m"):
                field = 64
                if !null() {
                    guard let n = finiteNumber() else { return nil }
                    altitude = n
                }
            default:
                field = 0
                guard null() else { return nil }
            }
            guard field == 0 || seen & field == 0 else { return nil }
            seen |= field
            guard let more = memberFollows() else { return nil }
            if !more { break }
        }
        guard let latitude, let longitude, let accuracy, let fixTime,
            let provider, let mock
        else { return nil }
        return Geolocation(
            latitude: latitude, longitude: longitude, accuracyMeters: accuracy, fixTime: fixTime, provider: provider,
            mock: mock, altitudeMeters: altitude)
    }

    // MARK: - Pieces

    /// Past `{` and any space: `true` when a member follows, `false` for `{}` (consumed); `nil` when
    /// the value is not an object.
    private mutating func objectStart() -> Bool? {
        guard at(Self.openObject) else { return nil }
        index += 1
        skipSpace()
        if at(Self.closeObject) {
            index += 1
            return false
        }
        return true
    }

    /// After a member's value: `true` past a `,` (another member follows), `false` past the closing `}`,
    /// `nil` for anything else.
    private mutating func memberFollows() -> Bool? {
        skipSpace()
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: ",") {
            index += 1
            return true
        }
        guard bytes[index] == Self.closeObject else { return nil }
        index += 1
        return false
    }

    /// A member's key and the `:` after it (spaces skipped on both sides); `nil` unless the key is
    /// plain printable ASCII without escapes.
    private mutating func key() -> UnsafeBufferPointer<UInt8>? {
        skipSpace()
        guard let key = plainString() else { return nil }
        skipSpace()
        guard at(UInt8(ascii: ":")) else { return nil }
        index += 1
        skipSpace()
        return key
    }

    /// A string's bytes when it is printable ASCII without escapes (IDs, times, keys), or `nil`;
    /// the index is past the closing quote only when it answers.
    private mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        guard at(Self.quote) else { return nil }
        var i = index + 1
        let start = i
        while i < bytes.count {
            let b = bytes[i]
            if b == Self.quote {
                index = i + 1
                return UnsafeBufferPointer(rebasing: bytes[start..<i])
            }
            // An escape, a control character or non-ASCII text: not plain.
            guard b >= 0x20, b < 0x80, b != UInt8(ascii: "\\") else { return nil }
            i += 1
        }
        return nil
    }

    /// `null`, consumed; `false` (nothing consumed) for anything else.
    private mutating func null() -> Bool {
        literal("null", .null) != nil
    }

    /// A number as the generic decoder reads an `Int`: integral and within `JSONValueDecoder.maxInteger`.
    private mutating func integer() -> Int? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "-") || isDigit(bytes[index]),
            case .number(let n)? = number(), n.rounded() == n, abs(n) <= JSONValueDecoder.maxInteger
        else { return nil }
        return Int(exactly: n)
    }

    /// A finite number (`decodeFast`'s rule for coordinates and accuracy).
    private mutating func finiteNumber() -> Double? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "-") || isDigit(bytes[index]),
            case .number(let n)? = number(), n.isFinite
        else { return nil }
        return n
    }

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let start = text.utf8Start
        for i in 0..<bytes.count where bytes[i] != start[i] { return false }
        return true
    }

    private static func equalText(_ bytes: UnsafeBufferPointer<UInt8>, _ text: String) -> Bool {
        bytes.elementsEqual(text.utf8)
    }
}
