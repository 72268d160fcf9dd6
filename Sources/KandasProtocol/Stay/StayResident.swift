/// One person's stay in a Centre (Rules 1, paras 10-17): placement is per person.
public struct StayResident: Sendable, Codable, Equatable {
    public var id: WireID
    public var centreID: WireID
    public var regionID: WireID
    public var applicationID: WireID
    public var referralID: WireID
    public var personID: WireID
    public var fullName: String
    public var birthDate: CalendarDate
    public var kinship: String
    public var placedOn: CalendarDate
    /// The last day of the stay: six months from placement, or the end of the kandas status if earlier (para 15).
    public var stayEndsBy: CalendarDate
    public var status: StayResidentStatus
    public var endedOn: CalendarDate?
    public var endReason: StayEndReason?
    /// `ended_on` + 3 calendar days (para 17).
    public var vacateBy: CalendarDate?
    public var vacatedOn: CalendarDate?
    /// Vacated after `vacate_by`.
    public var vacatedLate: Bool?
    public var familyID: WireID?

    public init(
        id: WireID, centreID: WireID, regionID: WireID, applicationID: WireID, referralID: WireID, personID: WireID,
        fullName: String, birthDate: CalendarDate, kinship: String, placedOn: CalendarDate, stayEndsBy: CalendarDate,
        status: StayResidentStatus, endedOn: CalendarDate? = nil, endReason: StayEndReason? = nil,
        vacateBy: CalendarDate? = nil, vacatedOn: CalendarDate? = nil, vacatedLate: Bool? = nil,
        familyID: WireID? = nil
    ) {
        self.id = id
        self.centreID = centreID
        self.regionID = regionID
        self.applicationID = applicationID
        self.referralID = referralID
        self.personID = personID
        self.fullName = fullName
        self.birthDate = birthDate
        self.kinship = kinship
        self.placedOn = placedOn
        self.stayEndsBy = stayEndsBy
        self.status = status
        self.endedOn = endedOn
        self.endReason = endReason
        self.vacateBy = vacateBy
        self.vacatedOn = vacatedOn
        self.vacatedLate = vacatedLate
        self.familyID = familyID
    }

    enum CodingKeys: String, CodingKey {
        case id, kinship, status
        case centreID = "centre_id"
        case regionID = "region_id"
        case applicationID = "application_id"
        case referralID = "referral_id"
        case personID = "person_id"
        case fullName = "full_name"
        case birthDate = "birth_date"
        case placedOn = "placed_on"
        case stayEndsBy = "stay_ends_by"
        case endedOn = "ended_on"
        case endReason = "end_reason"
        case vacateBy = "vacate_by"
        case vacatedOn = "vacated_on"
        case vacatedLate = "vacated_late"
        case familyID = "family_id"
    }
}

/// Body of `POST /v1/admin/stay/residents/:id/end`: a stay ends by term, status end or departure.
public struct StayEnd: Sendable, Codable, Equatable {
    public var endedOn: CalendarDate
    /// `term`, `status_ended` or `left`; `eviction` only comes from a decision.
    public var reason: StayEndReason

    public init(endedOn: CalendarDate, reason: StayEndReason) {
        self.endedOn = endedOn
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case reason
        case endedOn = "ended_on"
    }
}

/// Body of `POST /v1/admin/stay/residents/:id/vacate` (para 17).
public struct StayVacate: Sendable, Codable, Equatable {
    public var vacatedOn: CalendarDate

    public init(vacatedOn: CalendarDate) { self.vacatedOn = vacatedOn }

    enum CodingKeys: String, CodingKey {
        case vacatedOn = "vacated_on"
    }
}
