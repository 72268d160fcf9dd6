import Testing

@testable import KandasProtocol

@Test func calendarDate_roundTrips() throws {
    let date = try #require(CalendarDate("2024-02-29"))
    #expect(date.description == "2024-02-29")
    #expect(date < CalendarDate("2024-03-01")!)
}

@Test(arguments: [
    "2026-02-29", "2026-04-31", "2026-00-10", "26-01-01", "2026-1-01", "2026-01-01T00:00:00Z", "0000-01-01",
])
func impossibleOrMalformedDate_isRejected(input: String) {
    #expect(CalendarDate(input) == nil)
}

@Test func civilDayConversion_isInverse() {
    // 0001-01-01 ... 9999-12-31, the range CalendarDate accepts.
    for days in stride(from: -719_162, through: 2_932_896, by: 997) {
        let date = CalendarDate.civil(fromDays: days)
        #expect(CalendarDate.daysFromCivil(year: date.year, month: date.month, day: date.day) == days)
    }
}
