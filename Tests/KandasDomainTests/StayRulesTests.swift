import Testing

@testable import KandasDomain

/// The terms of Rules 1 (the Centre stay), each test citing its paragraph.
@Suite struct StayRulesTests {
    let rules = StayRules()

    func day(_ text: String) throws -> LocalDate { try LocalDate(text) }

    @Test func moveIn_para9_isThreeCalendarDaysAfterTheReferral_weekendsCounted() throws {
        // Friday 2026-12-11: Saturday and Sunday count; the last day is Monday 14th.
        #expect(rules.moveInBy(issuedOn: try day("2026-12-11")) == (try day("2026-12-14")))
        // Across the Independence Day holiday (16 December): calendar days, so still +3.
        #expect(rules.moveInBy(issuedOn: try day("2026-12-15")) == (try day("2026-12-18")))
        #expect(!rules.hasLapsed(issuedOn: try day("2026-12-11"), today: try day("2026-12-14")))
        #expect(rules.hasLapsed(issuedOn: try day("2026-12-11"), today: try day("2026-12-15")))
    }

    @Test func stayCap_para15_isSixMonthsFromPlacement_clampedToTheMonth() throws {
        #expect(rules.stayEndsBy(placedOn: try day("2026-01-10"), statusUntil: nil) == (try day("2026-07-10")))
        // 31 August + 6 months: February has no 31st, so the last day is 28 February.
        #expect(rules.stayEndsBy(placedOn: try day("2026-08-31"), statusUntil: nil) == (try day("2027-02-28")))
    }

    @Test func stayCap_para15_endsEarlierWhenTheKandasStatusEndsFirst() throws {
        let placed = try day("2026-01-10")
        #expect(rules.stayEndsBy(placedOn: placed, statusUntil: try day("2026-03-01")) == (try day("2026-03-01")))
        #expect(rules.stayEndsBy(placedOn: placed, statusUntil: try day("2027-01-01")) == (try day("2026-07-10")))
    }

    @Test func decision_para14_isOneWorkingDay_acrossAWeekend() throws {
        // Friday 2026-12-11 → Monday 2026-12-14.
        #expect(rules.decideBy(requestedOn: try day("2026-12-11")) == (try day("2026-12-14")))
        // Saturday → Monday as well.
        #expect(rules.decideBy(requestedOn: try day("2026-12-12")) == (try day("2026-12-14")))
    }

    @Test func decision_para14_isOneWorkingDay_acrossAHoliday() throws {
        // Tuesday 2026-12-15, Wednesday 16 December is Independence Day → Thursday 17th.
        #expect(rules.decideBy(requestedOn: try day("2026-12-15")) == (try day("2026-12-17")))
    }

    @Test func decision_para14_isOneWorkingDay_acrossAWeekendAndAHoliday() throws {
        // Friday 2027-03-19; Saturday, Sunday (Nauryz 21st), Monday 22nd and Tuesday 23rd (Nauryz),
        // Wednesday 24th (day off moved for the Nauryz day that fell on a Sunday) → Thursday 25th.
        #expect(rules.decideBy(requestedOn: try day("2027-03-19")) == (try day("2027-03-25")))
    }

    @Test func vacate_para17_isThreeCalendarDaysAfterTheStayEnds() throws {
        #expect(rules.vacateBy(endedOn: try day("2026-07-10")) == (try day("2026-07-13")))
        #expect(rules.vacateBy(endedOn: try day("2026-12-31")) == (try day("2027-01-03")))
    }

    @Test func adult_para3_isEighteenOnTheApplicationDay() throws {
        #expect(StayRules.isAdult(bornOn: try day("2008-12-06"), on: try day("2026-12-06")))
        #expect(!StayRules.isAdult(bornOn: try day("2008-12-07"), on: try day("2026-12-06")))
        // Born on 29 February: adult on 28 February of the eighteenth year.
        #expect(StayRules.isAdult(bornOn: try day("2008-02-29"), on: try day("2026-02-28")))
    }
}
