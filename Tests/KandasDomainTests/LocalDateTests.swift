import Foundation
import KandasDomain
import Testing

@Test func wellFormedDates_parseAndPrintBack() throws {
    for text in ["2025-01-01", "2024-02-29", "1885-12-31", "2099-06-30"] {
        #expect(try LocalDate(text).description == text)
    }
}

@Test(arguments: [
    "2025-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "2025-1-01", "25-01-01", "2025/01/01",
    "2025-01-01 ", "２０２５-01-01", "", "0000-01-01",
])
func malformedDates_areRejected(text: String) {
    #expect(throws: DomainError.self) { try LocalDate(text) }
    #expect((try? LocalDate(text)) == nil)
}

@Test func invalidDateError_carriesTheText() {
    #expect(throws: DomainError.invalidDate("2025-02-30")) { try LocalDate("2025-02-30") }
    #expect(throws: DomainError.invalidDate("2025-02-30")) { try LocalDate(year: 2025, month: 2, day: 30) }
}

@Test func dayNumbers_roundTripEveryDayFrom1800To2100() throws {
    var date = try LocalDate("1800-01-01")
    let end = try LocalDate("2100-12-31")
    var expected = date.dayNumber
    while date <= end {
        #expect(LocalDate(dayNumber: date.dayNumber) == date)
        #expect(date.dayNumber == expected)
        expected += 1
        date = date.addingCalendarDays(1)
    }
}

@Test func epochAndKnownWeekdays_areRight() throws {
    #expect(try LocalDate("1970-01-01").dayNumber == 0)
    #expect(try LocalDate("1970-01-01").isoWeekday == 4)  // Thursday
    #expect(try LocalDate("2025-01-01").isoWeekday == 3)  // Wednesday
    #expect(try LocalDate("2026-11-25").isoWeekday == 3)  // Wednesday
    #expect(try LocalDate("1885-01-01").isoWeekday == 4)  // Thursday
    #expect(try LocalDate("2025-03-22").isWeekend)
    #expect(try !LocalDate("2025-03-21").isWeekend)
}

@Test func addingMonths_clampsToTheMonthsLastDay() throws {
    #expect(try LocalDate("2025-01-31").addingMonths(1) == LocalDate("2025-02-28"))
    #expect(try LocalDate("2024-01-31").addingMonths(1) == LocalDate("2024-02-29"))
    #expect(try LocalDate("2024-02-29").addingMonths(12) == LocalDate("2025-02-28"))
    #expect(try LocalDate("2025-11-15").addingMonths(3) == LocalDate("2026-02-15"))
    #expect(try LocalDate("2025-03-15").addingMonths(-3) == LocalDate("2024-12-15"))
}

@Test func calendarDayDifference_isSigned() throws {
    let a = try LocalDate("2025-12-30")
    let b = try LocalDate("2026-01-02")
    #expect(a.calendarDays(to: b) == 3)
    #expect(b.calendarDays(to: a) == -3)
    #expect(a.addingCalendarDays(3) == b)
}

@Test func codable_usesTheYYYYMMDDString() throws {
    let data = try JSONEncoder().encode([try LocalDate("2025-06-06")])
    #expect(String(decoding: data, as: UTF8.self) == #"["2025-06-06"]"#)
    #expect(try JSONDecoder().decode([LocalDate].self, from: data) == [try LocalDate("2025-06-06")])
    #expect(throws: (any Error).self) { try JSONDecoder().decode([LocalDate].self, from: Data(#"["2025-6-6"]"#.utf8)) }
}
