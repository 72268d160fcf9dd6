import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// The family's residence status (Rules 2, para 46; criterion 3 of para 48: "departure from the
/// settlement regions"): `in_region` until a change says the family left the resettlement region.
enum ResidenceHandlers {
    static let statuses: Set<String> = ["in_region", "left_region"]

    /// `GET /v1/admin/families/{id}/residence`.
    static func show(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        _ = try ctx.filters([])
        return try ctx.json(try ctx.read { db in try status(db, familyID: id, for: ctx.actor) })
    }

    /// `POST /v1/admin/families/{id}/residence`.
    static func change(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            _ = try MonitoringStore.start(db, familyID: id, for: ctx.actor)
            let body = try ctx.body(ResidenceChangeRequest.self)
            let r = try add(db, familyID: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "family.residence", entityType: "family", entityID: id, summary: "status=\(r.status)")
            return try APIReply.json(r)
        }
    }

    /// Validates and records a change (API and console).
    ///
    /// - Throws: `404 not_found` outside the scope; `422 invalid_field` for an unknown status, a date
    ///   before the quota inclusion or the previous change or in the future, a note over 2000
    ///   characters; `409 invalid_transition` when the family already has that status.
    static func add(
        _ db: any DatabaseConnection, familyID: String, _ body: ResidenceChangeRequest, for actor: Principal,
        now: Int64
    ) throws -> FamilyResidence {
        let start = try MonitoringStore.start(db, familyID: familyID, for: actor)
        guard statuses.contains(body.status) else {
            throw ServerError.field(.invalidField, "/status", "in_region|left_region")
        }
        try Validation.optionalText(body.note, "/note", max: 2000)
        let current = try status(db, familyID: familyID, for: actor)
        guard current.status != body.status else {
            throw ServerError(.invalidTransition, "the family's residence status is already \(body.status)")
        }
        let earliest = try current.since.map { try LocalDate($0.description) } ?? start
        _ = try EvaluationHandlers.day(
            body.since, "/since", from: earliest, to: ConsoleReports.today(now),
            "not before \(earliest) (quota inclusion or the previous change) and not in the future")
        try EvaluationStore.addResidence(
            db, familyID: familyID,
            ResidenceChange(
                id: WireID.random(), status: body.status, since: body.since, note: body.note,
                recordedBy: WireID(actor.userID) ?? WireID.random(), recordedAt: Timestamp(millisecondsSince1970: now)))
        return try status(db, familyID: familyID, for: actor)
    }

    /// The current status and the history of a family in scope.
    static func status(_ db: any DatabaseConnection, familyID: String, for actor: Principal) throws -> FamilyResidence {
        _ = try MonitoringStore.start(db, familyID: familyID, for: actor)
        let history = try EvaluationStore.residence(db, familyID: familyID)
        return FamilyResidence(
            familyID: WireID(familyID) ?? WireID.random(), status: history.last?.status ?? "in_region",
            since: history.last?.since, history: history)
    }
}
