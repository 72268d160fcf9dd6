/// Direct decoding of the common push shapes from a parsed tree, without `Codable` containers.
///
/// The generic `JSONValueDecoder` builds a coding path, a JSON Pointer and a read-key set for
/// every member it visits; for a 500-event push that bookkeeping was most of the decode. These
/// paths read the tree directly and return `nil` as soon as anything is not the plain, valid
/// shape (a missing or ill-typed field, an unknown key, files declared); the caller then decodes
/// with the generic decoder, which produces the same value or reports the error exactly as before.
extension PushRequest {
    /// The request of a push body's tree, or `nil` to use the generic decoder.
    public static func decodeFast(_ tree: JSONValue) -> PushRequest? {
        guard case .object(let top) = tree, let deviceID = FastField.id(top["device_id"]),
            let sentAt = FastField.timestamp(top["sent_at"]), case .array(let items)? = top["events"]
        else { return nil }
        var status: ClientStatus?
        if let value = top["client_status"], value != .null {
            guard let decoded = try? JSONCoding.decodeReportingUnknown(ClientStatus.self, from: value).value else {
                return nil
            }
            status = decoded
        }
        var events: [DeviceEvent] = []
        events.reserveCapacity(items.count)
        for item in items {
            guard let event = DeviceEvent.decodeFast(item) else { return nil }
            events.append(event)
        }
        return PushRequest(deviceID: deviceID, sentAt: sentAt, clientStatus: status, events: events)
    }
}

extension DeviceEvent {
    /// An event's envelope read directly; the payload is decoded by `EventPayload(type:payload:)` as before.
    static func decodeFast(_ value: JSONValue) -> DeviceEvent? {
        guard case .object(let m) = value else { return nil }
        // One pass over the members instead of a hashed lookup per field (a push's events are most
        // of its members); what each field gets is exactly `m[name]`.
        var eventID: JSONValue?
        var deviceSeq: JSONValue?
        var itemID: JSONValue?
        var baseVersion: JSONValue?
        var recordedAt: JSONValue?
        var typeValue: JSONValue?
        var payloadValue: JSONValue?
        for (key, member) in m {
            switch key {
            case "event_id": eventID = member
            case "device_seq": deviceSeq = member
            case "type": typeValue = member
            case "item_id": itemID = member
            case "base_version": baseVersion = member
            case "recorded_at": recordedAt = member
            case "payload": payloadValue = member
            default: break
            }
        }
        guard let eventID = FastField.id(eventID), let deviceSeq = FastField.int(deviceSeq),
            let itemID = FastField.id(itemID), let baseVersion = FastField.int(baseVersion),
            let recordedAt = FastField.timestamp(recordedAt), case .string(let type)? = typeValue,
            let payload = payloadValue
        else { return nil }
        return DeviceEvent(
            eventID: eventID, deviceSeq: deviceSeq, itemID: itemID, baseVersion: baseVersion, recordedAt: recordedAt,
            payload: EventPayload(type: type, payload: payload))
    }
}

extension CompletePayload {
    static let fastKeys = ["completion_id", "member_id", "performed_at", "note", "location", "files"]

    /// A `complete` payload without files, read directly; `nil` to decode it strictly the generic way.
    static func decodeFast(_ value: JSONValue) -> CompletePayload? {
        guard case .object(let m) = value else { return nil }
        // One pass over the members (as `DeviceEvent.decodeFast`); an unknown key that is present and
        // not null answers `nil`, as `FastField.onlyKnown` with `fastKeys` does.
        var completionIDValue: JSONValue?
        var memberIDValue: JSONValue?
        var performedAtValue: JSONValue?
        var noteValue: JSONValue?
        var locationValue: JSONValue?
        var filesValue: JSONValue?
        for (key, member) in m {
            switch key {
            case "completion_id": completionIDValue = member
            case "member_id": memberIDValue = member
            case "performed_at": performedAtValue = member
            case "note": noteValue = member
            case "location": locationValue = member
            case "files": filesValue = member
            default: if member != .null { return nil }
            }
        }
        guard let completionID = FastField.id(completionIDValue), let memberID = FastField.id(memberIDValue),
            let performedAt = FastField.timestamp(performedAtValue), case .array(let files)? = filesValue,
            files.isEmpty
        else { return nil }
        var note: String?
        switch noteValue {
        case nil, .null?: note = nil
        case .string(let text)?: note = text
        default: return nil
        }
        var location: Geolocation?
        switch locationValue {
        case nil, .null?: location = nil
        case let value?:
            guard let decoded = Geolocation.decodeFast(value) else { return nil }
            location = decoded
        }
        return CompletePayload(
            completionID: completionID, memberID: memberID, performedAt: performedAt, note: note, location: location,
            files: [])
    }
}

extension Geolocation {
    static let fastKeys = [
        "latitude", "longitude", "accuracy_m", "fix_time", "provider", "mock", "altitude_m",
    ]

    static func decodeFast(_ value: JSONValue) -> Geolocation? {
        guard case .object(let m) = value else { return nil }
        // One pass over the members (as `CompletePayload.decodeFast`).
        var latitudeValue: JSONValue?
        var longitudeValue: JSONValue?
        var accuracyValue: JSONValue?
        var fixTimeValue: JSONValue?
        var providerValue: JSONValue?
        var mockValue: JSONValue?
        var altitudeValue: JSONValue?
        for (key, member) in m {
            switch key {
            case "latitude": latitudeValue = member
            case "longitude": longitudeValue = member
            case "accuracy_m": accuracyValue = member
            case "fix_time": fixTimeValue = member
            case "provider": providerValue = member
            case "mock": mockValue = member
            case "altitude_m": altitudeValue = member
            default: if member != .null { return nil }
            }
        }
        guard case .number(let latitude)? = latitudeValue,
            case .number(let longitude)? = longitudeValue, case .number(let accuracy)? = accuracyValue,
            let fixTime = FastField.timestamp(fixTimeValue), case .string(let providerName)? = providerValue,
            let provider = LocationProvider(rawValue: providerName), case .bool(let mock)? = mockValue,
            latitude.isFinite, longitude.isFinite, accuracy.isFinite
        else { return nil }
        var altitude: Double?
        switch altitudeValue {
        case nil, .null?: altitude = nil
        case .number(let n)? where n.isFinite: altitude = n
        default: return nil
        }
        return Geolocation(
            latitude: latitude, longitude: longitude, accuracyMeters: accuracy, fixTime: fixTime, provider: provider,
            mock: mock, altitudeMeters: altitude)
    }
}

/// Field readers with the generic decoder's rules, answering `nil` where it would throw.
enum FastField {
    static func id(_ value: JSONValue?) -> WireID? {
        guard case .string(let text)? = value else { return nil }
        return WireID(text)
    }

    static func timestamp(_ value: JSONValue?) -> Timestamp? {
        guard case .string(let text)? = value else { return nil }
        return Timestamp(text)
    }

    /// An integral number that fits `Int` (as `JSONValueDecoder.integer`).
    static func int(_ value: JSONValue?) -> Int? {
        guard case .number(let n)? = value, n.rounded() == n, abs(n) <= JSONValueDecoder.maxInteger else { return nil }
        return Int(exactly: n)
    }

    /// `true` when every present, non-null key is one the type reads (strict decoding would accept the object).
    /// `known` is a short list: comparing short keys is cheaper than hashing each into a set.
    static func onlyKnown(_ members: [String: JSONValue], _ known: [String]) -> Bool {
        for (key, value) in members where !known.contains(key) && value != .null { return false }
        return true
    }
}
