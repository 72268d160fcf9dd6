/// One service (1-25) for one member, with a due date; devices complete it.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PlanItem: Sendable, Codable, Equatable {
    /// Server identity (`item_id` in events).
    public var id: WireID
    /// The plan.
    public var planID: WireID
    /// The family.
    public var familyID: WireID
    /// The member the service is for (immutable).
    public var memberID: WireID
    /// Service 1-25 of Rules 2 Annex 1 (immutable).
    public var serviceCode: Int
    /// Due date.
    public var dueDate: CalendarDate
    /// Instructions for the worker.
    public var instructions: String?
    /// Worker responsible, if not any assigned worker.
    public var assignedWorkerID: WireID?
    /// Derived state.
    public var status: PlanItemStatus
    /// Item version; devices send it as `base_version`.
    public var version: Int
    /// Active completions.
    public var completionCount: Int
    /// Why it was cancelled.
    public var cancelReason: String?
    /// Creation time.
    public var createdAt: Timestamp
    /// Last change.
    public var updatedAt: Timestamp

    /// Creates a value from its fields.
    public init(
        id: WireID, planID: WireID, familyID: WireID, memberID: WireID, serviceCode: Int, dueDate: CalendarDate,
        instructions: String? = nil, assignedWorkerID: WireID? = nil, status: PlanItemStatus, version: Int,
        completionCount: Int, cancelReason: String? = nil, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.planID = planID
        self.familyID = familyID
        self.memberID = memberID
        self.serviceCode = serviceCode
        self.dueDate = dueDate
        self.instructions = instructions
        self.assignedWorkerID = assignedWorkerID
        self.status = status
        self.version = version
        self.completionCount = completionCount
        self.cancelReason = cancelReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case planID = "plan_id"
        case familyID = "family_id"
        case memberID = "member_id"
        case serviceCode = "service_code"
        case dueDate = "due_date"
        case instructions
        case assignedWorkerID = "assigned_worker_id"
        case status
        case version
        case completionCount = "completion_count"
        case cancelReason = "cancel_reason"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
