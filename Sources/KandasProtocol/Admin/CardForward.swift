/// One completion's delivery to the family's digital card (Rules 2, para 37; services.md §7): a row
/// of the outbound forwarding queue, as an administrator sees it.
///
/// The `id` is the delivery ID the receiver sees in `Kandas-Delivery-Id` on every attempt, so it
/// can drop a repeat it already acknowledged. Wire fields are `snake_case` (see `CodingKeys`).
public struct CardForward: Sendable, Codable, Equatable {
    /// The delivery ID (one per completion, the same on every attempt).
    public var id: WireID
    /// The completion forwarded.
    public var completionID: WireID
    /// Its family.
    public var familyID: WireID
    /// Queue state.
    public var state: CardForwardState
    /// Attempts made so far (a manual retry of a dead delivery starts again from 0).
    public var attempts: Int
    /// When the next attempt is due (pending deliveries).
    public var nextAttemptAt: Timestamp?
    /// The receiver's HTTP status of the last attempt (absent for a transport failure or none yet).
    public var lastStatus: Int?
    /// Why the last attempt failed: `http_503`, `timeout`, `connect_failed`... (never the payload).
    public var lastError: String?
    /// When the receiver acknowledged it.
    public var deliveredAt: Timestamp?
    /// When it was queued.
    public var createdAt: Timestamp
    /// Last change.
    public var updatedAt: Timestamp

    /// Creates a value from its fields.
    public init(
        id: WireID, completionID: WireID, familyID: WireID, state: CardForwardState, attempts: Int,
        nextAttemptAt: Timestamp?, lastStatus: Int?, lastError: String?, deliveredAt: Timestamp?,
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.completionID = completionID
        self.familyID = familyID
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case completionID = "completion_id"
        case familyID = "family_id"
        case state, attempts
        case nextAttemptAt = "next_attempt_at"
        case lastStatus = "last_status"
        case lastError = "last_error"
        case deliveredAt = "delivered_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// The state of a digital-card delivery (services.md §7.2).
public enum CardForwardState: String, Sendable, Codable, Equatable, CaseIterable {
    /// Waiting for its next attempt.
    case pending
    /// Claimed by a server instance until its lease ends.
    case delivering
    /// Acknowledged by the receiver (2xx); never sent again.
    case delivered
    /// Gave up after the last allowed attempt; an administrator may queue it again.
    case dead
    /// The completion stopped qualifying (voided, review changed) before it was sent.
    case withdrawn
}

/// The body a digital-card receiver gets (services.md §7.1), signed with HMAC-SHA256.
public struct CardRecord: Sendable, Codable, Equatable {
    /// Always `kandas-card-record/1`.
    public var format: String
    /// The delivery ID, also in `Kandas-Delivery-Id`.
    public var deliveryID: WireID
    /// The member's IIN: the digital family card keys people by IIN, not by this server's IDs.
    public var memberIIN: String
    /// The completion as the admin API shows it (evidence complete, review approved).
    public var completion: Completion

    /// The `format` value of this version.
    public static let currentFormat = "kandas-card-record/1"

    /// Creates a value from its fields.
    public init(deliveryID: WireID, memberIIN: String, completion: Completion) {
        format = Self.currentFormat
        self.deliveryID = deliveryID
        self.memberIIN = memberIIN
        self.completion = completion
    }

    enum CodingKeys: String, CodingKey {
        case format
        case deliveryID = "delivery_id"
        case memberIIN = "member_iin"
        case completion
    }
}
