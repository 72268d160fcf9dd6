import KandasProtocol

/// The completion fields an event sets (`note`, `performed_at`, `location`) as JSON values, for
/// conflict versions and same-field detection (Protocol §8.1-§8.2).
enum EventValues {
    static let fields = ["note", "performed_at", "location"]

    /// Every field the payload names, with its value (`complete` names all three; absent ones are null).
    static func all(of payload: EventPayload) -> [String: JSONValue] {
        switch payload {
        case .complete(let p):
            return [
                "note": p.note.map { .string($0) } ?? .null, "performed_at": .string(p.performedAt.description),
                "location": p.location.map(json) ?? .null,
            ]
        case .amend(let p):
            var out: [String: JSONValue] = [:]
            if let note = p.changes.note { out["note"] = .string(note) }
            if let at = p.changes.performedAt { out["performed_at"] = .string(at.description) }
            if let location = p.changes.location { out["location"] = json(location) }
            return out
        default:
            return [:]
        }
    }

    static func values(of payload: EventPayload, fields: [String]) -> [String: JSONValue] {
        all(of: payload).filter { fields.contains($0.key) }
    }

    static func json<T: Encodable>(_ value: T) -> JSONValue {
        (try? JSONCoding.makeDecoder().decode(JSONValue.self, from: JSONCoding.encode(value))) ?? .null
    }
}
