/// A new plan item (in `PlanCreate` or `POST /v1/admin/plans/{id}/items`).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PlanItemCreate: Sendable, Codable, Equatable {
    /// The member.
    public var memberID: WireID
    /// Service 1-25.
    public var serviceCode: Int
    /// Due date.
    public var dueDate: CalendarDate
    /// Instructions (at most 2000 characters).
    public var instructions: String?
    /// Responsible worker.
    public var assignedWorkerID: WireID?

    /// Creates a value from its fields.
    public init(
        memberID: WireID, serviceCode: Int, dueDate: CalendarDate, instructions: String? = nil,
        assignedWorkerID: WireID? = nil
    ) {
        self.memberID = memberID
        self.serviceCode = serviceCode
        self.dueDate = dueDate
        self.instructions = instructions
        self.assignedWorkerID = assignedWorkerID
    }

    enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case serviceCode = "service_code"
        case dueDate = "due_date"
        case instructions
        case assignedWorkerID = "assigned_worker_id"
    }
}
