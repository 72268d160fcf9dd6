import KandasDomain
import KandasProtocol
import KandasStore

/// Reads of referrals, residents, complaints, termination requests and journals.
extension StayStore {
    // MARK: Referrals

    static let referralColumns =
        "r.rowid AS _rowid, r.id, r.number, r.centre_id, r.region_id, r.application_id, r.issued_on, r.move_in_by,"
        + " r.status, r.used_on, r.lapsed_on"

    static func referral(_ db: any DatabaseConnection, _ row: DatabaseRow, today: LocalDate) throws -> StayReferral {
        var status = StayReferralStatus(rawValue: try row.string("status")) ?? .issued
        var lapsedOn = row.optionalString("lapsed_on").flatMap { CalendarDate($0) }
        let moveInBy = try calendarDate(row, "move_in_by")
        if status == .issued, moveInBy.description < today.description {
            status = .lapsed
            lapsedOn = wire(local(moveInBy).addingCalendarDays(1))
        }
        return StayReferral(
            id: try wireID(row, "id"), number: Int(try row.int("number")), centreID: try wireID(row, "centre_id"),
            regionID: try wireID(row, "region_id"), applicationID: try wireID(row, "application_id"),
            issuedOn: try calendarDate(row, "issued_on"), moveInBy: moveInBy, status: status,
            persons: try persons(db, applicationID: try row.string("application_id")),
            usedOn: row.optionalString("used_on").flatMap { CalendarDate($0) }, lapsedOn: lapsedOn)
    }

