import Foundation
import KandasDomain
import Testing

private let kz = WorkCalendar.kazakhstan

private func day(_ text: String) -> LocalDate { try! LocalDate(text) }

@Test func newYear2025_followsTheTransferDecree() {
    #expect(kz.kind(of: day("2025-01-01")) == .holiday("New Year"))
    #expect(kz.kind(of: day("2025-01-02")) == .holiday("New Year"))
    #expect(!kz.isWorkingDay(day("2025-01-03")))  // transferred day off
    #expect(kz.kind(of: day("2025-01-04")) == .weekend)
    #expect(kz.isWorkingDay(day("2025-01-05")))  // Sunday worked
    #expect(kz.isWorkingDay(day("2025-01-06")))
    #expect(kz.kind(of: day("2025-01-07")) == .holiday("Orthodox Christmas"))
}

@Test func nauryzOnAWeekend_shiftsToTheNextWorkingDays() {
    // 2025: 21 Fri, 22 Sat, 23 Sun → Mon 24 and Tue 25 off.
    #expect(kz.kind(of: day("2025-03-24")) == .shiftedDayOff(forHoliday: "Nauryz"))
    #expect(kz.kind(of: day("2025-03-25")) == .shiftedDayOff(forHoliday: "Nauryz"))
    #expect(kz.isWorkingDay(day("2025-03-26")))
    // 2026: 21 Sat, 22 Sun, 23 Mon → Tue 24 and Wed 25 off.
    #expect(!kz.isWorkingDay(day("2026-03-24")) && !kz.isWorkingDay(day("2026-03-25")))
    #expect(kz.isWorkingDay(day("2026-03-26")))
}

@Test func republicDay2025OnSaturday_givesMonday27OctoberOff() {
    #expect(kz.kind(of: day("2025-10-27")) == .shiftedDayOff(forHoliday: "Republic Day"))
    #expect(kz.isWorkingDay(day("2025-10-28")))
}

@Test func newYear2026_hasNoTransfer() {
    #expect(kz.kind(of: day("2026-01-03")) == .weekend)
    #expect(kz.kind(of: day("2026-01-04")) == .weekend)
    #expect(kz.isWorkingDay(day("2026-01-05")))
    #expect(kz.isWorkingDay(day("2026-01-06")))
}

@Test func kurbanAit_isADayOffButNeverShifted() {
    #expect(kz.kind(of: day("2025-06-06")) == .holiday("Kurban Ait (first day)"))
    #expect(kz.kind(of: day("2026-05-27")) == .holiday("Kurban Ait (first day)"))
    // 2027-05-16 is a Sunday: a religious holiday does not give Monday off.
    #expect(day("2027-05-16").isoWeekday == 7)
    #expect(kz.isWorkingDay(day("2027-05-17")))
}

@Test func orthodoxChristmasOnASunday_isNotShifted() {
    // 2029-01-07 is a Sunday (outside the covered years, fixed holidays still apply).
    #expect(day("2029-01-07").isoWeekday == 7)
    #expect(kz.isWorkingDay(day("2029-01-08")))
    #expect(!kz.covers(day("2029-01-08")))
}

@Test func twoWeekendHolidaysInARow_shiftToDistinctDays() {
    // 2027: 1 Jan Fri, 2 Jan Sat → Mon 4 off; 7 May Fri, 9 May Sun → Mon 10 off (not 8, a Saturday).
    #expect(kz.kind(of: day("2027-01-04")) == .shiftedDayOff(forHoliday: "New Year"))
    #expect(kz.kind(of: day("2027-05-10")) == .shiftedDayOff(forHoliday: "Victory Day"))
    #expect(kz.isWorkingDay(day("2027-05-11")))
}

@Test func addingWorkingDays_skipsWeekendsHolidaysAndShifts() {
    #expect(kz.addingWorkingDays(1, to: day("2025-03-20")) == day("2025-03-26"))
    #expect(kz.addingWorkingDays(1, to: day("2025-11-28")) == day("2025-12-01"))
    #expect(kz.addingWorkingDays(3, to: day("2025-12-31")) == day("2026-01-08"))
    #expect(kz.addingWorkingDays(0, to: day("2025-03-22")) == day("2025-03-22"))
    #expect(kz.addingWorkingDays(-1, to: day("2025-03-26")) == day("2025-03-20"))
}

@Test func workingDaysBetween_countsTheHalfOpenInterval() {
    #expect(kz.workingDays(between: day("2025-03-20"), and: day("2025-03-26")) == 1)
    #expect(kz.workingDays(between: day("2025-03-26"), and: day("2025-03-20")) == -1)
    #expect(kz.workingDays(between: day("2025-06-02"), and: day("2025-06-02")) == 0)
    // June 2025: 21 weekdays, minus Kurban Ait on Friday the 6th.
    #expect(kz.workingDays(between: day("2025-05-31"), and: day("2025-06-30")) == 20)
}

