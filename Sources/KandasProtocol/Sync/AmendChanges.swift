/// Fields an `amend` event changes.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct AmendChanges: Sendable, Codable, Equatable {
    /// New note.
    public var note: String?
    /// New performance time.
    public var performedAt: Timestamp?
    /// New location.
    public var location: Geolocation?

    /// Creates a value from its fields.
    public init(note: String? = nil, performedAt: Timestamp? = nil, location: Geolocation? = nil) {
        self.note = note
        self.performedAt = performedAt
        self.location = location
    }

    enum CodingKeys: String, CodingKey {
        case note
        case performedAt = "performed_at"
        case location
    }
}
