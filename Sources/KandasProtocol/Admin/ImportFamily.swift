/// One family of a JSON import: `FamilyCreate` plus a label and plan items.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ImportFamily: Sendable, Codable, Equatable {
    /// Caller's label, unique in the file, echoed in the report.
    public var ref: String
    /// Career centre.
    public var careerCentreID: WireID
    /// Field workers.
    public var assignedWorkerIDs: [WireID]
    /// Registered settlement.
    public var settlement: Settlement
    /// Street address.
    public var address: String?
    /// Quota inclusion date.
    public var quotaInclusionDate: CalendarDate
    /// Members.
    public var members: [MemberCreate]
    /// Items of a draft plan to create.
    public var planItems: [ImportPlanItem]?

    /// Creates a value from its fields.
    public init(
        ref: String, careerCentreID: WireID, assignedWorkerIDs: [WireID], settlement: Settlement,
        address: String? = nil, quotaInclusionDate: CalendarDate, members: [MemberCreate],
        planItems: [ImportPlanItem]? = nil
    ) {
        self.ref = ref
        self.careerCentreID = careerCentreID
        self.assignedWorkerIDs = assignedWorkerIDs
        self.settlement = settlement
        self.address = address
        self.quotaInclusionDate = quotaInclusionDate
        self.members = members
        self.planItems = planItems
    }

    enum CodingKeys: String, CodingKey {
        case ref
        case careerCentreID = "career_centre_id"
        case assignedWorkerIDs = "assigned_worker_ids"
        case settlement
        case address
        case quotaInclusionDate = "quota_inclusion_date"
        case members
        case planItems = "plan_items"
    }
}
