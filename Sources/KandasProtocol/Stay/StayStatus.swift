/// The state of a Centre-stay application (Rules 1, paras 4-9; Protocol/stay-v1.md §3).
///
/// `registered` (in the journal, para 5) → `reserve` (no free bed, para 7) or `referred` (para 8);
/// `reserve` → `referred`; `referred` → `placed` (move-in within 3 calendar days, para 9) or
/// `lapsed` (the 3 days passed: the applicant may apply again); `placed` → `closed` once every
/// placed person has vacated (para 17).
public enum StayApplicationStatus: String, Sendable, Codable, Equatable, CaseIterable {
    case registered
    case reserve
    case referred
    case placed
    case lapsed
    case closed
}

/// The state of a referral (Rules 1, Annex 1; para 9).
public enum StayReferralStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Issued; the beds of its persons are held until move-in or lapse.
    case issued
    /// The family moved in.
    case used
    /// Nobody moved in within 3 calendar days (para 9); the beds are back in the pool.
    case lapsed
}

/// The state of one resident's stay (Rules 1, paras 10-17).
public enum StayResidentStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Living in the Centre.
    case resident
    /// The stay has ended (term, status, decision or departure); the bed is still taken until vacated.
    case ended
    /// The premises are vacated (para 17); the bed is free.
    case vacated
}

/// Why a stay ended (Rules 1, paras 14-17).
public enum StayEndReason: String, Sendable, Codable, Equatable, CaseIterable {
    /// Six months from placement reached (para 15).
    case term
    /// The kandas status ended (para 15).
    case statusEnded = "status_ended"
    /// Eviction by the documented decision of the local migration body (paras 14, 16).
    case eviction
    /// The resident left of their own accord (not named by the Rules; Protocol/stay-v1.md §6).
    case left
}

/// The state of a request to end a stay early (Rules 1, paras 13-14).
public enum StayTerminationStatus: String, Sendable, Codable, Equatable, CaseIterable {
    /// Waiting for the decision, due within one working day (para 14).
    case pending
    /// Decided: the residents stay.
    case kept
    /// Decided: the residents are evicted (para 16).
    case evicted
}

/// The decision on a termination request (para 14: "keep or evict").
public enum StayDecision: String, Sendable, Codable, Equatable, CaseIterable {
    case keep
    case evict
}

/// Whom a termination request concerns (para 14: "the family or an individual member").
public enum StayTerminationScope: String, Sendable, Codable, Equatable, CaseIterable {
    case family
    case member
}

/// Kinds of residents' submissions to the Centre management (para 10(2)).
public enum StayComplaintKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// `арыз`.
    case complaint
    /// `қолдаухат`.
    case petition
    /// `өзге де өтініш`.
    case other
}
