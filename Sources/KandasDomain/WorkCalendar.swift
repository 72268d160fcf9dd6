public import Foundation

/// Kazakhstan's working-day calendar: weekends, public holidays, weekend shifts and transfers.
///
/// The rules (Law "On holidays in the Republic of Kazakhstan", art. 5, and the Labour Code):
/// Saturday and Sunday are days off; public holidays are days off; when a national or state
/// holiday falls on a day off, the next working day is a day off; religious holidays (Orthodox
/// Christmas, the first day of Kurban Ait) are days off but are never shifted. The government
/// also moves days off by decree ("transfers": a weekend day made a working day, a weekday
/// made a day off). Movable holidays and transfers are data an operator updates by loading a
/// JSON ``Document`` (schema in `Protocol/calendar.md`); ``kazakhstan`` is the built-in default.
///
/// Every date is classified as a whole day; there are no time zones and no six-day weeks
/// (the five-day week is what career centres work).
public struct WorkCalendar: Sendable {
    /// How one date is classified.
    public enum DayKind: Hashable, Sendable {
        /// An ordinary working day.
        case working
        /// Saturday or Sunday.
        case weekend
        /// A public holiday; carries its name.
        case holiday(String)
        /// A working day made a day off because this holiday fell on a day off.
        case shiftedDayOff(forHoliday: String)
        /// A day made a day off by a transfer decree; carries the note.
        case transferredDayOff(String)
        /// A weekend day made a working day by a transfer decree; carries the note.
        case transferredWorkingDay(String)

        /// Whether work is done on such a day.
        public var isWorking: Bool {
            switch self {
            case .working, .transferredWorkingDay: true
            default: false
            }
        }
    }

    /// The validated document this calendar was built from.
    public let document: Document
    private let weekend: Set<Int>
    private let annual: [Document.AnnualHoliday]
    private let dated: [Int: Document.DatedHoliday]
    private let transfers: [Int: Document.Transfer]
    /// Shifted days off of the covered years (±1), computed once: year → day number → holiday.
    private let shiftCache: [Int: [Int: String]]

    /// Builds a calendar, rejecting an inconsistent document.
    ///
    /// - Throws: ``DomainError/invalidCalendar(_:)`` naming the first problem found.
    public init(document: Document) throws(DomainError) {
        try document.validate()
        self.document = document
        weekend = Set(document.weekend)
        annual = document.annualHolidays
        var dated: [Int: Document.DatedHoliday] = [:]
        for h in document.datedHolidays { dated[h.date.dayNumber] = h }
        self.dated = dated
        var transfers: [Int: Document.Transfer] = [:]
        for t in document.transfers { transfers[t.date.dayNumber] = t }
        self.transfers = transfers
        var cache: [Int: [Int: String]] = [:]
        for year in max(1, document.firstYear - 1)...min(9999, document.lastYear + 1) {
            cache[year] = Self.shiftedDaysOff(year: year, document: document)
        }
        shiftCache = cache
    }

    /// Builds a calendar from a JSON ``Document``.
    ///
    /// - Throws: ``DomainError/invalidCalendar(_:)`` for malformed JSON or an inconsistent document.
    public init(json: Data) throws(DomainError) {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: json)
        } catch let error as DomainError {
            throw .invalidCalendar("bad date: \(error)")
        } catch {
            throw .invalidCalendar("not a calendar document: \(Self.describe(error))")
        }
        try self.init(document: document)
    }

    private static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "missing key \(key.stringValue) at \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context))"
        @unknown default:
            return "\(decoding)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
        return keys.isEmpty ? "top level" : keys.joined(separator: ".")
    }

    /// Whether the document holds movable holidays and transfers for `date`'s year.
    ///
    /// Outside the covered years weekends, fixed holidays and shifts still apply, but Kurban
    /// Ait and transfer decrees are unknown, so results are provisional.
    public func covers(_ date: LocalDate) -> Bool {
        (document.firstYear...document.lastYear).contains(date.year)
    }

    /// How `date` is classified (transfers override everything else).
    public func kind(of date: LocalDate) -> DayKind {
        let n = date.dayNumber
        if let t = transfers[n] {
            return t.kind == .workingDay ? .transferredWorkingDay(t.note) : .transferredDayOff(t.note)
        }
        if let name = holidayName(n, date) { return .holiday(name) }
        if weekend.contains(date.isoWeekday) { return .weekend }
        let shifted = shiftCache[date.year] ?? Self.shiftedDaysOff(year: date.year, document: document)
        if let name = shifted[n] { return .shiftedDayOff(forHoliday: name) }
        return .working
    }

    /// Whether `date` is a working day.
    public func isWorkingDay(_ date: LocalDate) -> Bool { kind(of: date).isWorking }

    /// The `n`-th working day after `date` (before it if `n` is negative); `date` itself when `n` is 0.
    ///
    /// "Within one working day of X" ends at the end of `addingWorkingDays(1, to: X)`.
    public func addingWorkingDays(_ n: Int, to date: LocalDate) -> LocalDate {
        var current = date
        var left = abs(n)
        let step = n >= 0 ? 1 : -1
        while left > 0 {
            current = current.addingCalendarDays(step)
            if isWorkingDay(current) { left -= 1 }
        }
        return current
    }

    /// The number of working days in the half-open interval `(start, end]`; negative when `end < start`.
    ///
    /// Half-open so that `workingDays(between: d, and: addingWorkingDays(n, to: d)) == n`.
    public func workingDays(between start: LocalDate, and end: LocalDate) -> Int {
        if end < start { return -workingDays(between: end, and: start) }
        var count = 0
        var day = start.dayNumber + 1
        while day <= end.dayNumber {
            if isWorkingDay(LocalDate(dayNumber: day)) { count += 1 }
            day += 1
        }
        return count
    }

    private func holidayName(_ n: Int, _ date: LocalDate) -> String? {
        if let h = dated[n] { return h.name }
        return annual.first { $0.month == date.month && $0.day == date.day }?.name
    }

    /// Shifted days off of one year: day number → the holiday that caused it.
    ///
    /// Holidays are taken in date order; each non-religious holiday on a weekend day moves
    /// to the first later day that is neither weekend, holiday nor already shifted (so
    /// Nauryz on Sat 22 and Sun 23 March gives Mon 24 and Tue 25).
    private static func shiftedDaysOff(year: Int, document: Document) -> [Int: String] {
        let weekend = Set(document.weekend)
        var holidayNames: [Int: (name: String, religious: Bool)] = [:]
        for h in document.annualHolidays {
            if let d = try? LocalDate(year: year, month: h.month, day: h.day) {
                holidayNames[d.dayNumber] = (h.name, h.religious)
            }
        }
        for h in document.datedHolidays where h.date.year == year {
            holidayNames[h.date.dayNumber] = (h.name, h.religious)
        }
        var shifted: [Int: String] = [:]
        for day in holidayNames.keys.sorted() {
            guard let holiday = holidayNames[day], !holiday.religious,
                weekend.contains(LocalDate(dayNumber: day).isoWeekday)
            else { continue }
            var candidate = day + 1
            while weekend.contains(LocalDate(dayNumber: candidate).isoWeekday) || holidayNames[candidate] != nil
                || shifted[candidate] != nil
            {
                candidate += 1
            }
            shifted[candidate] = holiday.name
        }
        return shifted
    }
}
