import Testing

@testable import KandasDomain

/// Rules 2, paras 47, 50, 51 and Annex 2: the quarter's dates, the follow-up month, who is an
/// adult for consent, the Annex 2 categories verbatim.
struct EvaluationScheduleTests {
    @Test func para47and50_aQuartersEvaluationIsDueOnThe5th_andItsConclusionOnThe25th_ofTheNextMonth() throws {
        let q3 = try #require(EvaluationQuarter(year: 2026, quarter: 3))
        #expect(q3.start.description == "2026-07-01" && q3.nextStart.description == "2026-10-01")
        #expect(q3.evaluationDue.description == "2026-10-05")
        #expect(q3.conclusionDue.description == "2026-10-25")
        let q4 = try #require(EvaluationQuarter(year: 2026, quarter: 4))
        #expect(q4.evaluationDue.description == "2027-01-05" && q4.conclusionDue.description == "2027-01-25")
        #expect(try #require(EvaluationQuarter(year: 2027, quarter: 1)).previous == q4)
        #expect(EvaluationQuarter(containing: try LocalDate("2026-12-07")) == q4)
        #expect(EvaluationQuarter(year: 2026, quarter: 5) == nil && EvaluationQuarter(year: 2026, quarter: 0) == nil)
    }

    @Test func para51_theFollowUpIsDueOneMonthAfterTheConclusion_clampedToTheMonthsLength() throws {
        #expect(EvaluationQuarter.followUpDue(concludedOn: try LocalDate("2026-10-22")).description == "2026-11-22")
        #expect(EvaluationQuarter.followUpDue(concludedOn: try LocalDate("2027-01-31")).description == "2027-02-28")
    }

    @Test func para12_anAdultIs18OnTheDay_soTheDayBeforeTheBirthdayIsStillAMinor() throws {
        let born = try LocalDate("2008-12-07")
        #expect(ConsentRules.isAdult(bornOn: born, on: try LocalDate("2026-12-07")))
        #expect(!ConsentRules.isAdult(bornOn: born, on: try LocalDate("2026-12-06")))
        // Born on 29 February: adult on 28 February of a common year.
        #expect(ConsentRules.isAdult(bornOn: try LocalDate("2008-02-29"), on: try LocalDate("2026-02-28")))
    }

    @Test func annex2_categoriesKeepTheFormsKazakhWording() {
        #expect(Annex2Category.spouse.names.kk == "жұбайы (зайыбы)")
        #expect(Annex2Category.sibling.names.kk == "некеде тұрмайтын ата-анасы бір және ата-анасы бөлек аға-әпкелер")
        #expect(Annex2Category.allCases.count == 5)
    }
}
