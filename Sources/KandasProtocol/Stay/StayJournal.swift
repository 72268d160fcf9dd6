/// A registration journal (Rules 1, para 5, Annex 3) with its rows.
public struct StayJournal: Sendable, Codable, Equatable {
    public var id: WireID
    public var centreID: WireID
    public var regionID: WireID
    /// 1, 2, ... per Centre.
    public var number: Int
    /// "Басталды".
    public var openedOn: CalendarDate
    /// "Аяқталды"; absent while the journal is open.
    public var closedOn: CalendarDate?
    /// Rows in serial order (absent in lists).
    public var rows: [StayJournalRow]?

    public init(
        id: WireID, centreID: WireID, regionID: WireID, number: Int, openedOn: CalendarDate,
        closedOn: CalendarDate? = nil, rows: [StayJournalRow]? = nil
    ) {
        self.id = id
        self.centreID = centreID
        self.regionID = regionID
        self.number = number
        self.openedOn = openedOn
        self.closedOn = closedOn
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case id, number, rows
        case centreID = "centre_id"
        case regionID = "region_id"
        case openedOn = "opened_on"
        case closedOn = "closed_on"
    }
}

/// One row of the Annex 3 journal: its six columns, with the date and place of birth read as
/// two fields (the printed header of columns 2-3 is garbled in the source; DIGEST §5.3).
public struct StayJournalRow: Sendable, Codable, Equatable {
    public var serial: Int
    public var applicationID: WireID
    public var fullName: String
    public var birthDate: CalendarDate
    public var birthPlace: String
    public var countryOfOrigin: String
    public var registeredOn: CalendarDate
    public var registrationNumber: String
    public var referralNumber: Int?
    public var referralIssuedOn: CalendarDate?

    public init(
        serial: Int, applicationID: WireID, fullName: String, birthDate: CalendarDate, birthPlace: String,
        countryOfOrigin: String, registeredOn: CalendarDate, registrationNumber: String, referralNumber: Int? = nil,
        referralIssuedOn: CalendarDate? = nil
    ) {
        self.serial = serial
        self.applicationID = applicationID
        self.fullName = fullName
        self.birthDate = birthDate
        self.birthPlace = birthPlace
        self.countryOfOrigin = countryOfOrigin
        self.registeredOn = registeredOn
        self.registrationNumber = registrationNumber
        self.referralNumber = referralNumber
        self.referralIssuedOn = referralIssuedOn
    }

    enum CodingKeys: String, CodingKey {
        case serial
        case applicationID = "application_id"
        case fullName = "full_name"
        case birthDate = "birth_date"
        case birthPlace = "birth_place"
        case countryOfOrigin = "country_of_origin"
        case registeredOn = "registered_on"
        case registrationNumber = "registration_number"
        case referralNumber = "referral_number"
        case referralIssuedOn = "referral_issued_on"
    }
}

/// Body of `POST /v1/admin/stay/journals/:id/close`: closes the journal and opens the next one the same day.
public struct StayJournalClose: Sendable, Codable, Equatable {
    public var closedOn: CalendarDate

    public init(closedOn: CalendarDate) { self.closedOn = closedOn }

    enum CodingKeys: String, CodingKey {
        case closedOn = "closed_on"
    }
}
