/// The Annex 3 monthly report of a region as JSON.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct MonthlyReport: Sendable, Codable, Equatable {
    /// Region.
    public var regionID: WireID
    /// `YYYY-MM`.
    public var month: String
    /// Only events received before this count.
    public var cutoff: Timestamp
    /// Equal to `cutoff`: the report is "as of" its cut-off, so regenerating it gives the same bytes.
    public var generatedAt: Timestamp
    /// SHA-256 hex of the rows written as `no,iin,s1,...,s25\n` (sync-v1 §13).
    public var inputSHA256: String
    /// Rows ordered by IIN.
    public var rows: [MonthlyReportRow]
    /// The month's completions the rows do not count, and why (ordered by performed time).
    public var leftOut: [MonthlyReportLeftOut]

    /// Creates a value from its fields.
    public init(
        regionID: WireID, month: String, cutoff: Timestamp, generatedAt: Timestamp, inputSHA256: String,
        rows: [MonthlyReportRow], leftOut: [MonthlyReportLeftOut] = []
    ) {
        self.regionID = regionID
        self.month = month
        self.cutoff = cutoff
        self.generatedAt = generatedAt
        self.inputSHA256 = inputSHA256
        self.rows = rows
        self.leftOut = leftOut
    }

    enum CodingKeys: String, CodingKey {
        case regionID = "region_id"
        case month
        case cutoff
        case generatedAt = "generated_at"
        case inputSHA256 = "input_sha256"
        case rows
        case leftOut = "left_out"
    }
}
