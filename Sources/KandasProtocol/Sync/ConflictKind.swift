/// The kind of a conflict (sync-v1 §8.1).
public enum ConflictKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// Completion of an item cancelled meanwhile.
    case completedAfterCancel = "completed_after_cancel"
    /// The item changed since `base_version`.
    case planChanged = "plan_changed"
    /// A second completion of a once-only service.
    case duplicateCompletion = "duplicate_completion"
    /// Two amends of the same field with different values.
    case amendSameField = "amend_same_field"
    /// Amends of different fields, merged.
    case amendMerged = "amend_merged"
    /// A void based on an older rev.
    case staleVoid = "stale_void"
}
