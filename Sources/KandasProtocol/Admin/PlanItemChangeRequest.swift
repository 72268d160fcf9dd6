/// Body of `POST /v1/admin/plan-items/{id}/changes`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PlanItemChangeRequest: Sendable, Codable, Equatable {
    /// The item version the change is based on.
    public var version: Int
    /// `reschedule`, `reassign`, `edit` or `cancel`.
    public var action: PlanItemAction
    /// New due date (`reschedule`).
    public var dueDate: CalendarDate?
    /// New worker (`reassign`).
    public var assignedWorkerID: WireID?
    /// New instructions (`edit`).
    public var instructions: String?
    /// Why (required for `reschedule`, `reassign`, `cancel`).
    public var reason: String?

    /// Creates a value from its fields.
    public init(
        version: Int, action: PlanItemAction, dueDate: CalendarDate? = nil, assignedWorkerID: WireID? = nil,
        instructions: String? = nil, reason: String? = nil
    ) {
        self.version = version
        self.action = action
        self.dueDate = dueDate
        self.assignedWorkerID = assignedWorkerID
        self.instructions = instructions
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case version
        case action
        case dueDate = "due_date"
        case assignedWorkerID = "assigned_worker_id"
        case instructions
        case reason
    }
}
