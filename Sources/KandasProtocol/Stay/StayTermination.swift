/// The Centre's request to end a stay early, and its decision (Rules 1, paras 13, 14, 16).
public struct StayTermination: Sendable, Codable, Equatable {
    public var id: WireID
    public var centreID: WireID
    public var regionID: WireID
    public var applicationID: WireID
    public var scope: StayTerminationScope
    /// The resident concerned when `scope` is `member`.
    public var residentID: WireID?
    public var requestedOn: CalendarDate
    public var grounds: String
    /// One working day after `requested_on` on the work calendar (para 14).
    public var decideBy: CalendarDate
    public var status: StayTerminationStatus
    public var decidedOn: CalendarDate?
    /// The documented decision's number (para 16).
    public var decisionDocument: String?
    public var decidedLate: Bool?
    public var createdAt: Timestamp

    public init(
        id: WireID, centreID: WireID, regionID: WireID, applicationID: WireID, scope: StayTerminationScope,
        residentID: WireID? = nil, requestedOn: CalendarDate, grounds: String, decideBy: CalendarDate,
        status: StayTerminationStatus, decidedOn: CalendarDate? = nil, decisionDocument: String? = nil,
        decidedLate: Bool? = nil, createdAt: Timestamp
    ) {
        self.id = id
        self.centreID = centreID
        self.regionID = regionID
        self.applicationID = applicationID
        self.scope = scope
        self.residentID = residentID
        self.requestedOn = requestedOn
        self.grounds = grounds
        self.decideBy = decideBy
        self.status = status
        self.decidedOn = decidedOn
        self.decisionDocument = decisionDocument
        self.decidedLate = decidedLate
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, scope, grounds, status
        case centreID = "centre_id"
        case regionID = "region_id"
        case applicationID = "application_id"
        case residentID = "resident_id"
        case requestedOn = "requested_on"
        case decideBy = "decide_by"
        case decidedOn = "decided_on"
        case decisionDocument = "decision_document"
        case decidedLate = "decided_late"
        case createdAt = "created_at"
    }
}

/// Body of `POST /v1/admin/stay/termination-requests` (para 13).
public struct StayTerminationCreate: Sendable, Codable, Equatable {
    public var applicationID: WireID
    public var scope: StayTerminationScope
    /// Required when `scope` is `member`, absent otherwise.
    public var residentID: WireID?
    public var requestedOn: CalendarDate
    /// The violated rule, 1-2000 characters.
    public var grounds: String

    public init(
        applicationID: WireID, scope: StayTerminationScope, residentID: WireID? = nil, requestedOn: CalendarDate,
        grounds: String
    ) {
        self.applicationID = applicationID
        self.scope = scope
        self.residentID = residentID
        self.requestedOn = requestedOn
        self.grounds = grounds
    }

    enum CodingKeys: String, CodingKey {
        case scope, grounds
        case applicationID = "application_id"
        case residentID = "resident_id"
        case requestedOn = "requested_on"
    }
}

/// Body of `POST /v1/admin/stay/termination-requests/:id/decision` (paras 14, 16).
public struct StayTerminationDecision: Sendable, Codable, Equatable {
    public var decision: StayDecision
    public var decidedOn: CalendarDate
    /// Number of the documented decision (para 16), 1-100 characters.
    public var document: String

    public init(decision: StayDecision, decidedOn: CalendarDate, document: String) {
        self.decision = decision
        self.decidedOn = decidedOn
        self.document = document
    }

    enum CodingKeys: String, CodingKey {
        case decision, document
        case decidedOn = "decided_on"
    }
}