@Test func addingThenCounting_givesBackTheSameNumber() {
    var start = day("2024-12-20")
    for step in 0..<120 {
        let n = step % 17
        let end = kz.addingWorkingDays(n, to: start)
        #expect(kz.workingDays(between: start, and: end) == n, "\(start) + \(n)")
        if kz.isWorkingDay(start) { #expect(kz.addingWorkingDays(-n, to: end) == start) }
        start = start.addingCalendarDays(9)
    }
}

@Test func builtInDocument_survivesAJSONRoundTrip() throws {
    let json = try JSONEncoder().encode(WorkCalendar.kazakhstanDocument)
    let loaded = try WorkCalendar(json: json)
    #expect(loaded.document == WorkCalendar.kazakhstanDocument)
}

@Test func publishedProtocolCalendar_equalsTheBuiltInOne() throws {
    let data = try Data(contentsOf: Fixtures.repositoryFile("Protocol/calendar-kz.json"))
    #expect(try WorkCalendar(json: data).document == WorkCalendar.kazakhstanDocument)
}

@Test func operatorDocument_addsTransfersAndHolidays() throws {
    var document = WorkCalendar.kazakhstanDocument
    document.transfers.append(.init(date: day("2026-07-11"), kind: .workingDay, note: "test decree"))
    document.transfers.append(.init(date: day("2026-07-07"), kind: .dayOff, note: "test decree"))
    let calendar = try WorkCalendar(document: document)
    #expect(calendar.kind(of: day("2026-07-11")) == .transferredWorkingDay("test decree"))
    #expect(calendar.kind(of: day("2026-07-07")) == .transferredDayOff("test decree"))
    #expect(kz.isWorkingDay(day("2026-07-07")))
}

private func rejection(_ edit: (inout WorkCalendar.Document) -> Void) -> DomainError? {
    var document = WorkCalendar.kazakhstanDocument
    edit(&document)
    do {
        _ = try WorkCalendar(document: document)
        return nil
    } catch {
        return error
    }
}

@Test func inconsistentDocuments_areRejectedWithAReason() {
    let cases: [(String, (inout WorkCalendar.Document) -> Void)] = [
        ("schema", { $0.schema = "kandas-work-calendar/2" }),
        ("weekday 8", { $0.weekend = [6, 8] }),
        ("no working day", { $0.weekend = Array(1...7) }),
        ("years reversed", { $0.firstYear = 2028 }),
        ("29 February", { $0.annualHolidays.append(.init(month: 2, day: 29, name: "Leap")) }),
        ("duplicate annual", { $0.annualHolidays.append(.init(month: 1, day: 1, name: "Again")) }),
        (
            "holiday out of range",
            { $0.datedHolidays.append(.init(date: day("2030-01-10"), name: "X", religious: false)) }
        ),
        ("transfer out of range", { $0.transfers.append(.init(date: day("2023-12-30"), kind: .workingDay, note: "")) }),
        ("duplicate transfer", { $0.transfers.append(.init(date: day("2025-01-03"), kind: .workingDay, note: "")) }),
    ]
    for (label, edit) in cases {
        let error = rejection(edit)
        #expect(error?.code == "invalid_calendar", "\(label)")
    }
}

@Test func malformedJSON_isRejectedWithAReason() {
    for text in [
        "{", "[]", #"{"schema":"kandas-work-calendar/1"}"#,
        #"{"schema":"kandas-work-calendar/1","weekend":[6,7],"firstYear":2025,"lastYear":2025,"annualHolidays":[],"datedHolidays":[{"date":"2025-02-30","name":"X","religious":false}],"transfers":[]}"#,
    ] {
        #expect(throws: DomainError.self) { try WorkCalendar(json: Data(text.utf8)) }
        do {
            _ = try WorkCalendar(json: Data(text.utf8))
        } catch {
            #expect(error.code == "invalid_calendar")
        }
    }
}

@Test func builtIn_covers2024To2027_sinceRules2InThisWordingApplyFromMid2024() {
    #expect(kz.covers(day("2024-07-01")) && kz.covers(day("2027-12-31")))
    #expect(!kz.covers(day("2023-12-31")) && !kz.covers(day("2028-01-01")))
    #expect(kz.kind(of: day("2024-06-16")) == .holiday("Kurban Ait (first day)"))
    // Nauryz 2024: Thu 21, Fri 22, Sat 23 → Monday 25 off.
    #expect(kz.kind(of: day("2024-03-25")) == .shiftedDayOff(forHoliday: "Nauryz"))
}

@Test func para34_aWorkingDayTermOutsideTheCoveredYears_isProvisional() {
    let d = Deadlines(calendar: kz)
    #expect(!d.isProvisional(from: day("2026-12-31"), to: d.publicationDeadline(approvedOn: day("2026-12-31"))))
    #expect(d.isProvisional(from: day("2027-12-31"), to: d.publicationDeadline(approvedOn: day("2027-12-31"))))
    #expect(d.isProvisional(from: day("2023-06-01"), to: day("2023-06-02")))
}
