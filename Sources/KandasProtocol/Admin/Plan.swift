/// The adaptation and integration plan of a family (header; items are separate).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Plan: Sendable, Codable, Equatable {
    /// Server identity.
    public var id: WireID
    /// The family.
    public var familyID: WireID
    /// Lifecycle state.
    public var status: PlanStatus
    /// Optimistic-concurrency version of the header.
    public var version: Int
    /// Creation time.
    public var createdAt: Timestamp
    /// Last change.
    public var updatedAt: Timestamp
    /// When the kandas agreed.
    public var agreedAt: Timestamp?
    /// When it was approved.
    public var approvedAt: Timestamp?
    /// The labour mobility centre user who approved it (Rules 2, para 34); null before approval
    /// and for plans approved before the server recorded approvers.
    public var approvedBy: WireID?
    /// When it was published to devices.
    public var publishedAt: Timestamp?
    /// End of the working day after approval (para 34).
    public var publicationDue: Timestamp?
    /// Published after `publication_due`.
    public var publicationLate: Bool
    /// `publication_due` was counted in working days across a year the server's calendar does not
    /// cover (movable holidays and transfers unknown): it may move when the calendar is updated.
    public var publicationDueProvisional: Bool

    /// Creates a value from its fields.
    public init(
        id: WireID, familyID: WireID, status: PlanStatus, version: Int, createdAt: Timestamp, updatedAt: Timestamp,
        agreedAt: Timestamp? = nil, approvedAt: Timestamp? = nil, publishedAt: Timestamp? = nil,
        publicationDue: Timestamp? = nil, publicationLate: Bool, publicationDueProvisional: Bool = false,
        approvedBy: WireID? = nil
    ) {
        self.id = id
        self.familyID = familyID
        self.status = status
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.agreedAt = agreedAt
        self.approvedAt = approvedAt
        self.approvedBy = approvedBy
        self.publishedAt = publishedAt
        self.publicationDue = publicationDue
        self.publicationLate = publicationLate
        self.publicationDueProvisional = publicationDueProvisional
    }

    enum CodingKeys: String, CodingKey {
        case id
        case familyID = "family_id"
        case status
        case version
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case agreedAt = "agreed_at"
        case approvedAt = "approved_at"
        case approvedBy = "approved_by"
        case publishedAt = "published_at"
        case publicationDue = "publication_due"
        case publicationLate = "publication_late"
        case publicationDueProvisional = "publication_due_provisional"
    }
}
