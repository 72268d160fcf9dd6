/// One problem in an import row.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ImportFieldError: Sendable, Codable, Equatable {
    /// CSV column name or JSON Pointer inside the family.
    public var field: String
    /// An error code (sync-v1 §15).
    public var code: String
    /// Human text.
    public var detail: String?

    /// Creates a value from its fields.
    public init(field: String, code: String, detail: String? = nil) {
        self.field = field
        self.code = code
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case field
        case code
        case detail
    }
}
