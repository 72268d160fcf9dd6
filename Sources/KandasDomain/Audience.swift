/// Whom a service typically applies to: advisory data for plan drafting, never enforced.
///
/// The source does not say (DIGEST §4.1: "the List does not say which services apply to
/// whom"); these are our choices, documented in `Protocol/services.md`. A career-centre
/// employee may plan any service for anyone; clients use this only to pre-select items.
public struct Audience: Hashable, Codable, Sendable {
    /// Whether the service is planned for each member or once for the whole family.
    public enum Scope: String, Codable, Sendable {
        /// Planned for each person it applies to (one plan item per IIN).
        case eachMember
        /// Planned once for the family, on the kandas's own IIN (housing, land, coal...).
        case family
    }

    /// Each member or the family.
    public let scope: Scope
    /// Minimum age in full years, if any.
    public let minAge: Int?
    /// Maximum age in full years (inclusive), if any.
    public let maxAge: Int?
    /// Only this sex, if any.
    public let sex: Sex?

    /// Creates an audience.
    public init(scope: Scope, minAge: Int? = nil, maxAge: Int? = nil, sex: Sex? = nil) {
        self.scope = scope
        self.minAge = minAge
        self.maxAge = maxAge
        self.sex = sex
    }

    /// Anyone, planned per member.
    public static let everyone = Audience(scope: .eachMember)
    /// The family as a whole.
    public static let family = Audience(scope: .family)

    /// Whether a person of `age` full years and `sex` is typically concerned.
    ///
    /// Family-scope services apply to the family's kandas; this returns `true` for anyone so
    /// the caller decides which member carries the item.
    public func typicallyApplies(age: Int, sex: Sex) -> Bool {
        if let minAge, age < minAge { return false }
        if let maxAge, age > maxAge { return false }
        if let only = self.sex, only != sex { return false }
        return true
    }
}
