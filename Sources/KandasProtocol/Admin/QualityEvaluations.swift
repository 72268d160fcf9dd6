/// `POST /v1/admin/career-centres/{id}/evaluations`: a quarter's quality evaluation of a career
/// centre (Rules 2, paras 47-49; sync-v1 §4.6.2).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct EvaluationRequest: Sendable, Codable, Equatable {
    /// The evaluated year.
    public var year: Int
    /// The evaluated quarter, 1...4.
    public var quarter: Int
    /// Criterion 1, relevance, 1...5 (para 48(1)).
    public var relevance: Int
    /// Criterion 2, effectiveness, 1...5 (para 48(2)).
    public var effectiveness: Int
    /// Criterion 3, social impact, 1...5 (para 48(3)).
    public var socialImpact: Int
    /// Who evaluated (ERDO's evaluator as named on the evaluation), 1-200 characters.
    public var evaluator: String
    /// The day of the evaluation: after the quarter, not in the future.
    public var evaluatedOn: CalendarDate
    /// A note, up to 2000 characters.
    public var note: String?

    /// Creates a value from its fields.
    public init(
        year: Int, quarter: Int, relevance: Int, effectiveness: Int, socialImpact: Int, evaluator: String,
        evaluatedOn: CalendarDate, note: String? = nil
    ) {
        self.year = year
        self.quarter = quarter
        self.relevance = relevance
        self.effectiveness = effectiveness
        self.socialImpact = socialImpact
        self.evaluator = evaluator
        self.evaluatedOn = evaluatedOn
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case year, quarter, relevance, effectiveness
        case socialImpact = "social_impact"
        case evaluator
        case evaluatedOn = "evaluated_on"
        case note
    }
}

/// `POST /v1/admin/evaluations/{id}/conclusion`: the conclusion sent to the central body (para 50).
public struct EvaluationConclusionRequest: Sendable, Codable, Equatable {
    /// The day it was sent: not before the evaluation, not in the future.
    public var concludedOn: CalendarDate
    /// To whom (the authorised body on population migration), 1-300 characters.
    public var recipient: String
    /// The conclusions and recommendations for the centre (para 50(1)-(3)), 1-4000 characters.
    public var conclusion: String

    /// Creates a value from its fields.
    public init(concludedOn: CalendarDate, recipient: String, conclusion: String) {
        self.concludedOn = concludedOn
        self.recipient = recipient
        self.conclusion = conclusion
    }

    enum CodingKeys: String, CodingKey {
        case concludedOn = "concluded_on"
        case recipient, conclusion
    }
}

/// `POST /v1/admin/evaluations/{id}/follow-up`: the centre considered the conclusion (para 51).
public struct EvaluationFollowUpRequest: Sendable, Codable, Equatable {
    /// The day it was considered: not before the conclusion, not in the future.
    public var consideredOn: CalendarDate
    /// The measures taken, 1-4000 characters.
    public var measures: String

    /// Creates a value from its fields.
    public init(consideredOn: CalendarDate, measures: String) {
        self.consideredOn = consideredOn
        self.measures = measures
    }

    enum CodingKeys: String, CodingKey {
        case consideredOn = "considered_on"
        case measures
    }
}

