/// Body of `POST /v1/admin/families`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct FamilyCreate: Sendable, Codable, Equatable {
    /// Career centre.
    public var careerCentreID: WireID
    /// Field workers of that centre (1-10).
    public var assignedWorkerIDs: [WireID]
    /// Registered settlement.
    public var settlement: Settlement
    /// Street address.
    public var address: String?
    /// Inclusion in the regional quota.
    public var quotaInclusionDate: CalendarDate
    /// The members (1-30).
    public var members: [MemberCreate]

    /// Creates a value from its fields.
    public init(
        careerCentreID: WireID, assignedWorkerIDs: [WireID], settlement: Settlement, address: String? = nil,
        quotaInclusionDate: CalendarDate, members: [MemberCreate]
    ) {
        self.careerCentreID = careerCentreID
        self.assignedWorkerIDs = assignedWorkerIDs
        self.settlement = settlement
        self.address = address
        self.quotaInclusionDate = quotaInclusionDate
        self.members = members
    }

    enum CodingKeys: String, CodingKey {
        case careerCentreID = "career_centre_id"
        case assignedWorkerIDs = "assigned_worker_ids"
        case settlement
        case address
        case quotaInclusionDate = "quota_inclusion_date"
        case members
    }
}
