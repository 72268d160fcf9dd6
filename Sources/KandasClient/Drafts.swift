public import KandasProtocol

/// A file to attach as evidence: the client copies it into its store and hashes the copy at capture.
public struct EvidenceInput: Sendable, Equatable {
    /// Path of the file to copy (it may be deleted after recording).
    public var path: String
    /// What the file is declared as; must agree with its bytes.
    public var kind: FileKind
    /// Where it came from.
    public var source: FileSource
    /// Device clock at capture (default: when recorded).
    public var capturedAt: Timestamp?
    /// Where it was captured.
    public var location: Geolocation?
    /// Display name (default: the last path component). Never used on disk.
    public var fileName: String?

    /// Creates an input.
    public init(
        path: String, kind: FileKind, source: FileSource = .file, capturedAt: Timestamp? = nil,
        location: Geolocation? = nil, fileName: String? = nil
    ) {
        self.path = path
        self.kind = kind
        self.source = source
        self.capturedAt = capturedAt
        self.location = location
        self.fileName = fileName
    }
}

/// A completion to record (sync-v1 §6.1 `complete`).
public struct CompletionDraft: Sendable, Equatable {
    /// The plan item.
    public var itemID: WireID
    /// The member; `nil` takes the item's member. When given it must be the item's member.
    public var memberID: WireID?
    /// When the work was done (not in the future).
    public var performedAt: Timestamp
    /// Free text, at most 4000 characters.
    public var note: String?
    /// Where the work was done.
    public var location: Geolocation?
    /// Evidence files, at most 50.
    public var files: [EvidenceInput]

    /// Creates a draft.
    public init(
        itemID: WireID, memberID: WireID? = nil, performedAt: Timestamp, note: String? = nil,
        location: Geolocation? = nil, files: [EvidenceInput] = []
    ) {
        self.itemID = itemID
        self.memberID = memberID
        self.performedAt = performedAt
        self.note = note
        self.location = location
        self.files = files
    }
}

/// An amendment of a completion (sync-v1 §6.1 `amend`): at least one change or file.
public struct AmendDraft: Sendable, Equatable {
    /// The completion.
    public var completionID: WireID
    /// New note.
    public var note: String?
    /// New performance time.
    public var performedAt: Timestamp?
    /// New location.
    public var location: Geolocation?
    /// Files to add.
    public var addFiles: [EvidenceInput]

    /// Creates a draft.
    public init(
        completionID: WireID, note: String? = nil, performedAt: Timestamp? = nil, location: Geolocation? = nil,
        addFiles: [EvidenceInput] = []
    ) {
        self.completionID = completionID
        self.note = note
        self.performedAt = performedAt
        self.location = location
        self.addFiles = addFiles
    }
}

/// What recording an event produced.
public struct RecordedEvent: Sendable, Equatable {
    /// The event's identity.
    public var eventID: WireID
    /// Its place in the outbox.
    public var deviceSeq: Int
    /// `complete`, `amend`, `void` or `resolve`.
    public var type: EventType
    /// The plan item.
    public var itemID: WireID
    /// The completion created or changed.
    public var completionID: WireID?
    /// Files copied into the store.
    public var files: [WireID]
    /// Evidence the service asks for but the event lacks, and other things a reviewer will see flagged.
    public var warnings: [EvidenceWarning]
}

/// Something the server will flag for review (never a refusal, sync-v1 §9.1), said at capture time.
public struct EvidenceWarning: Sendable, Equatable, CustomStringConvertible {
    /// Stable code: `missing_photo`, `missing_video`, `missing_document`, `missing_location`,
    /// `low_accuracy`, `mock_location`, `item_cancelled`, `plan_not_current`.
    public var code: String
    /// What the worker can do about it.
    public var message: String

    public var description: String { code + ": " + message }
}
