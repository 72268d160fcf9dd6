/// How a conflict is resolved (sync-v1 §8.4).
public enum Resolution: String, Sendable, Codable, Equatable, CaseIterable {
    /// Accept what is displayed.
    case keepDisplayed = "keep_displayed"
    /// Display the chosen event's version.
    case chooseEvent = "choose_event"
    /// Void the conflicting completion.
    case voidCompletion = "void_completion"
}
