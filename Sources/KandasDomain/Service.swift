/// One of the 25 adaptation and integration services of Rules 2, Annex 1 (the "List").
///
/// A plan item names a service and one person (IIN), because Rules 2, para 33 makes every
/// activity individual. The catalogue adds three things the source does not state, each our
/// documented choice (see `Protocol/services.md`): ``recurrence``, ``evidence`` and ``audience``.
public struct Service: Hashable, Identifiable, Sendable {
    /// Whether one plan item is completed once, or may legitimately be completed again.
    public enum Recurrence: String, Codable, Sendable {
        /// Done once per plan item; a second completion is a conflict (duplicate completion).
        case once
        /// May be completed repeatedly over the five-year horizon (each completion is new evidence).
        case recurring
    }

    /// The stable code: the row number in Annex 1, 1...25.
    public let code: Int
    /// The name: Kazakh verbatim from Annex 1, Russian and English our translations.
    public let names: LocalizedName
    /// Once or recurring (our choice; ``recurrenceReason`` says why).
    public let recurrence: Recurrence
    /// One line saying why ``recurrence`` was chosen.
    public let recurrenceReason: String
    /// Which evidence a completion needs (Rules 2, paras 36-37 plus our reading).
    public let evidence: EvidenceRule
    /// Whom the service typically applies to: advisory, never enforced.
    public let audience: Audience

    /// The identity is the code.
    public var id: Int { code }

    /// The name in `language`.
    public func name(in language: Language) -> String { names(language) }

    /// The Annex 3 report column that carries this service (code + 2).
    public var reportColumn: Int { code + 2 }
}
