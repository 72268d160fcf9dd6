/// The object a pull change carries, typed by its `entity`.
public enum ChangeData: Sendable, Equatable {
    case family(Family)
    case member(Member)
    case plan(Plan)
    case planItem(PlanItem)
    case completion(Completion)
    case conflict(Conflict)
    case review(Review)
    case eventOutcome(EventResult)
    case receipt(Receipt)
    /// An entity kind this build does not know; clients skip it (sync-v1 §7.2).
    case unknown(entity: String, data: JSONValue)

    /// The wire `entity` name.
    public var entity: String {
        switch self {
        case .family: return ChangeEntity.family.rawValue
        case .member: return ChangeEntity.member.rawValue
        case .plan: return ChangeEntity.plan.rawValue
        case .planItem: return ChangeEntity.planItem.rawValue
        case .completion: return ChangeEntity.completion.rawValue
        case .conflict: return ChangeEntity.conflict.rawValue
        case .review: return ChangeEntity.review.rawValue
        case .eventOutcome: return ChangeEntity.eventOutcome.rawValue
        case .receipt: return ChangeEntity.receipt.rawValue
        case .unknown(let entity, _): return entity
        }
    }

    /// Decodes `data` for `entity` (unknown fields ignored, as clients must).
    ///
    /// - Throws: `ProtocolError` when a known entity's data does not decode.
    public init(entity: String, data: JSONValue) throws(ProtocolError) {
        switch ChangeEntity(rawValue: entity) {
        case .family: self = .family(try JSONCoding.decode(Family.self, from: data))
        case .member: self = .member(try JSONCoding.decode(Member.self, from: data))
        case .plan: self = .plan(try JSONCoding.decode(Plan.self, from: data))
        case .planItem: self = .planItem(try JSONCoding.decode(PlanItem.self, from: data))
        case .completion: self = .completion(try JSONCoding.decode(Completion.self, from: data))
        case .conflict: self = .conflict(try JSONCoding.decode(Conflict.self, from: data))
        case .review: self = .review(try JSONCoding.decode(Review.self, from: data))
        case .eventOutcome: self = .eventOutcome(try JSONCoding.decode(EventResult.self, from: data))
        case .receipt: self = .receipt(try JSONCoding.decode(Receipt.self, from: data))
        case nil: self = .unknown(entity: entity, data: data)
        }
    }

    func encode(into container: inout KeyedEncodingContainer<Change.CodingKeys>) throws {
        switch self {
        case .family(let value): try container.encode(value, forKey: .data)
        case .member(let value): try container.encode(value, forKey: .data)
        case .plan(let value): try container.encode(value, forKey: .data)
        case .planItem(let value): try container.encode(value, forKey: .data)
        case .completion(let value): try container.encode(value, forKey: .data)
        case .conflict(let value): try container.encode(value, forKey: .data)
        case .review(let value): try container.encode(value, forKey: .data)
        case .eventOutcome(let value): try container.encode(value, forKey: .data)
        case .receipt(let value): try container.encode(value, forKey: .data)
        case .unknown(_, let value): try container.encode(value, forKey: .data)
        }
    }
}
