import KandasDomain
import Testing

private func day(_ text: String) -> LocalDate { try! LocalDate(text) }

private let deadlines = Deadlines()

@Test func planApprovedBeforeNauryz_isDueAfterTheShiftedDaysOff() {
    #expect(deadlines.publicationDeadline(approvedOn: day("2025-03-20")) == day("2025-03-26"))
    #expect(!deadlines.isPublicationLate(approvedOn: day("2025-03-20"), publishedOn: day("2025-03-20")))
    #expect(!deadlines.isPublicationLate(approvedOn: day("2025-03-20"), publishedOn: day("2025-03-26")))
    #expect(deadlines.isPublicationLate(approvedOn: day("2025-03-20"), publishedOn: day("2025-03-27")))
}

@Test func planApprovedOnFriday_isDueOnMonday() {
    #expect(deadlines.publicationDeadline(approvedOn: day("2025-11-28")) == day("2025-12-01"))
}

@Test func planApprovedOnAWeekend_isDueOnTheNextWorkingDay() {
    #expect(deadlines.publicationDeadline(approvedOn: day("2025-11-29")) == day("2025-12-01"))
}

@Test func terms_keepWorkingAndCalendarDaysApart() {
    let friday = day("2025-11-28")
    #expect(deadlines.due(after: friday, term: .workingDays(3)) == day("2025-12-03"))
    #expect(deadlines.due(after: friday, term: .calendarDays(3)) == day("2025-12-01"))
    #expect(deadlines.due(after: day("2025-08-31"), term: .months(6)) == day("2026-02-28"))
    #expect(deadlines.due(after: day("2024-02-29"), term: .years(1)) == day("2025-02-28"))
}

@Test func monthlyReport_isDueOnTheFifthOfTheNextMonthUnshifted() {
    #expect(Deadlines.monthlyReportDue(year: 2025, month: 12) == day("2026-01-05"))
    #expect(Deadlines.monthlyReportDue(year: 2026, month: 1) == day("2026-02-05"))
    // 5 April 2026 is a Sunday: the source gives no shift; the alternative reading moves to Monday.
    #expect(Deadlines.monthlyReportDue(year: 2026, month: 3) == day("2026-04-05"))
    #expect(deadlines.monthlyReportDueShifted(year: 2026, month: 3) == day("2026-04-06"))
    #expect(deadlines.monthlyReportDueShifted(year: 2026, month: 1) == day("2026-02-05"))
}

@Test func monitoringSchedule_isTwelveQuartersThenFourHalfYears() {
    let start = day("2025-01-31")
    let periods = Deadlines.monitoringSchedule(start: start)
    #expect(periods.count == 16)
    #expect(periods.map(\.index) == Array(1...16))
    #expect(periods.filter { $0.cadence == .quarterly }.count == 12)
    #expect(periods.map(\.year) == [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5])
    #expect(periods[0].start == start)
    #expect(periods[0].end == day("2025-04-30"))
    #expect(periods[12].start == day("2028-01-31") && periods[12].end == day("2028-07-31"))
    for (previous, next) in zip(periods, periods.dropFirst()) { #expect(previous.end == next.start) }
    #expect(periods[15].end == Deadlines.adaptationHorizonEnd(start: start))
    #expect(Deadlines.adaptationHorizonEnd(start: start) == day("2030-01-31"))
}

@Test func adaptationHorizon_ofALeapDayStart_endsOn28February() {
    #expect(Deadlines.adaptationHorizonEnd(start: day("2024-02-29")) == day("2029-02-28"))
}

@Test func qualityEvaluation_isDueOnTheFifthAndConclusionOnThe25th() {
    #expect(Deadlines.evaluationDue(year: 2025, quarter: 4) == day("2026-01-05"))
    #expect(Deadlines.evaluationConclusionDue(year: 2025, quarter: 4) == day("2026-01-25"))
    #expect(Deadlines.evaluationDue(year: 2026, quarter: 1) == day("2026-04-05"))
}
