/// The type-specific payload of a device event.
///
/// An event whose `type` is unknown, or whose payload does not decode or carries unknown fields,
/// still decodes as `.unrecognized` so that one bad event never fails a whole push: the server
/// stores it as `rejected` with `problem.code` and the device advances (sync-v1 §6.2).
public enum EventPayload: Sendable, Equatable {
    case complete(CompletePayload)
    case amend(AmendPayload)
    case void(VoidPayload)
    case resolve(ResolvePayload)
    /// A payload this build cannot apply; `type` and `payload` are kept as received.
    case unrecognized(type: String, payload: JSONValue, problem: ProtocolError)

    /// The wire `type` of the event.
    public var typeName: String {
        switch self {
        case .complete: return EventType.complete.rawValue
        case .amend: return EventType.amend.rawValue
        case .void: return EventType.void.rawValue
        case .resolve: return EventType.resolve.rawValue
        case .unrecognized(let type, _, _): return type
        }
    }

    /// The known event type, or `nil` for an unrecognized payload of an unknown type.
    public var eventType: EventType? { EventType(rawValue: typeName) }

    /// Decodes `payload` for `type`, strictly: unknown fields make it `.unrecognized`.
    public init(type: String, payload: JSONValue) {
        do throws(ProtocolError) {
            switch EventType(rawValue: type) {
            case .complete:
                // The direct read covers the common payload; anything else gets the strict generic decode.
                if let fast = CompletePayload.decodeFast(payload) {
                    self = .complete(fast)
                } else {
                    self = .complete(try Self.strict(CompletePayload.self, payload))
                }
            case .amend: self = .amend(try Self.strict(AmendPayload.self, payload))
            case .void: self = .void(try Self.strict(VoidPayload.self, payload))
            case .resolve: self = .resolve(try Self.strict(ResolvePayload.self, payload))
            case nil:
                throw ProtocolError(.unknownEventType, pointer: "/type", detail: "event type is not known")
            }
        } catch {
            self = .unrecognized(type: type, payload: payload, problem: error)
        }
    }

    /// The payload as a JSON value, exactly as it goes on the wire.
    public var jsonValue: JSONValue {
        func encode<T: Encodable>(_ value: T) -> JSONValue {
            // Encoding wire structs into JSONValue cannot fail: they hold only strings, numbers and bools.
            (try? JSONCoding.makeDecoder().decode(JSONValue.self, from: JSONCoding.encode(value))) ?? .null
        }
        switch self {
        case .complete(let value): return encode(value)
        case .amend(let value): return encode(value)
        case .void(let value): return encode(value)
        case .resolve(let value): return encode(value)
        case .unrecognized(_, let payload, _): return payload
        }
    }

    static func strict<T: Codable>(_ type: T.Type, _ payload: JSONValue) throws(ProtocolError) -> T {
        let decoded: (value: T, unknownFields: [String])
        do {
            decoded = try JSONCoding.decodeReportingUnknown(type, from: payload)
        } catch {
            // Missing or ill-typed payload fields reject only this event (sync-v1 §6.1).
            throw ProtocolError(.invalidPayload, pointer: "/payload" + error.pointer, detail: error.detail)
        }
        if let pointer = decoded.unknownFields.first {
            throw ProtocolError(
                .unknownField, pointer: "/payload" + pointer, detail: "field is not defined by the protocol")
        }
        return decoded.value
    }
}
