/// Who did something.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ActorRef: Sendable, Codable, Equatable {
    /// User or device.
    public var actorType: ActorType
    /// The user or device.
    public var id: WireID

    /// Creates a value from its fields.
    public init(actorType: ActorType, id: WireID) {
        self.actorType = actorType
        self.id = id
    }

    enum CodingKeys: String, CodingKey {
        case actorType = "actor_type"
        case id
    }
}
