/// The terms of Rules 1 (the Centre stay), computed on a ``WorkCalendar``.
///
/// Rules 1 counts calendar days for moving in (para 9) and vacating (para 17), one working day
/// for the decision on early termination (para 14), and months for the stay cap (para 15). Each
/// function names the paragraph and the unit it uses. Where the source is silent the choice is
/// written in `Protocol/stay-v1.md` §6.
public struct StayRules: Sendable {
    /// Move in within three calendar days of the referral (para 9, `күнтізбелік үш күн ішінде`).
    public static let moveInTerm = Deadlines.Term.calendarDays(3)
    /// Stay at most six months from placement (para 15, `алты айдан көп емес`).
    public static let stayCap = Deadlines.Term.months(6)
    /// Decide keep or evict within one working day (para 14, `бір жұмыс күні ішінде`).
    public static let decisionTerm = Deadlines.Term.workingDays(1)
    /// Vacate no later than three calendar days after the stay ends (para 17, `күнтізбелік үш күннен кешіктірмей`).
    public static let vacateTerm = Deadlines.Term.calendarDays(3)
    /// Age from which a family member needs a coupon (para 3, `кәмелеттік жастағы`): 18.
    public static let adultAge = 18
    /// How far ahead the console warns of a stay ending (issue 17 item 10).
    public static let stayEndingWarningDays = 14

    public let deadlines: Deadlines

    /// Rules 1 terms on `calendar` (the built-in Kazakhstan calendar by default).
    public init(calendar: WorkCalendar = .kazakhstan) { deadlines = Deadlines(calendar: calendar) }

    /// The last day to move in on a referral issued on `issued`: `issued` + 3 calendar days (para 9).
    ///
    /// The issue day is not counted; moving in on the last day is on time, the next day the
    /// referral has lapsed.
    public func moveInBy(issuedOn issued: LocalDate) -> LocalDate {
        deadlines.due(after: issued, term: Self.moveInTerm)
    }

    /// Whether a referral issued on `issued` has lapsed on `today` (para 9).
    public func hasLapsed(issuedOn issued: LocalDate, today: LocalDate) -> Bool { today > moveInBy(issuedOn: issued) }

    /// The last day of a stay placed on `placed`: six months on (day clamped to the month), or the
    /// last day of the kandas status if that comes first (para 15).
    public func stayEndsBy(placedOn placed: LocalDate, statusUntil: LocalDate?) -> LocalDate {
        let cap = deadlines.due(after: placed, term: Self.stayCap)
        guard let statusUntil, statusUntil < cap else { return cap }
        return statusUntil
    }

    /// The last day for the decision on a request made on `requested`: the next working day (para 14).
    ///
    /// A request on a Friday is due on Monday; a request before a holiday is due on the first
    /// working day after it.
    public func decideBy(requestedOn requested: LocalDate) -> LocalDate {
        deadlines.due(after: requested, term: Self.decisionTerm)
    }

    /// The last day to vacate after a stay that ended on `ended`: `ended` + 3 calendar days (para 17).
    public func vacateBy(endedOn ended: LocalDate) -> LocalDate { deadlines.due(after: ended, term: Self.vacateTerm) }

    /// Whether a person born on `birth` is an adult on `day` (para 3).
    public static func isAdult(bornOn birth: LocalDate, on day: LocalDate) -> Bool {
        let eighteenth = birth.addingMonths(12 * adultAge)
        return eighteenth <= day
    }
}