/// A recorded quality evaluation with its conclusion and follow-up, when they exist.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct EvaluationRecord: Sendable, Codable, Equatable {
    public var id: WireID
    public var regionID: WireID
    public var careerCentreID: WireID
    public var year: Int
    public var quarter: Int
    public var relevance: Int
    public var effectiveness: Int
    public var socialImpact: Int
    /// The sum of the three scores, 3...15.
    public var total: Int
    /// `low`, `medium` or `high` (para 49, half-open reading; services.md §5).
    public var band: String
    public var evaluator: String
    public var evaluatedOn: CalendarDate
    /// The 5th of the month after the quarter (para 47).
    public var due: CalendarDate
    /// Evaluated after `due`.
    public var late: Bool
    /// Families of the centre that left the resettlement region during the quarter (criterion 3, para 48(3)),
    /// as the store knew when the evaluation was recorded.
    public var departures: Int
    public var note: String?
    public var recordedBy: WireID
    public var recordedAt: Timestamp
    /// `evaluated`, `concluded` or `followed_up`.
    public var stage: String
    /// The 25th of the month after the quarter (para 50).
    public var conclusionDue: CalendarDate
    public var concludedOn: CalendarDate?
    public var conclusionRecipient: String?
    public var conclusion: String?
    public var conclusionLate: Bool?
    /// One month after `concluded_on` (para 51).
    public var followUpDue: CalendarDate?
    public var consideredOn: CalendarDate?
    public var measures: String?
    public var followUpLate: Bool?
    public var followedUpBy: WireID?

    /// Creates a value from its fields.
    public init(
        id: WireID, regionID: WireID, careerCentreID: WireID, year: Int, quarter: Int, relevance: Int,
        effectiveness: Int, socialImpact: Int, total: Int, band: String, evaluator: String, evaluatedOn: CalendarDate,
        due: CalendarDate, late: Bool, departures: Int, note: String?, recordedBy: WireID, recordedAt: Timestamp,
        stage: String, conclusionDue: CalendarDate, concludedOn: CalendarDate? = nil,
        conclusionRecipient: String? = nil, conclusion: String? = nil, conclusionLate: Bool? = nil,
        followUpDue: CalendarDate? = nil, consideredOn: CalendarDate? = nil, measures: String? = nil,
        followUpLate: Bool? = nil, followedUpBy: WireID? = nil
    ) {
        self.id = id
        self.regionID = regionID
        self.careerCentreID = careerCentreID
        self.year = year
        self.quarter = quarter
        self.relevance = relevance
        self.effectiveness = effectiveness
        self.socialImpact = socialImpact
        self.total = total
        self.band = band
        self.evaluator = evaluator
        self.evaluatedOn = evaluatedOn
        self.due = due
        self.late = late
        self.departures = departures
        self.note = note
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
        self.stage = stage
        self.conclusionDue = conclusionDue
        self.concludedOn = concludedOn
        self.conclusionRecipient = conclusionRecipient
        self.conclusion = conclusion
        self.conclusionLate = conclusionLate
        self.followUpDue = followUpDue
        self.consideredOn = consideredOn
        self.measures = measures
        self.followUpLate = followUpLate
        self.followedUpBy = followedUpBy
    }

    enum CodingKeys: String, CodingKey {
        case id
        case regionID = "region_id"
        case careerCentreID = "career_centre_id"
        case year, quarter, relevance, effectiveness
        case socialImpact = "social_impact"
        case total, band, evaluator
        case evaluatedOn = "evaluated_on"
        case due, late, departures, note
        case recordedBy = "recorded_by"
        case recordedAt = "recorded_at"
        case stage
        case conclusionDue = "conclusion_due"
        case concludedOn = "concluded_on"
        case conclusionRecipient = "conclusion_recipient"
        case conclusion
        case conclusionLate = "conclusion_late"
        case followUpDue = "follow_up_due"
        case consideredOn = "considered_on"
        case measures
        case followUpLate = "follow_up_late"
        case followedUpBy = "followed_up_by"
    }
}

/// A quarter whose evaluation is missing past its due date, or a step of a recorded one that is.
public struct EvaluationOverdue: Sendable, Codable, Equatable {
    public var year: Int
    public var quarter: Int
    /// `evaluation`, `conclusion` or `follow_up`.
    public var step: String
    public var due: CalendarDate

    /// Creates a value from its fields.
    public init(year: Int, quarter: Int, step: String, due: CalendarDate) {
        self.year = year
        self.quarter = quarter
        self.step = step
        self.due = due
    }
}

/// `GET /v1/admin/career-centres/{id}/evaluations`: the centre's history, newest quarter first,
/// with what is overdue.
public struct EvaluationHistory: Sendable, Codable, Equatable {
    public var careerCentreID: WireID
    public var evaluations: [EvaluationRecord]
    public var overdue: [EvaluationOverdue]

    /// Creates a value from its fields.
    public init(careerCentreID: WireID, evaluations: [EvaluationRecord], overdue: [EvaluationOverdue]) {
        self.careerCentreID = careerCentreID
        self.evaluations = evaluations
        self.overdue = overdue
    }

    enum CodingKeys: String, CodingKey {
        case careerCentreID = "career_centre_id"
        case evaluations, overdue
    }
}

/// `POST /v1/admin/families/{id}/residence`: the family left the resettlement region, or is back
/// (Rules 2, paras 46, 48(3)).
public struct ResidenceChangeRequest: Sendable, Codable, Equatable {
    /// `left_region` or `in_region`.
    public var status: String
    /// The day it happened: not before the quota inclusion or the previous change, not in the future.
    public var since: CalendarDate
    /// Where to, how it is known; up to 2000 characters.
    public var note: String?

    /// Creates a value from its fields.
    public init(status: String, since: CalendarDate, note: String? = nil) {
        self.status = status
        self.since = since
        self.note = note
    }
}

/// One recorded residence change.
public struct ResidenceChange: Sendable, Codable, Equatable {
    public var id: WireID
    public var status: String
    public var since: CalendarDate
    public var note: String?
    public var recordedBy: WireID
    public var recordedAt: Timestamp

    /// Creates a value from its fields.
    public init(
        id: WireID, status: String, since: CalendarDate, note: String?, recordedBy: WireID, recordedAt: Timestamp
    ) {
        self.id = id
        self.status = status
        self.since = since
        self.note = note
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, status, since, note
        case recordedBy = "recorded_by"
        case recordedAt = "recorded_at"
    }
}

/// `GET /v1/admin/families/{id}/residence`: the current status (`in_region` until a change says
/// otherwise) and the history, oldest first.
public struct FamilyResidence: Sendable, Codable, Equatable {
    public var familyID: WireID
    public var status: String
    /// The day of the last change; nil while nothing was recorded.
    public var since: CalendarDate?
    public var history: [ResidenceChange]

    /// Creates a value from its fields.
    public init(familyID: WireID, status: String, since: CalendarDate?, history: [ResidenceChange]) {
        self.familyID = familyID
        self.status = status
        self.since = since
        self.history = history
    }

    enum CodingKeys: String, CodingKey {
        case familyID = "family_id"
        case status, since, history
    }
}
