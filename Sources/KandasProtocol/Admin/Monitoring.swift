/// `POST /v1/admin/families/{id}/monitoring`: one monitoring period done (Rules 2, paras 40-45; sync-v1 §4.6.1).
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct MonitoringRecordRequest: Sendable, Codable, Equatable {
    /// The period of the schedule, 1...16 (12 quarterly, then 4 half-yearly).
    public var period: Int
    /// The day it was done (Kazakhstan), not in the future and not before the period starts.
    public var doneOn: CalendarDate
    /// `visit`, `call`, `state_systems`, `digital_card` or `mobile_app` (paras 42, 44).
    public var channel: String
    /// Problems found (para 42(1)), up to 2000 characters.
    public var problems: String?
    /// Proposals for improvement (para 42(2)), up to 2000 characters.
    public var proposals: String?
    /// Whether the local executive body and the labour mobility centre visited the settlement (para 42(4)).
    public var fieldVisit: Bool

    /// Creates a value from its fields.
    public init(
        period: Int, doneOn: CalendarDate, channel: String, problems: String? = nil, proposals: String? = nil,
        fieldVisit: Bool = false
    ) {
        self.period = period
        self.doneOn = doneOn
        self.channel = channel
        self.problems = problems
        self.proposals = proposals
        self.fieldVisit = fieldVisit
    }

    enum CodingKeys: String, CodingKey {
        case period
        case doneOn = "done_on"
        case channel
        case problems
        case proposals
        case fieldVisit = "field_visit"
    }
}

/// A recorded monitoring period.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct MonitoringRecord: Sendable, Codable, Equatable {
    /// The record.
    public var id: WireID
    /// The family.
    public var familyID: WireID
    /// The period, 1...16.
    public var period: Int
    /// The day it was done.
    public var doneOn: CalendarDate
    /// The channel.
    public var channel: String
    /// Problems found.
    public var problems: String?
    /// Proposals.
    public var proposals: String?
    /// A field visit by the local bodies (para 42(4)).
    public var fieldVisit: Bool
    /// Who recorded it.
    public var recordedBy: WireID
    /// When.
    public var recordedAt: Timestamp

    /// Creates a value from its fields.
    public init(
        id: WireID, familyID: WireID, period: Int, doneOn: CalendarDate, channel: String, problems: String?,
        proposals: String?, fieldVisit: Bool, recordedBy: WireID, recordedAt: Timestamp
    ) {
        self.id = id
        self.familyID = familyID
        self.period = period
        self.doneOn = doneOn
        self.channel = channel
        self.problems = problems
        self.proposals = proposals
        self.fieldVisit = fieldVisit
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case familyID = "family_id"
        case period
        case doneOn = "done_on"
        case channel
        case problems
        case proposals
        case fieldVisit = "field_visit"
        case recordedBy = "recorded_by"
        case recordedAt = "recorded_at"
    }
}

/// One period of a family's five-year monitoring schedule with its record, if any.
///
/// Wire fields are `snake_case` (see `CodingKeys`); optional fields are omitted when `nil`.
public struct MonitoringPeriodStatus: Sendable, Codable, Equatable {
    /// 1...16.
    public var period: Int
    /// Year 1...5 of the horizon.
    public var year: Int
    /// `quarterly` (years 1-3) or `halfYearly` (years 4-5).
    public var cadence: String
    /// First day.
    public var start: CalendarDate
    /// Due day (the period's end).
    public var end: CalendarDate
    /// Past its end with no record.
    public var overdue: Bool
    /// The record, when done.
    public var record: MonitoringRecord?

    /// Creates a value from its fields.
    public init(
        period: Int, year: Int, cadence: String, start: CalendarDate, end: CalendarDate, overdue: Bool,
        record: MonitoringRecord? = nil
    ) {
        self.period = period
        self.year = year
        self.cadence = cadence
        self.start = start
        self.end = end
        self.overdue = overdue
        self.record = record
    }

    enum CodingKeys: String, CodingKey {
        case period
        case year
        case cadence
        case start
        case end
        case overdue
        case record
    }
}

/// A family's monitoring (Rules 2, paras 40-45): schedule from the quota inclusion date, records, and whether the case is closed.
///
/// Wire fields are `snake_case` (see `CodingKeys`).
public struct MonitoringStatus: Sendable, Codable, Equatable {
    /// The family.
    public var familyID: WireID
    /// The start of the five years: the family's quota inclusion date.
    public var start: CalendarDate
    /// The end of the five-year horizon (para 40).
    public var horizonEnd: CalendarDate
    /// True from `horizon_end` on: the case is closed and its plans are read-only.
    public var closed: Bool
    /// The 16 periods.
    public var periods: [MonitoringPeriodStatus]

    /// Creates a value from its fields.
    public init(
        familyID: WireID, start: CalendarDate, horizonEnd: CalendarDate, closed: Bool, periods: [MonitoringPeriodStatus]
    ) {
        self.familyID = familyID
        self.start = start
        self.horizonEnd = horizonEnd
        self.closed = closed
        self.periods = periods
    }

    enum CodingKeys: String, CodingKey {
        case familyID = "family_id"
        case start
        case horizonEnd = "horizon_end"
        case closed
        case periods
    }
}
