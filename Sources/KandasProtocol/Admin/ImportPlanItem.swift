/// A plan item inside an imported family, keyed by member IIN.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct ImportPlanItem: Sendable, Codable, Equatable {
    /// IIN of a member of the same family.
    public var memberIIN: String
    /// Service 1-25.
    public var serviceCode: Int
    /// Due date.
    public var dueDate: CalendarDate
    /// Instructions.
    public var instructions: String?

    /// Creates a value from its fields.
    public init(memberIIN: String, serviceCode: Int, dueDate: CalendarDate, instructions: String? = nil) {
        self.memberIIN = memberIIN
        self.serviceCode = serviceCode
        self.dueDate = dueDate
        self.instructions = instructions
    }

    enum CodingKeys: String, CodingKey {
        case memberIIN = "member_iin"
        case serviceCode = "service_code"
        case dueDate = "due_date"
        case instructions
    }
}
