/// The mutable fields of a plan item at one version.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct PlanItemFields: Sendable, Codable, Equatable {
    /// Due date.
    public var dueDate: CalendarDate
    /// Instructions.
    public var instructions: String?
    /// Responsible worker.
    public var assignedWorkerID: WireID?
    /// Status.
    public var status: PlanItemStatus

    /// Creates a value from its fields.
    public init(
        dueDate: CalendarDate, instructions: String? = nil, assignedWorkerID: WireID? = nil, status: PlanItemStatus
    ) {
        self.dueDate = dueDate
        self.instructions = instructions
        self.assignedWorkerID = assignedWorkerID
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case dueDate = "due_date"
        case instructions
        case assignedWorkerID = "assigned_worker_id"
        case status
    }
}
