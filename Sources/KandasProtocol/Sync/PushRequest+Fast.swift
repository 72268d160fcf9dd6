/// Direct decoding of the common `complete` payload shape from a parsed tree, without `Codable` containers.
///
/// The generic `JSONValueDecoder` builds a coding path, a JSON Pointer and a read-key set for
/// every member it visits. These paths read the tree directly and return `nil` as soon as anything
/// is not the plain, valid shape (a missing or ill-typed field, an unknown key, files declared); the
/// caller then decodes with the generic decoder, which produces the same value or reports the error
/// exactly as before. A push body's plain shape is read from its bytes instead (`decodeDirect`).
extension CompletePayload {
    /// A `complete` payload without files, read directly; `nil` to decode it strictly the generic way.
    static func decodeFast(_ value: JSONValue) -> CompletePayload? {
        guard case .object(let m) = value else { return nil }
        // One pass over the members instead of a hashed lookup per field; an unknown key that is present and
        // not null answers `nil` (the strict decoder would refuse it).
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
}
