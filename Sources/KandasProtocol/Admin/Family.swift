/// A kandas family (case) assigned to a career centre and its workers.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Family: Sendable, Codable, Equatable {
    /// Server identity.
    public var id: WireID
    /// Region (from the career centre).
    public var regionID: WireID
    /// Career centre.
    public var careerCentreID: WireID
    /// Field workers (1-10) whose devices receive the family.
    public var assignedWorkerIDs: [WireID]
    /// Registered settlement.
    public var settlement: Settlement
    /// Street address.
    public var address: String?
    /// Inclusion in the regional quota; deadlines run from it.
    public var quotaInclusionDate: CalendarDate
    /// Read-only: every adult member has a current personal-data consent with its signed form
    /// (Rules 2 para 12, Annex 2; sync-v1 §4.6.3), as of the family's last change.
    public var consentRecorded: Bool
    /// Optimistic-concurrency version.
    public var version: Int
    /// Creation time.
    public var createdAt: Timestamp
    /// Last change.
    public var updatedAt: Timestamp

    /// Creates a value from its fields.
    public init(
        id: WireID, regionID: WireID, careerCentreID: WireID, assignedWorkerIDs: [WireID], settlement: Settlement,
        address: String? = nil, quotaInclusionDate: CalendarDate, consentRecorded: Bool, version: Int,
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.regionID = regionID
        self.careerCentreID = careerCentreID
        self.assignedWorkerIDs = assignedWorkerIDs
        self.settlement = settlement
        self.address = address
        self.quotaInclusionDate = quotaInclusionDate
        self.consentRecorded = consentRecorded
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case regionID = "region_id"
        case careerCentreID = "career_centre_id"
        case assignedWorkerIDs = "assigned_worker_ids"
        case settlement
        case address
        case quotaInclusionDate = "quota_inclusion_date"
        case consentRecorded = "consent_recorded"
        case version
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
