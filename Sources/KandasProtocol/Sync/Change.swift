/// One change in a pull response (sync-v1 §7.2): put the object into the mirror, or delete it.
public struct Change: Sendable, Codable, Equatable {
    /// Server change-log sequence.
    public var seq: Int
    /// The wire entity name (`family`, `plan_item`, ...); may be one this build does not know.
    public var entity: String
    /// The object's identity (for `event_outcome`, the event id; for `receipt`, the completion id).
    public var id: WireID
    /// Put or delete.
    public var op: ChangeOp
    /// The full object for `put`; `nil` for `delete`.
    public var data: ChangeData?

    /// Creates a `put` of `data`.
    public static func put(seq: Int, id: WireID, _ data: ChangeData) -> Change {
        Change(seq: seq, entity: data.entity, id: id, op: .put, data: data)
    }

    /// Creates a `delete`.
    public static func delete(seq: Int, entity: ChangeEntity, id: WireID) -> Change {
        Change(seq: seq, entity: entity.rawValue, id: id, op: .delete, data: nil)
    }

    /// Creates a change from its fields.
    public init(seq: Int, entity: String, id: WireID, op: ChangeOp, data: ChangeData?) {
        self.seq = seq
        self.entity = entity
        self.id = id
        self.op = op
        self.data = data
    }

    /// The known entity kind, or `nil` when this build does not know it.
    public var knownEntity: ChangeEntity? { ChangeEntity(rawValue: entity) }

    enum CodingKeys: String, CodingKey {
        case seq, entity, id, op, data
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seq = try container.decode(Int.self, forKey: .seq)
        entity = try container.decode(String.self, forKey: .entity)
        id = try container.decode(WireID.self, forKey: .id)
        op = try container.decode(ChangeOp.self, forKey: .op)
        if let raw = try container.decodeIfPresent(JSONValue.self, forKey: .data), raw != .null {
            do {
                data = try ChangeData(entity: entity, data: raw)
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: .data, in: container, debugDescription: "\(entity) data: \(error.description)")
            }
        } else {
            data = nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(entity, forKey: .entity)
        try container.encode(id, forKey: .id)
        try container.encode(op, forKey: .op)
        try data?.encode(into: &container)
    }
}
