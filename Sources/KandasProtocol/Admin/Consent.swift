/// The signed consent form, sent inline (sync-v1 §4.6.3): a scan or photo of the Annex 2
/// application's consent clause signed by the member.
public struct ConsentFormUpload: Sendable, Codable, Equatable {
    /// `application/pdf`, `image/jpeg` or `image/png` (checked against the bytes).
    public var contentType: String
    /// The file's name as scanned, up to 200 characters.
    public var fileName: String?
    /// The file, standard base64; 1 byte to 2 MiB decoded.
    public var data: String

    /// Creates a value from its fields.
    public init(contentType: String, fileName: String? = nil, data: String) {
        self.contentType = contentType
        self.fileName = fileName
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case contentType = "content_type"
        case fileName = "file_name"
        case data
    }
}

/// `POST /v1/admin/members/{id}/consents`: an adult member's consent to the processing of
/// personal data (Rules 2, para 12(3); Annex 2, Article 8 of the Law "On Personal Data").
public struct ConsentRequest: Sendable, Codable, Equatable {
    /// The date on the signed form: not in the future.
    public var givenOn: CalendarDate
    /// The signed form.
    public var form: ConsentFormUpload

    /// Creates a value from its fields.
    public init(givenOn: CalendarDate, form: ConsentFormUpload) {
        self.givenOn = givenOn
        self.form = form
    }

    enum CodingKeys: String, CodingKey {
        case givenOn = "given_on"
        case form
    }
}

/// `POST /v1/admin/consents/{id}/withdraw`: the member withdrew the consent.
public struct ConsentWithdrawRequest: Sendable, Codable, Equatable {
    /// The day of the withdrawal: not before the consent, not in the future.
    public var withdrawnOn: CalendarDate
    /// Why, as the member said, up to 500 characters.
    public var reason: String?

    /// Creates a value from its fields.
    public init(withdrawnOn: CalendarDate, reason: String? = nil) {
        self.withdrawnOn = withdrawnOn
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case withdrawnOn = "withdrawn_on"
        case reason
    }
}

/// A recorded consent (the form itself is at `GET /v1/admin/consents/{id}/form`).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct MemberConsent: Sendable, Codable, Equatable {
    public var id: WireID
    public var familyID: WireID
    public var memberID: WireID
    public var givenOn: CalendarDate
    /// The SHA-256 of the form's bytes.
    public var formSHA256: String
    public var formContentType: String
    public var formSize: Int
    public var formName: String?
    public var recordedBy: WireID
    public var recordedAt: Timestamp
    public var withdrawnOn: CalendarDate?
    public var withdrawalReason: String?

    /// Creates a value from its fields.
    public init(
        id: WireID, familyID: WireID, memberID: WireID, givenOn: CalendarDate, formSHA256: String,
        formContentType: String, formSize: Int, formName: String?, recordedBy: WireID, recordedAt: Timestamp,
        withdrawnOn: CalendarDate? = nil, withdrawalReason: String? = nil
    ) {
        self.id = id
        self.familyID = familyID
        self.memberID = memberID
        self.givenOn = givenOn
        self.formSHA256 = formSHA256
        self.formContentType = formContentType
        self.formSize = formSize
        self.formName = formName
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
        self.withdrawnOn = withdrawnOn
        self.withdrawalReason = withdrawalReason
    }

    enum CodingKeys: String, CodingKey {
        case id
        case familyID = "family_id"
        case memberID = "member_id"
        case givenOn = "given_on"
        case formSHA256 = "form_sha256"
        case formContentType = "form_content_type"
        case formSize = "form_size"
        case formName = "form_name"
        case recordedBy = "recorded_by"
        case recordedAt = "recorded_at"
        case withdrawnOn = "withdrawn_on"
        case withdrawalReason = "withdrawal_reason"
    }
}

/// `POST /v1/admin/members/{id}/category`: the member's category on the Annex 2 application.
public struct MemberCategoryRequest: Sendable, Codable, Equatable {
    /// `applicant`, `spouse`, `parent`, `child` or `sibling`.
    public var category: String
    /// Whether the member is a citizen of the Republic of Kazakhstan (Annex 2 lists those who are not).
    public var rkCitizen: Bool

    /// Creates a value from its fields.
    public init(category: String, rkCitizen: Bool = false) {
        self.category = category
        self.rkCitizen = rkCitizen
    }

    enum CodingKeys: String, CodingKey {
        case category
        case rkCitizen = "rk_citizen"
    }
}

/// One member's state in ``FamilyConsents``.
public struct MemberConsentStatus: Sendable, Codable, Equatable {
    public var memberID: WireID
    /// 18 or older today: needs a consent of their own.
    public var adult: Bool
    /// The Annex 2 category, when recorded.
    public var category: String?
    public var rkCitizen: Bool?
    /// The current (not withdrawn) consent.
    public var consent: MemberConsent?
    /// An adult without a current consent.
    public var missing: Bool
    /// Every consent recorded for the member, withdrawn ones included, oldest first.
    public var history: [MemberConsent]

    /// Creates a value from its fields.
    public init(
        memberID: WireID, adult: Bool, category: String?, rkCitizen: Bool?, consent: MemberConsent?, missing: Bool,
        history: [MemberConsent]
    ) {
        self.memberID = memberID
        self.adult = adult
        self.category = category
        self.rkCitizen = rkCitizen
        self.consent = consent
        self.missing = missing
        self.history = history
    }

    enum CodingKeys: String, CodingKey {
        case memberID = "member_id"
        case adult, category
        case rkCitizen = "rk_citizen"
        case consent, missing, history
    }
}

/// `GET /v1/admin/families/{id}/consents`: every member's consent and Annex 2 category; a plan
/// can be published only when `complete` (every adult has a current consent).
public struct FamilyConsents: Sendable, Codable, Equatable {
    public var familyID: WireID
    public var complete: Bool
    public var members: [MemberConsentStatus]

    /// Creates a value from its fields.
    public init(familyID: WireID, complete: Bool, members: [MemberConsentStatus]) {
        self.familyID = familyID
        self.complete = complete
        self.members = members
    }

    enum CodingKeys: String, CodingKey {
        case familyID = "family_id"
        case complete, members
    }
}
