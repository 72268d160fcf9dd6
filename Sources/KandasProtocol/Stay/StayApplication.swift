/// A person named in a Centre-stay application: the applicant (`kinship` = `applicant`) or a family member.
///
/// Rules 1, para 3 needs the adult members named in the application; Annex 1 lists members with
/// name, date of birth and degree of kinship. The coupon is the internal affairs body's talon for
/// the residence-permit application (para 3).
public struct StayPerson: Sendable, Codable, Equatable {
    public var id: WireID
    public var fullName: String
    public var birthDate: CalendarDate
    /// `applicant` for the applicant; otherwise the degree of kinship as written (e.g. "жұбайы").
    public var kinship: String
    /// 18 or older on the application date.
    public var adult: Bool
    /// The coupon number, once recorded.
    public var couponNumber: String?
    public var couponIssuedOn: CalendarDate?

    public init(
        id: WireID, fullName: String, birthDate: CalendarDate, kinship: String, adult: Bool,
        couponNumber: String? = nil, couponIssuedOn: CalendarDate? = nil
    ) {
        self.id = id
        self.fullName = fullName
        self.birthDate = birthDate
        self.kinship = kinship
        self.adult = adult
        self.couponNumber = couponNumber
        self.couponIssuedOn = couponIssuedOn
    }

    enum CodingKeys: String, CodingKey {
        case id, kinship, adult
        case fullName = "full_name"
        case birthDate = "birth_date"
        case couponNumber = "coupon_number"
        case couponIssuedOn = "coupon_issued_on"
    }
}

/// A family member as written in an application body.
public struct StayMemberInput: Sendable, Codable, Equatable {
    public var fullName: String
    public var birthDate: CalendarDate
    public var kinship: String

    public init(fullName: String, birthDate: CalendarDate, kinship: String) {
        self.fullName = fullName
        self.birthDate = birthDate
        self.kinship = kinship
    }

    enum CodingKeys: String, CodingKey {
        case kinship
        case fullName = "full_name"
        case birthDate = "birth_date"
    }
}

/// Body of `POST /v1/admin/stay/applications`: the Annex 2 application plus the Annex 3 journal columns.
public struct StayApplicationCreate: Sendable, Codable, Equatable {
    public var centreID: WireID
    /// "To the Head of ..." (Annex 2): the local executive body in the field of migration.
    public var addressee: String
    public var applicantName: String
    public var applicantBirthDate: CalendarDate
    public var birthPlace: String
    public var countryOfOrigin: String
    /// Number or reference of the document granting kandas status (para 12: only kandas and families).
    public var kandasStatusDocument: String
    /// The day the kandas status ends, when known (para 15).
    public var kandasStatusUntil: CalendarDate?
    /// "me and my family members numbering N persons" (Annex 2): must equal `members.count`.
    public var familyMembers: Int
    public var members: [StayMemberInput]
    /// The date on the application (Annex 2 "(Күні)"); not after the registration day.
    public var appliedOn: CalendarDate
    /// The Rules 2 family this application belongs to, if any (same region).
    public var familyID: WireID?

    public init(
        centreID: WireID, addressee: String, applicantName: String, applicantBirthDate: CalendarDate,
        birthPlace: String, countryOfOrigin: String, kandasStatusDocument: String,
        kandasStatusUntil: CalendarDate? = nil, familyMembers: Int, members: [StayMemberInput],
        appliedOn: CalendarDate, familyID: WireID? = nil
    ) {
        self.centreID = centreID
        self.addressee = addressee
        self.applicantName = applicantName
        self.applicantBirthDate = applicantBirthDate
        self.birthPlace = birthPlace
        self.countryOfOrigin = countryOfOrigin
        self.kandasStatusDocument = kandasStatusDocument
        self.kandasStatusUntil = kandasStatusUntil
        self.familyMembers = familyMembers
        self.members = members
        self.appliedOn = appliedOn
        self.familyID = familyID
    }

    enum CodingKeys: String, CodingKey {
        case addressee, members
        case centreID = "centre_id"
        case applicantName = "applicant_name"
        case applicantBirthDate = "applicant_birth_date"
        case birthPlace = "birth_place"
        case countryOfOrigin = "country_of_origin"
        case kandasStatusDocument = "kandas_status_document"
        case kandasStatusUntil = "kandas_status_until"
        case familyMembers = "family_members"
        case appliedOn = "applied_on"
        case familyID = "family_id"
    }
}

