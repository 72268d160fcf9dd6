/// Payload of a `complete` event.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct CompletePayload: Sendable, Codable, Equatable {
    /// Client-generated completion identity.
    public var completionID: WireID
    /// The item's member.
    public var memberID: WireID
    /// When the work was done (device clock).
    public var performedAt: Timestamp
    /// Note, at most 4000 characters.
    public var note: String?
    /// Where.
    public var location: Geolocation?
    /// Evidence files (0-50).
    public var files: [DeclaredFile]

    /// Creates a value from its fields.
    public init(
        completionID: WireID, memberID: WireID, performedAt: Timestamp, note: String? = nil,
        location: Geolocation? = nil, files: [DeclaredFile]
    ) {
        self.completionID = completionID
        self.memberID = memberID
        self.performedAt = performedAt
        self.note = note
        self.location = location
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case completionID = "completion_id"
        case memberID = "member_id"
        case performedAt = "performed_at"
        case note
        case location
        case files
    }
}