    static func referral(
        _ db: any DatabaseConnection, id: String, for p: Principal, today: LocalDate
    ) throws -> StayReferral {
        let s = scope(p, alias: "r")
        guard
            let row = try db.queryOne(
                "SELECT \(referralColumns) FROM stay_referrals r WHERE r.id = ? AND \(s.sql)",
                values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such referral") }
        return try referral(db, row, today: today)
    }

    static func referrals(
        _ db: any DatabaseConnection, for p: Principal, paging: Pagination, filters: [(String, DatabaseValue)],
        today: LocalDate
    ) throws -> Page<StayReferral> {
        let list = try list(
            "SELECT \(referralColumns) FROM stay_referrals r", alias: "r", for: p, filters: filters,
            columns: ["centre_id", "application_id", "status"])
        return try paging.page(db, list, map: { try referral(db, $0, today: today) })
    }

    // MARK: Residents

    static let residentColumns =
        "s.rowid AS _rowid, s.id, s.centre_id, s.region_id, s.application_id, s.referral_id, s.person_id,"
        + " s.placed_on, s.stay_ends_by, s.status, s.ended_on, s.end_reason, s.vacate_by, s.vacated_on,"
        + " p.full_name, p.birth_date, p.kinship, a.family_id, a.kandas_status_until"
    static let residentFrom =
        "stay_residents s JOIN stay_persons p ON p.id = s.person_id JOIN stay_applications a ON a.id = s.application_id"

    static func resident(_ row: DatabaseRow, rules: StayRules, today: LocalDate) throws -> StayResident {
        var status = StayResidentStatus(rawValue: try row.string("status")) ?? .resident
        var endedOn = row.optionalString("ended_on").flatMap { CalendarDate($0) }
        var reason = row.optionalString("end_reason").flatMap { StayEndReason(rawValue: $0) }
        var vacateBy = row.optionalString("vacate_by").flatMap { CalendarDate($0) }
        let endsBy = try calendarDate(row, "stay_ends_by")
        // Para 15: a stay past its last day has ended, whether or not a write has recorded it yet.
        if status == .resident, endsBy.description < today.description {
            status = .ended
            endedOn = endsBy
            reason = endsBy.description == row.optionalString("kandas_status_until") ? .statusEnded : .term
            vacateBy = wire(rules.vacateBy(endedOn: local(endsBy)))
        }
        let vacatedOn = row.optionalString("vacated_on").flatMap { CalendarDate($0) }
        return StayResident(
            id: try wireID(row, "id"), centreID: try wireID(row, "centre_id"), regionID: try wireID(row, "region_id"),
            applicationID: try wireID(row, "application_id"), referralID: try wireID(row, "referral_id"),
            personID: try wireID(row, "person_id"), fullName: try row.string("full_name"),
            birthDate: try calendarDate(row, "birth_date"), kinship: try row.string("kinship"),
            placedOn: try calendarDate(row, "placed_on"), stayEndsBy: endsBy, status: status, endedOn: endedOn,
            endReason: reason, vacateBy: vacateBy, vacatedOn: vacatedOn,
            vacatedLate: vacatedOn.flatMap { on in vacateBy.map { on > $0 } },
            familyID: row.optionalString("family_id").flatMap { WireID($0) })
    }

    static func resident(
        _ db: any DatabaseConnection, id: String, for p: Principal, rules: StayRules, today: LocalDate
    ) throws
        -> StayResident
    {
        let s = scope(p, alias: "s")
        guard
            let row = try db.queryOne(
                "SELECT \(residentColumns) FROM \(residentFrom) WHERE s.id = ? AND \(s.sql)",
                values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such resident") }
        return try resident(row, rules: rules, today: today)
    }

    static func residents(
        _ db: any DatabaseConnection, for p: Principal, paging: Pagination, filters: [(String, DatabaseValue)],
        rules: StayRules,
        today: LocalDate
    ) throws -> Page<StayResident> {
        let list = try list(
            "SELECT \(residentColumns) FROM \(residentFrom)", alias: "s", for: p, filters: filters,
            columns: ["centre_id", "application_id", "status"])
        return try paging.page(db, list, map: { try resident($0, rules: rules, today: today) })
    }

    // MARK: Complaints

    static let complaintColumns =
        "k.rowid AS _rowid, k.id, k.number, k.centre_id, k.region_id, k.resident_id, k.kind, k.received_on,"
        + " k.summary, k.created_at"

    static func complaint(_ row: DatabaseRow) throws -> StayComplaint {
        StayComplaint(
            id: try wireID(row, "id"), number: Int(try row.int("number")), centreID: try wireID(row, "centre_id"),
            regionID: try wireID(row, "region_id"), residentID: try wireID(row, "resident_id"),
            kind: StayComplaintKind(rawValue: try row.string("kind")) ?? .other,
            receivedOn: try calendarDate(row, "received_on"), summary: try row.string("summary"),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")))
    }

    static func complaint(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> StayComplaint {
        let s = scope(p, alias: "k")
        guard
            let row = try db.queryOne(
                "SELECT \(complaintColumns) FROM stay_complaints k WHERE k.id = ? AND \(s.sql)",
                values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such complaint") }
        return try complaint(row)
    }

    static func complaints(
        _ db: any DatabaseConnection, for p: Principal, paging: Pagination, filters: [(String, DatabaseValue)]
    ) throws -> Page<StayComplaint> {
        let list = try list(
            "SELECT \(complaintColumns) FROM stay_complaints k", alias: "k", for: p, filters: filters,
            columns: ["centre_id", "resident_id"])
        return try paging.page(db, list, map: complaint)
    }

    // MARK: Termination requests

    static let terminationColumns =
        "t.rowid AS _rowid, t.id, t.centre_id, t.region_id, t.application_id, t.scope, t.resident_id,"
        + " t.requested_on, t.grounds, t.decide_by, t.status, t.decided_on, t.decision_document, t.created_at"

    static func termination(_ row: DatabaseRow) throws -> StayTermination {
        let decideBy = try calendarDate(row, "decide_by")
        let decidedOn = row.optionalString("decided_on").flatMap { CalendarDate($0) }
        return StayTermination(
            id: try wireID(row, "id"), centreID: try wireID(row, "centre_id"), regionID: try wireID(row, "region_id"),
            applicationID: try wireID(row, "application_id"),
            scope: StayTerminationScope(rawValue: try row.string("scope")) ?? .family,
            residentID: row.optionalString("resident_id").flatMap { WireID($0) },
            requestedOn: try calendarDate(row, "requested_on"), grounds: try row.string("grounds"), decideBy: decideBy,
            status: StayTerminationStatus(rawValue: try row.string("status")) ?? .pending, decidedOn: decidedOn,
            decisionDocument: row.optionalString("decision_document"), decidedLate: decidedOn.map { $0 > decideBy },
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")))
    }

    static func termination(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> StayTermination {
        let s = scope(p, alias: "t")
        guard
            let row = try db.queryOne(
                "SELECT \(terminationColumns) FROM stay_terminations t WHERE t.id = ? AND \(s.sql)",
                values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such termination request") }
        return try termination(row)
    }

    static func terminations(
        _ db: any DatabaseConnection, for p: Principal, paging: Pagination, filters: [(String, DatabaseValue)]
    ) throws -> Page<StayTermination> {
        let list = try list(
            "SELECT \(terminationColumns) FROM stay_terminations t", alias: "t", for: p, filters: filters,
            columns: ["centre_id", "application_id", "status"])
        return try paging.page(db, list, map: termination)
    }

    // MARK: Journals

    static let journalColumns =
        "j.rowid AS _rowid, j.id, j.centre_id, c.region_id, j.number, j.opened_on, j.closed_on"

    static func journal(_ db: any DatabaseConnection, _ row: DatabaseRow, withRows: Bool) throws -> StayJournal {
        var rows: [StayJournalRow]?
        if withRows {
            rows = try db.query(
                "SELECT a.id, a.serial, a.birth_place, a.country_of_origin, a.registered_on, p.full_name, p.birth_date,"
                    + " r.number AS referral_number, r.issued_on AS referral_issued_on, j.number AS journal_number"
                    + " FROM stay_applications a JOIN stay_journals j ON j.id = a.journal_id"
                    + " JOIN stay_persons p ON p.application_id = a.id AND p.position = 0"
                    + " LEFT JOIN stay_referrals r ON r.application_id = a.id WHERE a.journal_id = ? ORDER BY a.serial",
                try row.string("id")
            ).map { r in
                StayJournalRow(
                    serial: Int(try r.int("serial")), applicationID: try wireID(r, "id"),
                    fullName: try r.string("full_name"), birthDate: try calendarDate(r, "birth_date"),
                    birthPlace: try r.string("birth_place"), countryOfOrigin: try r.string("country_of_origin"),
                    registeredOn: try calendarDate(r, "registered_on"),
                    registrationNumber: "\(try r.int("journal_number"))-\(try r.int("serial"))",
                    referralNumber: r.optionalInt("referral_number").map { Int($0) },
                    referralIssuedOn: r.optionalString("referral_issued_on").flatMap { CalendarDate($0) })
            }
        }
        return StayJournal(
            id: try wireID(row, "id"), centreID: try wireID(row, "centre_id"), regionID: try wireID(row, "region_id"),
            number: Int(try row.int("number")), openedOn: try calendarDate(row, "opened_on"),
            closedOn: row.optionalString("closed_on").flatMap { CalendarDate($0) }, rows: rows)
    }

    static func journal(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> StayJournal {
        let s = scope(p, alias: "c")
        guard
            let row = try db.queryOne(
                "SELECT \(journalColumns) FROM stay_journals j JOIN stay_centres c ON c.id = j.centre_id"
                    + " WHERE j.id = ? AND \(s.sql)", values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such journal") }
        return try journal(db, row, withRows: true)
    }

    static func journals(
        _ db: any DatabaseConnection, centreID: String, for p: Principal, paging: Pagination
    ) throws -> Page<
        StayJournal
    > {
        var list = ListQuery(
            select: "SELECT \(journalColumns) FROM stay_journals j JOIN stay_centres c ON c.id = j.centre_id",
            key: "j.rowid", scope: scope(p, alias: "c"))
        list.equal("j.centre_id", centreID)
        return try paging.page(db, list, map: { try journal(db, $0, withRows: false) })
    }
}

/// A wire date as a domain date (a `CalendarDate` is always a real day).
func local(_ date: CalendarDate) -> LocalDate {
    (try? LocalDate(year: date.year, month: date.month, day: date.day)) ?? LocalDate(dayNumber: 0)
}

/// A domain date as a wire date.
func wire(_ date: LocalDate) -> CalendarDate {
    CalendarDate(year: date.year, month: date.month, day: date.day) ?? CalendarDate(year: 1970, month: 1, day: 1)!
}
