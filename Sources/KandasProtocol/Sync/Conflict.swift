/// A conflict: every version kept, one displayed, cleared only by a resolve.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct Conflict: Sendable, Codable, Equatable {
    /// Server identity.
    public var id: WireID
    /// Kind.
    public var kind: ConflictKind
    /// Soft or hard.
    public var severity: ConflictSeverity
    /// Open or resolved.
    public var status: ConflictStatus
    /// The plan item.
    public var itemID: WireID
    /// The completion concerned.
    public var completionID: WireID?
    /// The competing events, in server receive order.
    public var eventIDs: [WireID]
    /// Fields in conflict.
    public var conflictingFields: [String]
    /// One per competing event.
    public var versions: [ConflictVersion]
    /// For `plan_changed` and `completed_after_cancel`.
    public var itemChanges: [ItemFieldChange]?
    /// The event whose version is displayed.
    public var displayedEventID: WireID?
    /// When the server found it.
    public var detectedAt: Timestamp
    /// When it was resolved.
    public var resolvedAt: Timestamp?
    /// Who resolved it.
    public var resolvedBy: ActorRef?
    /// How.
    public var resolution: Resolution?
    /// Comment given.
    public var resolutionComment: String?

    /// Creates a value from its fields.
    public init(
        id: WireID, kind: ConflictKind, severity: ConflictSeverity, status: ConflictStatus, itemID: WireID,
        completionID: WireID? = nil, eventIDs: [WireID], conflictingFields: [String], versions: [ConflictVersion],
        itemChanges: [ItemFieldChange]? = nil, displayedEventID: WireID? = nil, detectedAt: Timestamp,
        resolvedAt: Timestamp? = nil, resolvedBy: ActorRef? = nil, resolution: Resolution? = nil,
        resolutionComment: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.severity = severity
        self.status = status
        self.itemID = itemID
        self.completionID = completionID
        self.eventIDs = eventIDs
        self.conflictingFields = conflictingFields
        self.versions = versions
        self.itemChanges = itemChanges
        self.displayedEventID = displayedEventID
        self.detectedAt = detectedAt
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.resolution = resolution
        self.resolutionComment = resolutionComment
    }

    enum CodingKeys: String, CodingKey {
        case id
        case kind
        case severity
        case status
        case itemID = "item_id"
        case completionID = "completion_id"
        case eventIDs = "event_ids"
        case conflictingFields = "conflicting_fields"
        case versions
        case itemChanges = "item_changes"
        case displayedEventID = "displayed_event_id"
        case detectedAt = "detected_at"
        case resolvedAt = "resolved_at"
        case resolvedBy = "resolved_by"
        case resolution
        case resolutionComment = "resolution_comment"
    }
}
