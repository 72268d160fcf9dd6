extension WorkCalendar {
    /// The JSON document a calendar is loaded from (schema `kandas-work-calendar/1`, see `Protocol/calendar.md`).
    public struct Document: Codable, Hashable, Sendable {
        /// A holiday on the same month and day every year.
        public struct AnnualHoliday: Codable, Hashable, Sendable {
            public var month: Int
            public var day: Int
            public var name: String
            /// Religious holidays are days off but never shift to the next working day.
            public var religious: Bool

            public init(month: Int, day: Int, name: String, religious: Bool = false) {
                self.month = month
                self.day = day
                self.name = name
                self.religious = religious
            }
        }

        /// A holiday on one date (a movable feast such as Kurban Ait).
        public struct DatedHoliday: Codable, Hashable, Sendable {
            public var date: LocalDate
            public var name: String
            public var religious: Bool

            public init(date: LocalDate, name: String, religious: Bool) {
                self.date = date
                self.name = name
                self.religious = religious
            }
        }

        /// A decree moving a day off.
        public struct Transfer: Codable, Hashable, Sendable {
            /// What the date becomes.
            public enum Kind: String, Codable, Sendable {
                /// A weekend day becomes a working day.
                case workingDay
                /// A working day becomes a day off.
                case dayOff
            }

            public var date: LocalDate
            public var kind: Kind
            /// The decree or source, for auditors.
            public var note: String

            public init(date: LocalDate, kind: Kind, note: String) {
                self.date = date
                self.kind = kind
                self.note = note
            }
        }

        /// Must be ``Document/schemaID``.
        public var schema: String
        /// ISO weekdays that are days off (6 = Saturday, 7 = Sunday).
        public var weekend: [Int]
        /// The first year whose movable holidays and transfers the document lists.
        public var firstYear: Int
        /// The last such year.
        public var lastYear: Int
        public var annualHolidays: [AnnualHoliday]
        public var datedHolidays: [DatedHoliday]
        public var transfers: [Transfer]

        /// The only schema this version reads.
        public static let schemaID = "kandas-work-calendar/1"

        public init(
            weekend: [Int], firstYear: Int, lastYear: Int, annualHolidays: [AnnualHoliday],
            datedHolidays: [DatedHoliday], transfers: [Transfer]
        ) {
            self.schema = Document.schemaID
            self.weekend = weekend
            self.firstYear = firstYear
            self.lastYear = lastYear
            self.annualHolidays = annualHolidays
            self.datedHolidays = datedHolidays
            self.transfers = transfers
        }

        /// Checks internal consistency; the first problem is thrown.
        func validate() throws(DomainError) {
            guard schema == Document.schemaID else { throw .invalidCalendar("schema must be \(Document.schemaID)") }
            guard !weekend.isEmpty, weekend.allSatisfy({ (1...7).contains($0) }), Set(weekend).count == weekend.count
            else { throw .invalidCalendar("weekend must list distinct ISO weekdays 1...7") }
            guard weekend.count < 7 else { throw .invalidCalendar("a week needs a working day") }
            guard (1...9999).contains(firstYear), firstYear <= lastYear, lastYear <= 9999 else {
                throw .invalidCalendar("firstYear...lastYear must be a non-empty range of years")
            }
            var seenAnnual = Set<Int>()
            for h in annualHolidays {
                // 2001 is not a leap year: an annual holiday must exist every year, so no 29 February.
                guard (1...12).contains(h.month), (1...LocalDate.daysIn(month: h.month, year: 2001)).contains(h.day)
                else { throw .invalidCalendar("annual holiday \(h.name) has no valid month/day") }
                guard seenAnnual.insert(h.month * 100 + h.day).inserted else {
                    throw .invalidCalendar("two annual holidays on \(h.month)/\(h.day)")
                }
                guard !h.name.isEmpty else { throw .invalidCalendar("an annual holiday has no name") }
            }
            var seenDates = Set<LocalDate>()
            for h in datedHolidays {
                guard (firstYear...lastYear).contains(h.date.year) else {
                    throw .invalidCalendar("dated holiday \(h.date) is outside \(firstYear)...\(lastYear)")
                }
                guard seenDates.insert(h.date).inserted else { throw .invalidCalendar("two holidays on \(h.date)") }
                guard !h.name.isEmpty else { throw .invalidCalendar("the holiday on \(h.date) has no name") }
            }
            var seenTransfers = Set<LocalDate>()
            for t in transfers {
                guard (firstYear...lastYear).contains(t.date.year) else {
                    throw .invalidCalendar("transfer \(t.date) is outside \(firstYear)...\(lastYear)")
                }
                guard seenTransfers.insert(t.date).inserted else {
                    throw .invalidCalendar("two transfers on \(t.date)")
                }
            }
        }
    }
}
