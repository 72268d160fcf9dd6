import KandasDomain
import KandasProtocol
import KandasStore

/// Reads of the Centre stay (Rules 1; Protocol/stay-v1.md), scoped by region.
///
/// Every lookup ANDs ``scope(_:alias:)``, so an object of another region is simply not found.
/// Reads never write: a referral past its move-in term or a stay past its cap reads as lapsed or
/// ended for `today` even before a write has recorded it (``StayStore/sweep(_:centreID:)``).
enum StayStore {
    /// Stay objects carry `region_id` (alias `alias`): region roles see their region, national
    /// roles and a national auditor everything, career-centre roles nothing.
    static func scope(_ p: Principal, alias: String) -> ScopeCondition { p.scope.stay(alias: alias) }

    /// A Centre-stay list on the shared list builder: the principal's stay scope on `alias`, then
    /// `column = value` for each filter, where the column must be one the list names in `columns`
    /// (the store's constants: a name that is not there is a programming error, never SQL).
    static func list(
        _ select: String, alias: String, for p: Principal, filters: [(String, DatabaseValue)], columns: Set<String>
    ) throws -> ListQuery {
        var list = ListQuery(select: select, key: "\(alias).rowid", scope: scope(p, alias: alias))
        for (name, value) in filters {
            guard columns.contains(name) else { throw ServerError(.internalError, "no such stay list filter") }
            list.filter("\(alias).\(name) = ?", value)
        }
        return list
    }

    // MARK: Centres

    static let centreColumns =
        "c.rowid AS _rowid, c.id, c.region_id, c.name, c.address, c.capacity, c.version, c.created_at, c.updated_at"

    struct Beds {
        var capacity: Int
        var occupied: Int
        var held: Int
        var free: Int { max(0, capacity - occupied - held) }
    }

    /// Beds of a Centre on `today`: taken by residents not yet vacated, held by live referrals.
    static func beds(_ db: any DatabaseConnection, centreID: String, capacity: Int, today: LocalDate) throws -> Beds {
        let occupied =
            try db.queryOne(
                "SELECT COUNT(*) AS n FROM stay_residents WHERE centre_id = ? AND status IN ('resident','ended')",
                centreID)?.optionalInt("n") ?? 0
        let held =
            try db.queryOne(
                "SELECT COUNT(*) AS n FROM stay_persons p JOIN stay_referrals r ON r.application_id = p.application_id"
                    + " WHERE r.centre_id = ? AND r.status = 'issued' AND r.move_in_by >= ?", centreID,
                today.description)?.optionalInt("n") ?? 0
        return Beds(capacity: capacity, occupied: Int(occupied), held: Int(held))
    }

    static func reserveLength(_ db: any DatabaseConnection, centreID: String) throws -> Int {
        Int(
            try db.queryOne(
                "SELECT COUNT(*) AS n FROM stay_applications WHERE centre_id = ? AND status = 'reserve'", centreID)?
                .optionalInt("n") ?? 0)
    }

    static func centre(_ db: any DatabaseConnection, _ row: DatabaseRow, today: LocalDate) throws -> StayCentre {
        let id = try row.string("id")
        let beds = try beds(db, centreID: id, capacity: Int(try row.int("capacity")), today: today)
        return StayCentre(
            id: try wireID(row, "id"), regionID: try wireID(row, "region_id"), name: try row.string("name"),
            address: row.optionalString("address"), capacity: beds.capacity, occupied: beds.occupied, held: beds.held,
            free: beds.free, reserveLength: try reserveLength(db, centreID: id), version: Int(try row.int("version")),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")),
            updatedAt: Timestamp(millisecondsSince1970: try row.int("updated_at")))
    }

