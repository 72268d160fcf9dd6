/// Body of `PATCH /v1/admin/career-centres/{id}`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct CareerCentreUpdate: Sendable, Codable, Equatable {
    /// The version the change is based on.
    public var version: Int
    /// New name.
    public var name: String?
    /// New address.
    public var address: String?

    /// Creates a value from its fields.
    public init(version: Int, name: String? = nil, address: String? = nil) {
        self.version = version
        self.name = name
        self.address = address
    }

    enum CodingKeys: String, CodingKey {
        case version
        case name
        case address
    }
}
