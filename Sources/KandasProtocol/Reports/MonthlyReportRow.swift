/// One Annex 3 row: a person and 25 service cells.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct MonthlyReportRow: Sendable, Codable, Equatable {
    /// Row number (column 1).
    public var number: Int
    /// IIN (column 2).
    public var iin: String
    /// 25 counts; element n-1 is service n (column n+2).
    public var services: [Int]

    /// Creates a value from its fields.
    public init(number: Int, iin: String, services: [Int]) {
        self.number = number
        self.iin = iin
        self.services = services
    }

    enum CodingKeys: String, CodingKey {
        case number = "no"
        case iin
        case services
    }
}
