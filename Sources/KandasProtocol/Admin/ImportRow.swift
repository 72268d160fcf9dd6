/// The outcome of one import row.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ImportRow: Sendable, Codable, Equatable {
    /// 1-based data row (CSV) or family index (JSON).
    public var row: Int
    /// The row's family label.
    public var familyRef: String?
    /// Outcome.
    public var status: ImportRowStatus
    /// The family created (not in dry runs).
    public var familyID: WireID?
    /// Problems (empty when `ok` or `skipped`).
    public var errors: [ImportFieldError]

    /// Creates a value from its fields.
    public init(
        row: Int, familyRef: String? = nil, status: ImportRowStatus, familyID: WireID? = nil, errors: [ImportFieldError]
    ) {
        self.row = row
        self.familyRef = familyRef
        self.status = status
        self.familyID = familyID
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case row
        case familyRef = "family_ref"
        case status
        case familyID = "family_id"
        case errors
    }
}
