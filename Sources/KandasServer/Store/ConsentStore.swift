import KandasDomain
import KandasProtocol
import KandasStore

/// Consent to personal-data processing per adult member, with the signed form, and the Annex 2
/// categories (Rules 2, paras 6, 12, Annex 2): the SQL, scoped by the caller's principal.
///
/// The form's bytes are kept in the database by SHA-256 (`consent_forms`), not in the blob store:
/// a form is small (at most 2 MiB), it must commit in the same transaction as its consent (no
/// missing or orphan file after a crash), and `backup` and `store copy` carry it with the records.
enum ConsentStore {
    struct MemberRef {
        var id: String
        var familyID: String
        var birthDate: LocalDate
    }

    static let columns =
        "c.id, c.family_id, c.member_id, c.given_on, c.form_sha256, c.form_name, c.recorded_by, c.recorded_at,"
        + " c.withdrawn_on, c.withdrawal_reason, fm.content_type, fm.size"

    /// A member of a family in the principal's scope, or `404 not_found`.
    static func member(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> MemberRef {
        let scope = p.scope.families()
        guard
            let row = try db.queryOne(
                "SELECT m.id, m.family_id, m.birth_date FROM members m JOIN families f ON f.id = m.family_id"
                    + " WHERE m.id = ? AND \(scope.sql)", values: [.text(id)] + scope.values),
            let birth = try? LocalDate(try row.string("birth_date"))
        else { throw ServerError(.notFound, "no such member") }
        return MemberRef(id: try row.string("id"), familyID: try row.string("family_id"), birthDate: birth)
    }

    /// A consent of a family in the principal's scope, or `404 not_found`.
    static func consent(_ db: any DatabaseConnection, id: String, for p: Principal) throws -> MemberConsent {
        let scope = p.scope.families()
        guard
            let row = try db.queryOne(
                "SELECT \(columns) FROM member_consents c JOIN consent_forms fm ON fm.sha256 = c.form_sha256"
                    + " JOIN families f ON f.id = c.family_id WHERE c.id = ? AND \(scope.sql)",
                values: [.text(id)] + scope.values)
        else { throw ServerError(.notFound, "no such consent") }
        return try consent(row)
    }

    /// The signed form of a consent in scope: its bytes, type and name.
    static func form(
        _ db: any DatabaseConnection, consentID: String, for p: Principal
    ) throws -> (bytes: [UInt8], contentType: String, name: String?) {
        let c = try consent(db, id: consentID, for: p)
        guard let row = try db.queryOne("SELECT bytes FROM consent_forms WHERE sha256 = ?", c.formSHA256),
            let bytes = row.blob("bytes")
        else { throw ServerError(.notFound, "no such form") }
        return (bytes, c.formContentType, c.formName)
    }

    /// Stores the form's bytes under their SHA-256 (the same scan twice is kept once).
    static func addForm(_ db: any DatabaseConnection, sha256: String, contentType: String, bytes: [UInt8]) throws {
        _ = try db.run(
            "INSERT INTO consent_forms(sha256, content_type, size, bytes) VALUES(?,?,?,?)"
                + " ON CONFLICT(sha256) DO NOTHING",
            values: [.text(sha256), .text(contentType), .integer(Int64(bytes.count)), .blob(bytes)])
    }

    static func insert(_ db: any DatabaseConnection, _ c: MemberConsent) throws {
        _ = try db.run(
            "INSERT INTO member_consents(id, family_id, member_id, given_on, form_sha256, form_name, recorded_by,"
                + " recorded_at) VALUES(?,?,?,?,?,?,?,?)", c.id.description, c.familyID.description,
            c.memberID.description, c.givenOn.description, c.formSHA256, c.formName, c.recordedBy.description,
            c.recordedAt.millisecondsSince1970)
    }

    static func withdraw(
        _ db: any DatabaseConnection, id: String, on day: LocalDate, reason: String?, by user: String, now: Int64
    ) throws {
        _ = try db.run(
            "UPDATE member_consents SET withdrawn_on = ?, withdrawal_reason = ?, withdrawn_by = ?, withdrawn_at = ?"
                + " WHERE id = ? AND withdrawn_on IS NULL", day.description, reason, user, now, id)
    }

    /// Whether the member has a consent that is not withdrawn.
    static func hasCurrent(_ db: any DatabaseConnection, memberID: String) throws -> Bool {
        try db.exists("SELECT 1 FROM member_consents WHERE member_id = ? AND withdrawn_on IS NULL", memberID)
    }

    /// Every consent of the family, oldest first (the family was found in scope).
    static func consents(_ db: any DatabaseConnection, familyID: String) throws -> [MemberConsent] {
        try db.query(
            "SELECT \(columns) FROM member_consents c JOIN consent_forms fm ON fm.sha256 = c.form_sha256"
                + " WHERE c.family_id = ? ORDER BY c.recorded_at, c.id", familyID
        ).map(consent)
    }

    /// The family's Annex 2 categories by member.
    static func categories(
        _ db: any DatabaseConnection, familyID: String
    ) throws -> [String: (category: String, rkCitizen: Bool)] {
        var out: [String: (category: String, rkCitizen: Bool)] = [:]
        for r in try db.query(
            "SELECT member_id, category, rk_citizen FROM member_categories WHERE family_id = ?", familyID)
        {
            out[try r.string("member_id")] = (try r.string("category"), try r.bool("rk_citizen"))
        }
        return out
    }

    static func setCategory(
        _ db: any DatabaseConnection, member: MemberRef, category: String, rkCitizen: Bool, by user: String,
        now: Int64
    ) throws {
        _ = try db.run(
            "INSERT INTO member_categories(member_id, family_id, category, rk_citizen, recorded_by, recorded_at)"
                + " VALUES(?,?,?,?,?,?) ON CONFLICT(member_id) DO UPDATE SET category = excluded.category,"
                + " rk_citizen = excluded.rk_citizen, recorded_by = excluded.recorded_by,"
                + " recorded_at = excluded.recorded_at", member.id, member.familyID, category, rkCitizen, user, now)
    }

    /// Members of the family who are adults on `day` and have no current consent, in member order.
    static func missing(_ db: any DatabaseConnection, familyID: String, on day: LocalDate) throws -> [String] {
        try db.query(
            "SELECT m.id FROM members m WHERE m.family_id = ? AND m.birth_date <= ? AND NOT EXISTS(SELECT 1 FROM"
                + " member_consents c WHERE c.member_id = m.id AND c.withdrawn_on IS NULL) ORDER BY m.rowid",
            familyID, ConsentRules.adultBornOnOrBefore(day).description
        ).map { try $0.string("id") }
    }

    /// Keeps the family's `consent_recorded` (read-only on the wire) equal to "no adult lacks a
    /// current consent" as of `day`; called after every change of consents or members. A change
    /// bumps the family's version and enters the sync feed, as any other change of the family.
    /// `feed: false` only while the family itself is being created.
    static func refresh(
        _ db: any DatabaseConnection, familyID: String, on day: LocalDate, now: Int64, feed: Bool = true
    ) throws {
        let complete = try missing(db, familyID: familyID, on: day).isEmpty
        guard feed else {
            _ = try db.run("UPDATE families SET consent_recorded = ? WHERE id = ?", complete, familyID)
            return
        }
        let changed = try db.run(
            "UPDATE families SET consent_recorded = ?, version = version + 1, updated_at = ? WHERE id = ?"
                + " AND consent_recorded <> ?", complete, now, familyID, complete)
        if changed > 0 {
            try FamilyStore.recordChange(db, entity: .family, id: familyID, familyID: familyID, op: .update)
        }
    }

    static func consent(_ r: DatabaseRow) throws -> MemberConsent {
        MemberConsent(
            id: try wireID(r, "id"), familyID: try wireID(r, "family_id"), memberID: try wireID(r, "member_id"),
            givenOn: try calendarDate(r, "given_on"), formSHA256: try r.string("form_sha256"),
            formContentType: try r.string("content_type"), formSize: Int(try r.int("size")),
            formName: r.optionalString("form_name"), recordedBy: try wireID(r, "recorded_by"),
            recordedAt: Timestamp(millisecondsSince1970: try r.int("recorded_at")),
            withdrawnOn: r.optionalString("withdrawn_on").flatMap(CalendarDate.init),
            withdrawalReason: r.optionalString("withdrawal_reason"))
    }
}
