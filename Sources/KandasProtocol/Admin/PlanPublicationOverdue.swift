/// An approved plan not yet published past its one-working-day deadline (Rules 2, para 34),
/// flagged before anyone publishes it (sync-v1 §4.7.1).
///
/// Wire fields are `snake_case` (see `CodingKeys`).
public struct PlanPublicationOverdue: Sendable, Codable, Equatable {
    /// The plan.
    public var planID: WireID
    /// Its family.
    public var familyID: WireID
    /// When it was approved.
    public var approvedAt: Timestamp
    /// The end of the day it was due for publication (Kazakhstan time).
    public var publicationDue: Timestamp
    /// The deadline was counted across a year the calendar does not cover (calendar.md).
    public var provisional: Bool

    /// Creates a value from its fields.
    public init(planID: WireID, familyID: WireID, approvedAt: Timestamp, publicationDue: Timestamp, provisional: Bool) {
        self.planID = planID
        self.familyID = familyID
        self.approvedAt = approvedAt
        self.publicationDue = publicationDue
        self.provisional = provisional
    }

    enum CodingKeys: String, CodingKey {
        case planID = "plan_id"
        case familyID = "family_id"
        case approvedAt = "approved_at"
        case publicationDue = "publication_due"
        case provisional
    }
}
