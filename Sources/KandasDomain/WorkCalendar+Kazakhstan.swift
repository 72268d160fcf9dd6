extension WorkCalendar {
    /// The built-in Kazakhstan calendar covering 2024-2027 (Rules 2 in this wording apply since mid-2024) (see `Protocol/calendar.md` for sources).
    ///
    /// Annual holidays: Law "On holidays in the Republic of Kazakhstan" as amended in 2022
    /// (Republic Day 25 October restored; Independence Day only 16 December; First President's
    /// Day removed). Kurban Ait: 2024, 2025 and 2026 from the Spiritual Administration of Muslims of
    /// Kazakhstan's published calendars; 2027 is an astronomical estimate, provisional.
    /// Transfers: only the one we could confirm (2025: Sunday 5 January worked, Friday 3 January
    /// off). Operators load a newer document when the government publishes its decrees.
    public static let kazakhstan: WorkCalendar = {
        // Cannot fail: the literal below passes validate(); a test loads it and would catch a typo.
        try! WorkCalendar(document: kazakhstanDocument)
    }()

    /// The document behind ``kazakhstan``, e.g. to export it as JSON and edit it.
    public static var kazakhstanDocument: Document {
        func date(_ y: Int, _ m: Int, _ d: Int) -> LocalDate { LocalDate(unchecked: y, m, d) }
        return Document(
            weekend: [6, 7], firstYear: 2024, lastYear: 2027,
            annualHolidays: [
                .init(month: 1, day: 1, name: "New Year"),
                .init(month: 1, day: 2, name: "New Year"),
                .init(month: 1, day: 7, name: "Orthodox Christmas", religious: true),
                .init(month: 3, day: 8, name: "International Women's Day"),
                .init(month: 3, day: 21, name: "Nauryz"),
                .init(month: 3, day: 22, name: "Nauryz"),
                .init(month: 3, day: 23, name: "Nauryz"),
                .init(month: 5, day: 1, name: "Kazakhstan People's Unity Day"),
                .init(month: 5, day: 7, name: "Defender of the Fatherland Day"),
                .init(month: 5, day: 9, name: "Victory Day"),
                .init(month: 7, day: 6, name: "Capital Day"),
                .init(month: 8, day: 30, name: "Constitution Day"),
                .init(month: 10, day: 25, name: "Republic Day"),
                .init(month: 12, day: 16, name: "Independence Day"),
            ],
            datedHolidays: [
                .init(date: date(2024, 6, 16), name: "Kurban Ait (first day)", religious: true),
                .init(date: date(2025, 6, 6), name: "Kurban Ait (first day)", religious: true),
                .init(date: date(2026, 5, 27), name: "Kurban Ait (first day)", religious: true),
                .init(date: date(2027, 5, 16), name: "Kurban Ait (first day, provisional)", religious: true),
            ],
            transfers: [
                .init(
                    date: date(2025, 1, 3), kind: .dayOff, note: "2025 transfer: day off moved from Sunday 5 January"),
                .init(date: date(2025, 1, 5), kind: .workingDay, note: "2025 transfer: worked for Friday 3 January"),
            ])
    }
}
