/// Payload of an `amend` event.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct AmendPayload: Sendable, Codable, Equatable {
    /// The completion.
    public var completionID: WireID
    /// The completion rev the device based the change on.
    public var baseCompletionRev: Int
    /// Changed fields.
    public var changes: AmendChanges
    /// Files added to the completion.
    public var addFiles: [DeclaredFile]?

    /// Creates a value from its fields.
    public init(completionID: WireID, baseCompletionRev: Int, changes: AmendChanges, addFiles: [DeclaredFile]? = nil) {
        self.completionID = completionID
        self.baseCompletionRev = baseCompletionRev
        self.changes = changes
        self.addFiles = addFiles
    }

    enum CodingKeys: String, CodingKey {
        case completionID = "completion_id"
        case baseCompletionRev = "base_completion_rev"
        case changes
        case addFiles = "add_files"
    }
}
