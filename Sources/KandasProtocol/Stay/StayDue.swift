/// What a due act is about (Protocol/stay-v1.md §7).
public enum StayDueKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// Registered and not considered on its day (para 6): overdue from the next day.
    case unconsidered
    /// A referral whose 3-day move-in term ends today or tomorrow (para 9).
    case referralLapsing = "referral_lapsing"
    /// A stay ending within 14 days (para 15).
    case stayEnding = "stay_ending"
    /// A termination request waiting for its decision (para 14); overdue after `decide_by`.
    case decisionDue = "decision_due"
    /// Residents whose stay ended and who have not vacated (para 17); overdue after `vacate_by`.
    case vacateDue = "vacate_due"
    /// Free beds while applications wait in the reserve (para 8).
    case bedFree = "bed_free"
}

/// One due or overdue act.
public struct StayDueItem: Sendable, Codable, Equatable {
    public var kind: StayDueKind
    public var dueOn: CalendarDate
    public var overdue: Bool
    public var centreID: WireID
    /// `application`, `referral`, `resident`, `termination_request` or `centre`.
    public var entityType: String
    public var entityID: WireID

    public init(
        kind: StayDueKind, dueOn: CalendarDate, overdue: Bool, centreID: WireID, entityType: String, entityID: WireID
    ) {
        self.kind = kind
        self.dueOn = dueOn
        self.overdue = overdue
        self.centreID = centreID
        self.entityType = entityType
        self.entityID = entityID
    }

    enum CodingKeys: String, CodingKey {
        case kind, overdue
        case dueOn = "due_on"
        case centreID = "centre_id"
        case entityType = "entity_type"
        case entityID = "entity_id"
    }
}

/// `GET /v1/admin/stay/due`: today's due and overdue acts in the caller's scope.
public struct StayDueList: Sendable, Codable, Equatable {
    public var today: CalendarDate
    public var items: [StayDueItem]
    /// Items per kind.
    public var counts: [String: Int]
    /// Overdue items.
    public var overdue: Int

    public init(today: CalendarDate, items: [StayDueItem], counts: [String: Int], overdue: Int) {
        self.today = today
        self.items = items
        self.counts = counts
        self.overdue = overdue
    }
}
