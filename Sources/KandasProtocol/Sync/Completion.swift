/// A completion of a plan item with its evidence, as displayed (sync-v1 §9.1).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Completion: Sendable, Codable, Equatable {
    /// The client-generated `completion_id`.
    public var id: WireID
    /// The plan item.
    public var itemID: WireID
    /// The plan.
    public var planID: WireID
    /// The family.
    public var familyID: WireID
    /// The member.
    public var memberID: WireID
    /// Service 1-25.
    public var serviceCode: Int
    /// The device that recorded it.
    public var deviceID: WireID
    /// The worker.
    public var userID: WireID
    /// Active or voided.
    public var state: CompletionState
    /// Revision, +1 per applied amend, void or resolution.
    public var rev: Int
    /// False for non-primary duplicates (not counted in reports).
    public var primary: Bool
    /// When the work was done (device clock).
    public var performedAt: Timestamp
    /// When it was saved on the device (device clock).
    public var recordedAt: Timestamp
    /// When the server received the `complete` event.
    public var receivedAt: Timestamp
    /// Device clock minus server clock at that push.
    public var clockSkewMilliseconds: Int
    /// Worker's note.
    public var note: String?
    /// Where the work was done.
    public var location: Geolocation?
    /// Declared files with their upload state.
    public var files: [EvidenceFile]
    /// n: files declared.
    public var filesDeclared: Int
    /// k: files verified.
    public var filesVerified: Int
    /// `complete` when the service's required evidence is present and every declared file is
    /// verified (sync-v1 §9.1; Rules 2, paras 36-37); only complete completions count in Annex 3.
    public var completeness: Completeness
    /// Why it is incomplete: `photo`, `video`, `document`, `geolocation` (required and absent) and
    /// `unverified_files`; empty when complete.
    public var evidenceMissing: [String]
    /// Flags for review (sync-v1 §9.1); clients accept unknown flags.
    public var evidenceFlags: [String]
    /// Review state.
    public var reviewState: ReviewState
    /// Open or resolved conflicts involving it.
    public var conflictIDs: [WireID]
    /// Server time of creation.
    public var createdAt: Timestamp
    /// Server time of the last change.
    public var updatedAt: Timestamp

    /// Creates a value from its fields.
    public init(
        id: WireID, itemID: WireID, planID: WireID, familyID: WireID, memberID: WireID, serviceCode: Int,
        deviceID: WireID, userID: WireID, state: CompletionState, rev: Int, primary: Bool, performedAt: Timestamp,
        recordedAt: Timestamp, receivedAt: Timestamp, clockSkewMilliseconds: Int, note: String? = nil,
        location: Geolocation? = nil, files: [EvidenceFile], filesDeclared: Int, filesVerified: Int,
        completeness: Completeness, evidenceMissing: [String] = [], evidenceFlags: [String], reviewState: ReviewState,
        conflictIDs: [WireID],
        createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.itemID = itemID
        self.planID = planID
        self.familyID = familyID
        self.memberID = memberID
        self.serviceCode = serviceCode
        self.deviceID = deviceID
        self.userID = userID
        self.state = state
        self.rev = rev
        self.primary = primary
        self.performedAt = performedAt
        self.recordedAt = recordedAt
        self.receivedAt = receivedAt
        self.clockSkewMilliseconds = clockSkewMilliseconds
        self.note = note
        self.location = location
        self.files = files
        self.filesDeclared = filesDeclared
        self.filesVerified = filesVerified
        self.completeness = completeness
        self.evidenceMissing = evidenceMissing
        self.evidenceFlags = evidenceFlags
        self.reviewState = reviewState
        self.conflictIDs = conflictIDs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case itemID = "item_id"
        case planID = "plan_id"
        case familyID = "family_id"
        case memberID = "member_id"
        case serviceCode = "service_code"
        case deviceID = "device_id"
        case userID = "user_id"
        case state
        case rev
        case primary
        case performedAt = "performed_at"
        case recordedAt = "recorded_at"
        case receivedAt = "received_at"
        case clockSkewMilliseconds = "clock_skew_ms"
        case note
        case location
        case files
        case filesDeclared = "files_declared"
        case filesVerified = "files_verified"
        case completeness
        case evidenceMissing = "evidence_missing"
        case evidenceFlags = "evidence_flags"
        case reviewState = "review_state"
        case conflictIDs = "conflict_ids"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
