/// `POST /v1/admin/reports/monthly/submissions`: records that a region's Annex 3 report for a month
/// was sent to the local executive body for social protection and employment (Rules 2, para 39).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ReportSubmissionRequest: Sendable, Codable, Equatable {
    /// The region.
    public var regionID: WireID
    /// `YYYY-MM`, a month that has ended.
    public var month: String
    /// The report's cut-off (default: now); the server renders the report as of it.
    public var cutoff: Timestamp?
    /// The form sent: `csv` (default), `json` or `html`; its exact bytes are hashed.
    public var format: String?
    /// To whom: the name of the local executive body for social protection and employment, 1-300 characters.
    public var recipient: String

    /// Creates a value from its fields.
    public init(regionID: WireID, month: String, cutoff: Timestamp? = nil, format: String? = nil, recipient: String) {
        self.regionID = regionID
        self.month = month
        self.cutoff = cutoff
        self.format = format
        self.recipient = recipient
    }

    enum CodingKeys: String, CodingKey {
        case regionID = "region_id"
        case month
        case cutoff
        case format
        case recipient
    }
}

/// A recorded submission of an Annex 3 report (Rules 2, para 39; sync-v1 §13.1).
///
/// Wire fields are `snake_case` (see `CodingKeys`).
public struct ReportSubmission: Sendable, Codable, Equatable {
    /// The submission.
    public var id: WireID
    /// The region.
    public var regionID: WireID
    /// `YYYY-MM`.
    public var month: String
    /// The report's cut-off.
    public var cutoff: Timestamp
    /// `csv`, `json` or `html`.
    public var format: String
    /// SHA-256 hex of the exact bytes sent (the same cut-off and format always give the same bytes).
    public var sha256: String
    /// Their length in bytes.
    public var size: Int
    /// To whom it was sent.
    public var recipient: String
    /// Who recorded the submission.
    public var submittedBy: WireID
    /// When.
    public var submittedAt: Timestamp
    /// The due date: the 5th of the month after `month` (para 39).
    public var due: CalendarDate
    /// Whether it was recorded after the due date (Kazakhstan time).
    public var late: Bool

    /// Creates a value from its fields.
    public init(
        id: WireID, regionID: WireID, month: String, cutoff: Timestamp, format: String, sha256: String, size: Int,
        recipient: String, submittedBy: WireID, submittedAt: Timestamp, due: CalendarDate, late: Bool
    ) {
        self.id = id
        self.regionID = regionID
        self.month = month
        self.cutoff = cutoff
        self.format = format
        self.sha256 = sha256
        self.size = size
        self.recipient = recipient
        self.submittedBy = submittedBy
        self.submittedAt = submittedAt
        self.due = due
        self.late = late
    }

    enum CodingKeys: String, CodingKey {
        case id
        case regionID = "region_id"
        case month
        case cutoff
        case format
        case sha256
        case size
        case recipient
        case submittedBy = "submitted_by"
        case submittedAt = "submitted_at"
        case due
        case late
    }
}

/// A region's month whose Annex 3 report is past its due date with no submission (para 39).
///
/// Wire fields are `snake_case` (see `CodingKeys`).
public struct OverdueReport: Sendable, Codable, Equatable {
    /// The region.
    public var regionID: WireID
    /// `YYYY-MM`.
    public var month: String
    /// The 5th of the next month.
    public var due: CalendarDate

    /// Creates a value from its fields.
    public init(regionID: WireID, month: String, due: CalendarDate) {
        self.regionID = regionID
        self.month = month
        self.due = due
    }

    enum CodingKeys: String, CodingKey {
        case regionID = "region_id"
        case month
        case due
    }
}
