/// A completion performed in the report's month that Annex 3 does not count, and why (sync-v1 §13;
/// Rules 2, paras 36-37, 39): nothing done in the month is hidden from the report's reader.
///
/// Wire fields are `snake_case` (see `CodingKeys`).
public struct MonthlyReportLeftOut: Sendable, Codable, Equatable {
    /// The completion.
    public var completionID: WireID
    /// Its family.
    public var familyID: WireID
    /// The member's IIN (the row it would have counted in).
    public var memberIIN: String
    /// Service 1-25.
    public var serviceCode: Int
    /// When the work was done.
    public var performedAt: Timestamp
    /// `incomplete`, `rejected`, `duplicate` (not primary), `voided`; one or more, in this order.
    public var reasons: [String]
    /// For `incomplete`: the required evidence absent and `unverified_files` (verified after the cut-off counts as unverified).
    public var missing: [String]

    /// Creates a value from its fields.
    public init(
        completionID: WireID, familyID: WireID, memberIIN: String, serviceCode: Int, performedAt: Timestamp,
        reasons: [String], missing: [String]
    ) {
        self.completionID = completionID
        self.familyID = familyID
        self.memberIIN = memberIIN
        self.serviceCode = serviceCode
        self.performedAt = performedAt
        self.reasons = reasons
        self.missing = missing
    }

    enum CodingKeys: String, CodingKey {
        case completionID = "completion_id"
        case familyID = "family_id"
        case memberIIN = "member_iin"
        case serviceCode = "service_code"
        case performedAt = "performed_at"
        case reasons
        case missing
    }
}
