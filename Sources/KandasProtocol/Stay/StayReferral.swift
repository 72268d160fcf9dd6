/// A referral (`жолдама`, Rules 1, para 2(1), Annex 1): the ground for placement (para 3).
public struct StayReferral: Sendable, Codable, Equatable {
    public var id: WireID
    /// Sequential per Centre, assigned inside the issuing transaction.
    public var number: Int
    public var centreID: WireID
    public var regionID: WireID
    public var applicationID: WireID
    public var issuedOn: CalendarDate
    /// Last day to move in: `issued_on` + 3 calendar days (para 9).
    public var moveInBy: CalendarDate
    public var status: StayReferralStatus
    /// The candidate first (`Үміткер`), then the family members (Annex 1 lines 1-6 and on).
    public var persons: [StayPerson]
    public var usedOn: CalendarDate?
    public var lapsedOn: CalendarDate?

    public init(
        id: WireID, number: Int, centreID: WireID, regionID: WireID, applicationID: WireID, issuedOn: CalendarDate,
        moveInBy: CalendarDate, status: StayReferralStatus, persons: [StayPerson], usedOn: CalendarDate? = nil,
        lapsedOn: CalendarDate? = nil
    ) {
        self.id = id
        self.number = number
        self.centreID = centreID
        self.regionID = regionID
        self.applicationID = applicationID
        self.issuedOn = issuedOn
        self.moveInBy = moveInBy
        self.status = status
        self.persons = persons
        self.usedOn = usedOn
        self.lapsedOn = lapsedOn
    }

    enum CodingKeys: String, CodingKey {
        case id, number, status, persons
        case centreID = "centre_id"
        case regionID = "region_id"
        case applicationID = "application_id"
        case issuedOn = "issued_on"
        case moveInBy = "move_in_by"
        case usedOn = "used_on"
        case lapsedOn = "lapsed_on"
    }
}

/// Body of `POST /v1/admin/stay/referrals/:id/move-in` (paras 9, 12).
public struct StayMoveIn: Sendable, Codable, Equatable {
    /// The placement day: from `issued_on` to `move_in_by`, not after today.
    public var placedOn: CalendarDate
    /// The persons moving in (all on the referral when absent); anyone else is refused (para 12).
    public var personIDs: [WireID]?

    public init(placedOn: CalendarDate, personIDs: [WireID]? = nil) {
        self.placedOn = placedOn
        self.personIDs = personIDs
    }

    enum CodingKeys: String, CodingKey {
        case placedOn = "placed_on"
        case personIDs = "person_ids"
    }
}

/// A body with nothing but an optional note (consider, reserve/next).
public struct StayAct: Sendable, Codable, Equatable {
    public var note: String?

    public init(note: String? = nil) { self.note = note }
}