/// A registered application (Rules 1, paras 4-9) with its journal entry (Annex 3).
public struct StayApplication: Sendable, Codable, Equatable {
    public var id: WireID
    public var centreID: WireID
    public var regionID: WireID
    public var journalID: WireID
    /// Annex 3 column 1 "№ р/с": serial number within its journal.
    public var serial: Int
    /// Annex 3 column 5: the registration number, `<journal number>-<serial>`.
    public var registrationNumber: String
    /// Annex 3 column 5: the registration date (server day, Asia/Almaty).
    public var registeredOn: CalendarDate
    public var appliedOn: CalendarDate
    public var addressee: String
    public var birthPlace: String
    public var countryOfOrigin: String
    public var kandasStatusDocument: String
    public var kandasStatusUntil: CalendarDate?
    public var familyMembers: Int
    /// The applicant first, then the members in application order.
    public var persons: [StayPerson]
    public var status: StayApplicationStatus
    /// The day it was considered (para 6); absent while `registered`.
    public var consideredOn: CalendarDate?
    /// Place in the reserve (1 = next), while `reserve`.
    public var queuePosition: Int?
    /// Why it waits in the reserve: `no_free_beds`, `queue_ahead` or `coupon_missing`.
    public var reserveReason: String?
    public var referralID: WireID?
    public var familyID: WireID?
    /// The scanned signed application (Annex 2 "(Қолы)"), once uploaded.
    public var signature: StayDocument?
    public var version: Int
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: WireID, centreID: WireID, regionID: WireID, journalID: WireID, serial: Int, registrationNumber: String,
        registeredOn: CalendarDate, appliedOn: CalendarDate, addressee: String, birthPlace: String,
        countryOfOrigin: String, kandasStatusDocument: String, kandasStatusUntil: CalendarDate? = nil,
        familyMembers: Int, persons: [StayPerson], status: StayApplicationStatus, consideredOn: CalendarDate? = nil,
        queuePosition: Int? = nil, reserveReason: String? = nil, referralID: WireID? = nil, familyID: WireID? = nil,
        signature: StayDocument? = nil, version: Int, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.centreID = centreID
        self.regionID = regionID
        self.journalID = journalID
        self.serial = serial
        self.registrationNumber = registrationNumber
        self.registeredOn = registeredOn
        self.appliedOn = appliedOn
        self.addressee = addressee
        self.birthPlace = birthPlace
        self.countryOfOrigin = countryOfOrigin
        self.kandasStatusDocument = kandasStatusDocument
        self.kandasStatusUntil = kandasStatusUntil
        self.familyMembers = familyMembers
        self.persons = persons
        self.status = status
        self.consideredOn = consideredOn
        self.queuePosition = queuePosition
        self.reserveReason = reserveReason
        self.referralID = referralID
        self.familyID = familyID
        self.signature = signature
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, serial, addressee, persons, status, signature, version
        case centreID = "centre_id"
        case regionID = "region_id"
        case journalID = "journal_id"
        case registrationNumber = "registration_number"
        case registeredOn = "registered_on"
        case appliedOn = "applied_on"
        case birthPlace = "birth_place"
        case countryOfOrigin = "country_of_origin"
        case kandasStatusDocument = "kandas_status_document"
        case kandasStatusUntil = "kandas_status_until"
        case familyMembers = "family_members"
        case consideredOn = "considered_on"
        case queuePosition = "queue_position"
        case reserveReason = "reserve_reason"
        case referralID = "referral_id"
        case familyID = "family_id"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A stored scanned document: its type, size and SHA-256 (the bytes are fetched separately).
public struct StayDocument: Sendable, Codable, Equatable {
    public var contentType: String
    public var size: Int
    public var sha256: String

    public init(contentType: String, size: Int, sha256: String) {
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey {
        case size, sha256
        case contentType = "content_type"
    }
}

/// Body of `POST /v1/admin/stay/applications/:id/coupons` (para 3).
public struct StayCouponRecord: Sendable, Codable, Equatable {
    public var personID: WireID
    public var number: String
    public var issuedOn: CalendarDate

    public init(personID: WireID, number: String, issuedOn: CalendarDate) {
        self.personID = personID
        self.number = number
        self.issuedOn = issuedOn
    }

    enum CodingKeys: String, CodingKey {
        case number
        case personID = "person_id"
        case issuedOn = "issued_on"
    }
}
