/// The deadlines of Rules 2 (DIGEST §2.3), computed on a ``WorkCalendar``.
///
/// The source keeps working days (`жұмыс күні`) and calendar days (`күнтізбелік күн`) apart,
/// and so does this type: a ``Term`` says which unit it counts, and every function name says
/// which it uses.
public struct Deadlines: Sendable {
    /// A length of time in one explicit unit.
    public enum Term: Hashable, Sendable {
        /// Working days on the calendar (weekends, holidays and shifts skipped).
        case workingDays(Int)
        /// Calendar days, every day counted.
        case calendarDays(Int)
        /// Calendar months, the day clamped to the month's length.
        case months(Int)
        /// Calendar years (29 February → 28 February in a common year).
        case years(Int)
    }

    /// The calendar working-day terms are counted on.
    public let calendar: WorkCalendar

    /// Deadlines on `calendar` (the built-in Kazakhstan calendar by default).
    public init(calendar: WorkCalendar = .kazakhstan) { self.calendar = calendar }

    /// The last day of `term` counted from `start` (the start day itself not counted).
    public func due(after start: LocalDate, term: Term) -> LocalDate {
        switch term {
        case .workingDays(let n): calendar.addingWorkingDays(n, to: start)
        case .calendarDays(let n): start.addingCalendarDays(n)
        case .months(let n): start.addingMonths(n)
        case .years(let n): start.addingMonths(12 * n)
        }
    }

    /// Whether a working-day term counted from `start` to `end` is **provisional**: one of its ends
    /// lies outside the calendar's covered years, where movable holidays and transfers are unknown
    /// (Protocol/calendar.md, rule 7). Calendar-day terms never depend on the calendar and are never provisional.
    public func isProvisional(from start: LocalDate, to end: LocalDate) -> Bool {
        !calendar.covers(start) || !calendar.covers(end)
    }

    // MARK: Plan publication (Rules 2, para 34)

    /// The last day the approved plan may reach the Kandas AIS and the app: one working day after approval.
    ///
    /// Para 34: uploaded "within one working day after it has been agreed and approved". A
    /// plan approved on a Friday is due on Monday (or the next working day after a holiday).
    public func publicationDeadline(approvedOn approval: LocalDate) -> LocalDate {
        due(after: approval, term: .workingDays(1))
    }

    /// Whether publication on `published` missed the deadline of a plan approved on `approval`.
    ///
    /// Publishing on the approval day itself, or on any day up to the deadline, is on time.
    public func isPublicationLate(approvedOn approval: LocalDate, publishedOn published: LocalDate) -> Bool {
        published > publicationDeadline(approvedOn: approval)
    }

    // MARK: Monthly report (Rules 2, para 39)

    /// The due date of the Annex 3 report for a month: the 5th of the following month, in calendar days.
    ///
    /// Para 39 says "no later than the 5th day of the month following the reporting period"
    /// and gives no rule for a 5th that falls on a day off, so the date is **not** shifted:
    /// a centre whose 5th is a Sunday reports by Friday the 3rd. (The Civil Code's general
    /// rule that a term ending on a day off moves to the next working day is not invoked by
    /// this text; ``monthlyReportDueShifted(year:month:)`` gives that alternative reading.)
    public static func monthlyReportDue(year: Int, month: Int) -> LocalDate {
        LocalDate(unchecked: year, month, 1).addingMonths(1).addingCalendarDays(4)
    }

    /// The report due date moved forward to a working day when the 5th is a day off (alternative reading).
    public func monthlyReportDueShifted(year: Int, month: Int) -> LocalDate {
        var date = Self.monthlyReportDue(year: year, month: month)
        while !calendar.isWorkingDay(date) { date = date.addingCalendarDays(1) }
        return date
    }

    // MARK: Five-year adaptation and monitoring (Rules 2, paras 40, 43)

    /// The five-year adaptation horizon (para 40) ends this day: `start` plus five years.
    ///
    /// The source does not fix the start (relocation? quota inclusion? approval?); we use the
    /// family's **quota inclusion date** (para 33 counts service deadlines from it; it is one recorded
    /// date per family, where plans can be redone) and say so in `Protocol/services.md` §4.
    public static func adaptationHorizonEnd(start: LocalDate) -> LocalDate { start.addingMonths(60) }

    /// The monitoring schedule of para 43: quarterly in years 1-3, half-yearly in years 4-5.
    ///
    /// Periods follow anniversaries of `start` (not calendar quarters: the source leaves it
    /// open, and anniversaries give every family the same number of checks). That makes 12
    /// quarterly and 4 half-yearly periods, 16 in all; each is due on its end date.
    public static func monitoringSchedule(start: LocalDate) -> [MonitoringPeriod] {
        var periods: [MonitoringPeriod] = []
        var months = 0
        for index in 1...16 {
            let length = index <= 12 ? 3 : 6
            periods.append(
                MonitoringPeriod(
                    index: index, year: months / 12 + 1, cadence: index <= 12 ? .quarterly : .halfYearly,
                    start: start.addingMonths(months), end: start.addingMonths(months + length)))
            months += length
        }
        return periods
    }

    // MARK: Quality evaluation (Rules 2, paras 47, 50)

    /// ERDO's evaluation of a calendar quarter (1...4) is due on the 5th of the month after it (para 47).
    public static func evaluationDue(year: Int, quarter: Int) -> LocalDate {
        monthlyReportDue(year: year, month: quarter * 3)
    }

    /// ERDO's conclusion on a calendar quarter (1...4) is due to the authorised body by the 25th of the month after it (para 50).
    public static func evaluationConclusionDue(year: Int, quarter: Int) -> LocalDate {
        evaluationDue(year: year, quarter: quarter).addingCalendarDays(20)
    }
}

/// One monitoring period of the five-year schedule (Rules 2, para 43).
public struct MonitoringPeriod: Hashable, Codable, Sendable {
    /// How often monitoring happens in the period's year.
    public enum Cadence: String, Codable, Sendable {
        /// Years 1-3.
        case quarterly
        /// Years 4-5.
        case halfYearly
    }

    /// 1...16.
    public let index: Int
    /// The year of the five (1...5) the period starts in.
    public let year: Int
    /// Quarterly or half-yearly.
    public let cadence: Cadence
    /// First day of the period.
    public let start: LocalDate
    /// The period ends and its monitoring is due on this day.
    public let end: LocalDate
}
