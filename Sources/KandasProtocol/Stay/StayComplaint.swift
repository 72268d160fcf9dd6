/// A complaint, petition or other submission of a resident to the Centre management (para 10(2)).
public struct StayComplaint: Sendable, Codable, Equatable {
    public var id: WireID
    /// Sequential per Centre.
    public var number: Int
    public var centreID: WireID
    public var regionID: WireID
    public var residentID: WireID
    public var kind: StayComplaintKind
    public var receivedOn: CalendarDate
    public var summary: String
    public var createdAt: Timestamp

    public init(
        id: WireID, number: Int, centreID: WireID, regionID: WireID, residentID: WireID, kind: StayComplaintKind,
        receivedOn: CalendarDate, summary: String, createdAt: Timestamp
    ) {
        self.id = id
        self.number = number
        self.centreID = centreID
        self.regionID = regionID
        self.residentID = residentID
        self.kind = kind
        self.receivedOn = receivedOn
        self.summary = summary
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, number, kind, summary
        case centreID = "centre_id"
        case regionID = "region_id"
        case residentID = "resident_id"
        case receivedOn = "received_on"
        case createdAt = "created_at"
    }
}

/// Body of `POST /v1/admin/stay/complaints`.
public struct StayComplaintCreate: Sendable, Codable, Equatable {
    public var residentID: WireID
    public var kind: StayComplaintKind
    public var receivedOn: CalendarDate
    /// 1-2000 characters.
    public var summary: String

    public init(residentID: WireID, kind: StayComplaintKind, receivedOn: CalendarDate, summary: String) {
        self.residentID = residentID
        self.kind = kind
        self.receivedOn = receivedOn
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey {
        case kind, summary
        case residentID = "resident_id"
        case receivedOn = "received_on"
    }
}
