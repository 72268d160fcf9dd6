/// One entry of the hash-chained, append-only audit log.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct AuditEntry: Sendable, Codable, Equatable {
    /// Server identity.
    public var id: WireID
    /// Position in the chain (1, 2, ...).
    public var seq: Int
    /// When.
    public var at: Timestamp
    /// User, device or system.
    public var actorType: ActorType
    /// The user or device.
    public var actorID: WireID?
    /// The user's role at the time.
    public var actorRole: UserRole?
    /// `<entity>.<verb>`, e.g. `plan.publish`.
    public var action: String
    /// The kind of object acted on.
    public var entityType: String
    /// The object.
    public var entityID: WireID?
    /// Client address.
    public var remoteAddr: String
    /// The request.
    public var requestID: String
    /// Short text, never IINs, names or tokens.
    public var summary: String?
    /// `hash` of the previous entry (64 zeros for the first).
    public var previousHash: String
    /// SHA-256 hex over `prev_hash`, newline, canonical JSON of the entry without `hash`.
    public var hash: String

    /// Creates a value from its fields.
    public init(
        id: WireID, seq: Int, at: Timestamp, actorType: ActorType, actorID: WireID? = nil, actorRole: UserRole? = nil,
        action: String, entityType: String, entityID: WireID? = nil, remoteAddr: String, requestID: String,
        summary: String? = nil, previousHash: String, hash: String
    ) {
        self.id = id
        self.seq = seq
        self.at = at
        self.actorType = actorType
        self.actorID = actorID
        self.actorRole = actorRole
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.remoteAddr = remoteAddr
        self.requestID = requestID
        self.summary = summary
        self.previousHash = previousHash
        self.hash = hash
    }

    enum CodingKeys: String, CodingKey {
        case id
        case seq
        case at
        case actorType = "actor_type"
        case actorID = "actor_id"
        case actorRole = "actor_role"
        case action
        case entityType = "entity_type"
        case entityID = "entity_id"
        case remoteAddr = "remote_addr"
        case requestID = "request_id"
        case summary
        case previousHash = "prev_hash"
        case hash
    }
}
