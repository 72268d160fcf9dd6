/// Response of `GET /healthz`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Health: Sendable, Codable, Equatable {
    /// Always `ok`.
    public var status: String

    /// Creates a value from its fields.
    public init(status: String) {
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case status
    }
}
