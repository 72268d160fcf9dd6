/// The server's statement of which declared files it holds verified.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Receipt: Sendable, Codable, Equatable {
    /// The completion.
    public var completionID: WireID
    /// Its rev.
    public var completionRev: Int
    /// n.
    public var filesDeclared: Int
    /// k.
    public var filesVerified: Int
    /// `complete` when k == n.
    public var completeness: Completeness
    /// Every declared file.
    public var files: [ReceiptFile]
    /// When this receipt was issued.
    public var issuedAt: Timestamp

    /// Creates a value from its fields.
    public init(
        completionID: WireID, completionRev: Int, filesDeclared: Int, filesVerified: Int, completeness: Completeness,
        files: [ReceiptFile], issuedAt: Timestamp
    ) {
        self.completionID = completionID
        self.completionRev = completionRev
        self.filesDeclared = filesDeclared
        self.filesVerified = filesVerified
        self.completeness = completeness
        self.files = files
        self.issuedAt = issuedAt
    }

    enum CodingKeys: String, CodingKey {
        case completionID = "completion_id"
        case completionRev = "completion_rev"
        case filesDeclared = "files_declared"
        case filesVerified = "files_verified"
        case completeness
        case files
        case issuedAt = "issued_at"
    }
}
