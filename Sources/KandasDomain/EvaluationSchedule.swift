/// The dates of the quarterly quality evaluation (Rules 2, paras 47, 50, 51).
///
/// Para 47: ERDO evaluates "quarterly, no later than the 5th day of the month following the
/// reporting period"; para 50: the conclusion goes to the central body by the 25th of that month;
/// para 51: the career centres consider it "within one month", a term whose start the text does
/// not give (DIGEST §10, 27). We count it from the day the conclusion is recorded as sent: the
/// earliest day a centre can have it, so a late follow-up is never hidden.
/// The reporting period is read as the calendar quarter (DIGEST §6.2, 7).
public struct EvaluationQuarter: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    /// 1...4.
    public let quarter: Int

    /// A quarter; nil outside 1...4 or outside the years a ``LocalDate`` holds.
    public init?(year: Int, quarter: Int) {
        guard (1...4).contains(quarter), (2000...2200).contains(year) else { return nil }
        self.year = year
        self.quarter = quarter
    }

    /// The quarter a date lies in.
    public init(containing d: LocalDate) {
        year = d.year
        quarter = (d.month - 1) / 3 + 1
    }

    /// The quarter's first day.
    public var start: LocalDate {
        (try? LocalDate(year: year, month: quarter * 3 - 2, day: 1)) ?? LocalDate(dayNumber: 0)
    }

    /// The first day after the quarter (the first day it can be evaluated).
    public var nextStart: LocalDate { start.addingMonths(3) }

    /// The evaluation's due date: the 5th of the month after the quarter (para 47).
    public var evaluationDue: LocalDate { nextStart.addingCalendarDays(4) }

    /// The conclusion's due date: the 25th of the month after the quarter (para 50).
    public var conclusionDue: LocalDate { nextStart.addingCalendarDays(24) }

    /// The quarter before this one.
    public var previous: EvaluationQuarter {
        quarter == 1
            ? EvaluationQuarter(uncheckedYear: year - 1, quarter: 4)
            : EvaluationQuarter(uncheckedYear: year, quarter: quarter - 1)
    }

    private init(uncheckedYear: Int, quarter: Int) {
        year = uncheckedYear
        self.quarter = quarter
    }

    /// The follow-up's due date: one month after the conclusion was sent (para 51).
    public static func followUpDue(concludedOn: LocalDate) -> LocalDate { concludedOn.addingMonths(1) }

    /// `2026-Q3`.
    public var description: String { "\(year)-Q\(quarter)" }

    public static func < (a: EvaluationQuarter, b: EvaluationQuarter) -> Bool {
        (a.year, a.quarter) < (b.year, b.quarter)
    }
}

/// Who must consent and what the Annex 2 application records (Rules 2, paras 6, 12, Annex 2).
///
/// The Annex 2 clause is in the first person ("my personal data") and signed by the applicant
/// only; the form lists adult family members without consent lines of their own (DIGEST §9).
/// Article 8 consent is personal, so each **adult** member (18 or older, the age of majority in
/// Kazakhstan; para 6 names "adult children" apart) gives their own; a minor's data is covered by
/// the consent of the parent who applies.
public enum ConsentRules {
    /// The age from which a member consents personally.
    public static let adultAge = 18

    /// The latest birth date of a member who is an adult on `day`.
    ///
    /// Someone born on 29 February comes of age on 28 February of a common year (a term in years
    /// ends on the month's last day when the month has no such date).
    public static func adultBornOnOrBefore(_ day: LocalDate) -> LocalDate {
        let back = day.addingMonths(-12 * adultAge)
        if day.month == 2, day.day == 28, !LocalDate.isLeap(day.year), LocalDate.isLeap(back.year) {
            return back.addingCalendarDays(1)
        }
        return back
    }

    /// Whether someone born on `birth` is an adult on `day`.
    public static func isAdult(bornOn birth: LocalDate, on day: LocalDate) -> Bool {
        birth <= adultBornOnOrBefore(day)
    }
}

/// The family categories of the Annex 2 application ("family members who are not citizens of
/// the Republic of Kazakhstan", items 1-4), plus the applicant who signs it.
public enum Annex2Category: String, CaseIterable, Codable, Sendable {
    /// `өтініш беруші`: the applicant.
    case applicant
    /// Item 1, `жұбайы (зайыбы)`: husband (wife).
    case spouse
    /// Item 2, `өтініш беруші мен жұбайының (зайыбының) ата-аналары`: parents of the applicant and of the spouse.
    case parent
    /// Item 3, `балалар (оның ішінде асырап алынғандар) және олардың отбасы мүшелері`: children
    /// (adopted included) and their family members.
    case child
    /// Item 4, `некеде тұрмайтын ата-анасы бір және ата-анасы бөлек аға-әпкелер`: unmarried full and half siblings.
    case sibling

    /// The category's name (Kazakh verbatim from Annex 2).
    public var names: LocalizedName {
        switch self {
        case .applicant: LocalizedName(kk: "өтініш беруші", ru: "заявитель", en: "applicant")
        case .spouse: LocalizedName(kk: "жұбайы (зайыбы)", ru: "супруг (супруга)", en: "husband (wife)")
        case .parent:
            LocalizedName(
                kk: "өтініш беруші мен жұбайының (зайыбының) ата-аналары",
                ru: "родители заявителя и супруга (супруги)", en: "parents of the applicant and of the spouse")
        case .child:
            LocalizedName(
                kk: "балалар (оның ішінде асырап алынғандар) және олардың отбасы мүшелері",
                ru: "дети (в том числе усыновлённые) и члены их семей",
                en: "children (adopted included) and their family members")
        case .sibling:
            LocalizedName(
                kk: "некеде тұрмайтын ата-анасы бір және ата-анасы бөлек аға-әпкелер",
                ru: "не состоящие в браке полнородные и неполнородные братья и сёстры",
                en: "unmarried full and half brothers and sisters")
        }
    }
}
