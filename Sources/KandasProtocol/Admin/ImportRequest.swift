/// Body of a JSON `POST /v1/admin/imports`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ImportRequest: Sendable, Codable, Equatable {
    /// Families; row n of the report is element n (1-based).
    public var families: [ImportFamily]

    /// Creates a value from its fields.
    public init(families: [ImportFamily]) {
        self.families = families
    }

    enum CodingKeys: String, CodingKey {
        case families
    }
}
