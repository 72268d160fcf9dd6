/// Response of `GET /readyz`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Readiness: Sendable, Codable, Equatable {
    /// `ready` or `not_ready`.
    public var status: String
    /// Check name -> `ok` or a short reason.
    public var checks: [String: String]

    /// Creates a value from its fields.
    public init(status: String, checks: [String: String]) {
        self.status = status
        self.checks = checks
    }

    enum CodingKeys: String, CodingKey {
        case status
        case checks
    }
}