    /// A Centre visible to `p`, or `404 not_found`.
    static func centre(
        _ db: any DatabaseConnection, id: String, for p: Principal, today: LocalDate
    ) throws -> StayCentre {
        let s = scope(p, alias: "c")
        guard
            let row = try db.queryOne(
                "SELECT \(centreColumns) FROM stay_centres c WHERE c.id = ? AND \(s.sql)",
                values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such centre") }
        return try centre(db, row, today: today)
    }

    static func centres(
        _ db: any DatabaseConnection, for p: Principal, paging: Pagination, today: LocalDate
    ) throws -> Page<
        StayCentre
    > {
        let list = try list("SELECT \(centreColumns) FROM stay_centres c", alias: "c", for: p, filters: [], columns: [])
        return try paging.page(db, list, map: { try centre(db, $0, today: today) })
    }

    // MARK: Applications

    static let applicationColumns =
        "a.rowid AS _rowid, a.id, a.centre_id, a.region_id, a.journal_id, a.serial, a.queue_seq, a.registered_on,"
        + " a.applied_on, a.addressee, a.birth_place, a.country_of_origin, a.kandas_status_document,"
        + " a.kandas_status_until, a.family_members, a.status, a.considered_on, a.reserve_reason, a.referral_id,"
        + " a.family_id, a.signature_type, a.signature_sha256, length(a.signature) AS signature_size, a.version,"
        + " a.created_at, a.updated_at, j.number AS journal_number, r.status AS referral_status,"
        + " r.move_in_by AS referral_move_in_by"
    static let applicationFrom =
        "stay_applications a JOIN stay_journals j ON j.id = a.journal_id"
        + " LEFT JOIN stay_referrals r ON r.id = a.referral_id"

    static func persons(_ db: any DatabaseConnection, applicationID: String) throws -> [StayPerson] {
        try db.query(
            "SELECT id, full_name, birth_date, kinship, adult, coupon_number, coupon_issued_on FROM stay_persons"
                + " WHERE application_id = ? ORDER BY position", applicationID
        ).map { row in
            StayPerson(
                id: try wireID(row, "id"), fullName: try row.string("full_name"),
                birthDate: try calendarDate(row, "birth_date"), kinship: try row.string("kinship"),
                adult: try row.bool("adult"), couponNumber: row.optionalString("coupon_number"),
                couponIssuedOn: row.optionalString("coupon_issued_on").flatMap { CalendarDate($0) })
        }
    }

    /// The effective status on `today`: a referral past its move-in term reads as lapsed (para 9).
    static func effectiveStatus(_ row: DatabaseRow, today: LocalDate) throws -> StayApplicationStatus {
        let stored = StayApplicationStatus(rawValue: try row.string("status")) ?? .registered
        if stored == .referred, row.optionalString("referral_status") == "issued",
            let by = row.optionalString("referral_move_in_by"), by < today.description
        {
            return .lapsed
        }
        return stored
    }

    static func application(
        _ db: any DatabaseConnection, _ row: DatabaseRow, today: LocalDate
    ) throws -> StayApplication {
        let id = try row.string("id")
        let status = try effectiveStatus(row, today: today)
        var position: Int?
        if status == .reserve {
            position = Int(
                try db.queryOne(
                    "SELECT COUNT(*) AS n FROM stay_applications WHERE centre_id = ? AND status = 'reserve'"
                        + " AND queue_seq <= ?", try row.string("centre_id"), try row.int("queue_seq"))?.optionalInt(
                        "n")
                    ?? 0)
        }
        let signature = row.optionalString("signature_sha256").map {
            StayDocument(
                contentType: row.optionalString("signature_type") ?? "",
                size: Int(row.optionalInt("signature_size") ?? 0),
                sha256: $0)
        }
        return StayApplication(
            id: try wireID(row, "id"), centreID: try wireID(row, "centre_id"), regionID: try wireID(row, "region_id"),
            journalID: try wireID(row, "journal_id"), serial: Int(try row.int("serial")),
            registrationNumber: "\(try row.int("journal_number"))-\(try row.int("serial"))",
            registeredOn: try calendarDate(row, "registered_on"), appliedOn: try calendarDate(row, "applied_on"),
            addressee: try row.string("addressee"), birthPlace: try row.string("birth_place"),
            countryOfOrigin: try row.string("country_of_origin"),
            kandasStatusDocument: try row.string("kandas_status_document"),
            kandasStatusUntil: row.optionalString("kandas_status_until").flatMap { CalendarDate($0) },
            familyMembers: Int(try row.int("family_members")), persons: try persons(db, applicationID: id),
            status: status, consideredOn: row.optionalString("considered_on").flatMap { CalendarDate($0) },
            queuePosition: position, reserveReason: status == .reserve ? row.optionalString("reserve_reason") : nil,
            referralID: row.optionalString("referral_id").flatMap { WireID($0) },
            familyID: row.optionalString("family_id").flatMap { WireID($0) }, signature: signature,
            version: Int(try row.int("version")),
            createdAt: Timestamp(millisecondsSince1970: try row.int("created_at")),
            updatedAt: Timestamp(millisecondsSince1970: try row.int("updated_at")))
    }

    /// An application visible to `p`, or `404 not_found`.
    static func application(
        _ db: any DatabaseConnection, id: String, for p: Principal, today: LocalDate
    ) throws
        -> StayApplication
    {
        let s = scope(p, alias: "a")
        guard
            let row = try db.queryOne(
                "SELECT \(applicationColumns) FROM \(applicationFrom) WHERE a.id = ? AND \(s.sql)",
                values: [.text(id)] + s.values)
        else { throw ServerError(.notFound, "no such application") }
        return try application(db, row, today: today)
    }

    /// Applications in scope, filtered by `centre_id`, `status` (stored), `family_id`.
    static func applications(
        _ db: any DatabaseConnection, for p: Principal, paging: Pagination, filters: [(String, DatabaseValue)],
        today: LocalDate
    ) throws -> Page<StayApplication> {
        let list = try list(
            "SELECT \(applicationColumns) FROM \(applicationFrom)", alias: "a", for: p, filters: filters,
            columns: ["centre_id", "family_id", "status"])
        return try paging.page(db, list, map: { try application(db, $0, today: today) })
    }

    /// The reserve of a Centre in queue order (para 7: journal order).
    static func reserve(_ db: any DatabaseConnection, centreID: String, today: LocalDate) throws -> [StayApplication] {
        try db.query(
            "SELECT \(applicationColumns) FROM \(applicationFrom) WHERE a.centre_id = ? AND a.status = 'reserve'"
                + " ORDER BY a.queue_seq", centreID
        ).map { try application(db, $0, today: today) }
    }

    /// The signed scan of an application visible to `p`.
    static func signature(
        _ db: any DatabaseConnection, applicationID: String, for p: Principal
    ) throws -> (String, [UInt8]) {
        let s = scope(p, alias: "a")
        guard
            let row = try db.queryOne(
                "SELECT a.signature_type, a.signature FROM stay_applications a WHERE a.id = ? AND \(s.sql)",
                values: [.text(applicationID)] + s.values)
        else { throw ServerError(.notFound, "no such application") }
        guard let type = row.optionalString("signature_type"), let bytes = row.blob("signature") else {
            throw ServerError(.notFound, "no signed application has been uploaded")
        }
        return (type, bytes)
    }

    /// The Centre stays of a Rules 2 family (its family page), in scope of `p`.
    static func applications(
        _ db: any DatabaseConnection, familyID: String, for p: Principal, today: LocalDate
    ) throws
        -> [StayApplication]
    {
        let s = scope(p, alias: "a")
        return try db.query(
            "SELECT \(applicationColumns) FROM \(applicationFrom) WHERE a.family_id = ? AND \(s.sql)"
                + " ORDER BY a.queue_seq", values: [.text(familyID)] + s.values
        ).map { try application(db, $0, today: today) }
    }
}
