/// Body of `PATCH /v1/admin/families/{id}`.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct FamilyUpdate: Sendable, Codable, Equatable {
    /// The version the change is based on.
    public var version: Int
    /// New assignment (devices of removed workers get `reset`).
    public var assignedWorkerIDs: [WireID]?
    /// New settlement.
    public var settlement: Settlement?
    /// New address.
    public var address: String?

    /// Creates a value from its fields.
    public init(
        version: Int, assignedWorkerIDs: [WireID]? = nil, settlement: Settlement? = nil, address: String? = nil
    ) {
        self.version = version
        self.assignedWorkerIDs = assignedWorkerIDs
        self.settlement = settlement
        self.address = address
    }

    enum CodingKeys: String, CodingKey {
        case version
        case assignedWorkerIDs = "assigned_worker_ids"
        case settlement
        case address
    }
}
