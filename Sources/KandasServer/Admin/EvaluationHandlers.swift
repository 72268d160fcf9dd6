import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// Quality evaluations on record (Rules 2, paras 47-51; sync-v1 §4.6.2): one per career centre and
/// quarter, then the conclusion to the central body, then the centre's follow-up, in that order.
enum EvaluationHandlers {
    /// `GET /v1/admin/career-centres/{id}/evaluations`.
    static func history(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        _ = try ctx.filters([])
        return try ctx.json(try ctx.read { db in try history(db, centreID: id, for: ctx.actor, now: ctx.now) })
    }

    /// `POST /v1/admin/career-centres/{id}/evaluations`.
    static func record(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            // Scope before the body: another region's centre is not found, whatever was sent.
            _ = try EvaluationStore.centre(db, id: id, for: ctx.actor)
            let body = try ctx.body(EvaluationRequest.self)
            let e = try add(db, centreID: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(
                db, "evaluation.record", entityType: "evaluation", entityID: e.id.description,
                summary: "\(e.year)-Q\(e.quarter) total=\(e.total)")
            return try APIReply.json(e, status: 201)
        }
    }

    /// `POST /v1/admin/evaluations/{id}/conclusion`.
    static func conclusion(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            _ = try EvaluationStore.evaluation(db, id: id, for: ctx.actor)
            let body = try ctx.body(EvaluationConclusionRequest.self)
            let e = try conclude(db, id: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "evaluation.conclude", entityType: "evaluation", entityID: id)
            return try APIReply.json(e)
        }
    }

    /// `POST /v1/admin/evaluations/{id}/follow-up`.
    static func followUp(_ ctx: RequestContext) throws -> HTTPResponse {
        let id = try ctx.id("id")
        return try ctx.write { db in
            _ = try EvaluationStore.evaluation(db, id: id, for: ctx.actor)
            let body = try ctx.body(EvaluationFollowUpRequest.self)
            let e = try followUp(db, id: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "evaluation.follow_up", entityType: "evaluation", entityID: id)
            return try APIReply.json(e)
        }
    }

    /// A date of the body that must lie in `range` (Kazakhstan days).
    static func day(
        _ d: CalendarDate, _ pointer: String, from: LocalDate, to: LocalDate, _ what: String
    ) throws
        -> LocalDate
    {
        guard let day = try? LocalDate(d.description), day >= from, day <= to else {
            throw ServerError.field(.invalidField, pointer, what)
        }
        return day
    }

    /// Validates and stores an evaluation (API and console).
    ///
    /// - Throws: `404 not_found` outside the scope; `422 invalid_field` for a quarter outside 1-4, a
    ///   score outside 1-5, an empty or long evaluator, an evaluation date before the quarter's end
    ///   or in the future; `409 conflict` when the quarter is already evaluated.
    static func add(
        _ db: any DatabaseConnection, centreID: String, _ body: EvaluationRequest, for actor: Principal, now: Int64
    ) throws -> EvaluationRecord {
        let centre = try EvaluationStore.centre(db, id: centreID, for: actor)
        guard let quarter = EvaluationQuarter(year: body.year, quarter: body.quarter) else {
            throw ServerError.field(.invalidField, "/quarter", "quarters are 1-4 of a year 2000-2200")
        }
        let scores: QualityEvaluation
        do {
            scores = try QualityEvaluation(
                relevance: body.relevance, effectiveness: body.effectiveness, socialImpact: body.socialImpact)
        } catch {
            let pointer: String
            switch error {
            case .scoreOutOfRange(.relevance, _): pointer = "/relevance"
            case .scoreOutOfRange(.effectiveness, _): pointer = "/effectiveness"
            default: pointer = "/social_impact"
            }
            throw ServerError.field(.invalidField, pointer, "each criterion is scored 1-5 (Rules 2 para 49)")
        }
        try Validation.text(body.evaluator, "/evaluator", max: 200)
        try Validation.optionalText(body.note, "/note", max: 2000)
        let today = ConsoleReports.today(now)
        let evaluated = try day(
            body.evaluatedOn, "/evaluated_on", from: quarter.nextStart, to: today,
            "after the quarter's end (\(quarter.nextStart)) and not in the future")
        guard !(try EvaluationStore.exists(db, centreID: centreID, year: body.year, quarter: body.quarter)) else {
            throw ServerError(.conflict, "\(quarter) is already evaluated for this career centre")
        }
        let record = EvaluationRecord(
            id: WireID.random(), regionID: WireID(centre.regionID) ?? WireID.random(),
            careerCentreID: WireID(centreID) ?? WireID.random(), year: body.year, quarter: body.quarter,
            relevance: scores.relevance, effectiveness: scores.effectiveness, socialImpact: scores.socialImpact,
            total: scores.total, band: scores.band.rawValue, evaluator: body.evaluator, evaluatedOn: body.evaluatedOn,
            due: try MonitoringHandlers.date(quarter.evaluationDue), late: evaluated > quarter.evaluationDue,
            departures: try EvaluationStore.departures(
                db, centreID: centreID, from: quarter.start, to: quarter.nextStart),
            note: body.note, recordedBy: WireID(actor.userID) ?? WireID.random(),
            recordedAt: Timestamp(millisecondsSince1970: now), stage: "evaluated",
            conclusionDue: try MonitoringHandlers.date(quarter.conclusionDue))
        try EvaluationStore.insert(db, record)
        return record
    }

    /// Records the conclusion of an evaluation found in scope (para 50).
    ///
    /// - Throws: `409 invalid_transition` when it is already concluded; `422 invalid_field` for a
    ///   date before the evaluation or in the future, an empty or long recipient or conclusion.
    static func conclude(
        _ db: any DatabaseConnection, id: String, _ body: EvaluationConclusionRequest, for actor: Principal,
        now: Int64
    ) throws -> EvaluationRecord {
        let e = try EvaluationStore.evaluation(db, id: id, for: actor)
        guard e.concludedOn == nil else {
            throw ServerError(.invalidTransition, "the conclusion of this evaluation is already recorded")
        }
        try Validation.text(body.recipient, "/recipient", max: 300)
        try Validation.text(body.conclusion, "/conclusion", max: 4000)
        let evaluated = try LocalDate(e.evaluatedOn.description)
        let on = try day(
            body.concludedOn, "/concluded_on", from: evaluated, to: ConsoleReports.today(now),
            "not before the evaluation (\(evaluated)) and not in the future")
        let due = try LocalDate(e.conclusionDue.description)
        try EvaluationStore.conclude(
            db, id: id, on: on, recipient: body.recipient, conclusion: body.conclusion, late: on > due,
            followUpDue: EvaluationQuarter.followUpDue(concludedOn: on), by: actor.userID, now: now)
        return try EvaluationStore.evaluation(db, id: id, for: actor)
    }

    /// Records the centre's follow-up of a concluded evaluation (para 51).
    ///
    /// - Throws: `409 invalid_transition` before the conclusion or when already recorded;
    ///   `422 invalid_field` for a date before the conclusion or in the future, empty or long measures.
    static func followUp(
        _ db: any DatabaseConnection, id: String, _ body: EvaluationFollowUpRequest, for actor: Principal, now: Int64
    ) throws -> EvaluationRecord {
        let e = try EvaluationStore.evaluation(db, id: id, for: actor)
        guard let concluded = e.concludedOn, let dueText = e.followUpDue else {
            throw ServerError(.invalidTransition, "the conclusion must be recorded before its follow-up")
        }
        guard e.consideredOn == nil else {
            throw ServerError(.invalidTransition, "the follow-up of this evaluation is already recorded")
        }
        try Validation.text(body.measures, "/measures", max: 4000)
        let from = try LocalDate(concluded.description)
        let on = try day(
            body.consideredOn, "/considered_on", from: from, to: ConsoleReports.today(now),
            "not before the conclusion (\(from)) and not in the future")
        try EvaluationStore.followUp(
            db, id: id, on: on, measures: body.measures, late: on > (try LocalDate(dueText.description)),
            by: actor.userID, now: now)
        return try EvaluationStore.evaluation(db, id: id, for: actor)
    }

    /// The centre's history with what is overdue today: quarters since the centre's creation
    /// without an evaluation past the 5th, conclusions past the 25th, follow-ups past their month.
    static func history(
        _ db: any DatabaseConnection, centreID: String, for actor: Principal, now: Int64
    ) throws -> EvaluationHistory {
        let centre = try EvaluationStore.centre(db, id: centreID, for: actor)
        let list = try EvaluationStore.history(db, centreID: centreID)
        let today = ConsoleReports.today(now)
        var overdue: [EvaluationOverdue] = []
        let evaluated = Set(list.map { "\($0.year)-\($0.quarter)" })
        let first = EvaluationQuarter(containing: ConsoleReports.today(centre.createdAt))
        var q = EvaluationQuarter(containing: today).previous
        // Newest first, back to the quarter the centre was created in (at most 40 quarters shown).
        while q >= first && overdue.count < 40 {
            if !evaluated.contains("\(q.year)-\(q.quarter)") && q.evaluationDue < today {
                overdue.append(
                    EvaluationOverdue(
                        year: q.year, quarter: q.quarter, step: "evaluation",
                        due: try MonitoringHandlers.date(q.evaluationDue)))
            }
            q = q.previous
        }
        for e in list {
            if e.concludedOn == nil, let due = try? LocalDate(e.conclusionDue.description), due < today {
                overdue.append(
                    EvaluationOverdue(year: e.year, quarter: e.quarter, step: "conclusion", due: e.conclusionDue))
            }
            if e.concludedOn != nil, e.consideredOn == nil, let dueText = e.followUpDue,
                let due = try? LocalDate(dueText.description), due < today
            {
                overdue.append(EvaluationOverdue(year: e.year, quarter: e.quarter, step: "follow_up", due: dueText))
            }
        }
        return EvaluationHistory(
            careerCentreID: WireID(centreID) ?? WireID.random(), evaluations: list, overdue: overdue)
    }
}
