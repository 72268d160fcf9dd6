import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// Console pages of Rules 2, paras 46-51 (quality evaluations, residence status) and paras 6, 12,
/// Annex 2 (consent per adult member with the signed form, Annex 2 categories). Server-rendered,
/// no JavaScript; every write goes through the same validation as the API.
enum Rules2Console {
    static func l(_ ctx: ConsoleContext, _ kk: String, _ ru: String, _ en: String) -> String {
        LocalizedName(kk: kk, ru: ru, en: en)(ctx.lang)
    }

    static let routes: [ConsoleRoute] = [
        ConsoleRoute(.post, "/console/families/:id/residence", .staff(.writers), residence),
        ConsoleRoute(
            .post, "/console/members/:id/consents", .staff(.writers),
            bodyLimit: ConsentHandlers.maxFormBytes + (64 << 10),
            recordConsent),
        ConsoleRoute(.post, "/console/members/:id/category", .staff(.writers), category),
        ConsoleRoute(.post, "/console/consents/:id/withdraw", .staff(.writers), withdraw),
        ConsoleRoute(.get, "/console/consents/:id/form", .staff(.readers), form),
        ConsoleRoute(.get, "/console/career-centres/:id/evaluations", .staff(.readers), evaluations),
        ConsoleRoute(.post, "/console/career-centres/:id/evaluations", .staff(.evaluators), recordEvaluation),
        ConsoleRoute(.post, "/console/evaluations/:id/conclusion", .staff(.evaluators), conclusion),
        ConsoleRoute(.post, "/console/evaluations/:id/follow-up", .staff(.writers), followUp),
    ]

    static func text(_ ctx: ConsoleContext, _ name: String) -> String? {
        let t = (ctx.form[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    static func date(_ ctx: ConsoleContext, _ name: String) throws -> CalendarDate {
        guard let d = CalendarDate(ctx.form[name] ?? "") else {
            throw ServerError.field(.invalidField, "/" + name, "YYYY-MM-DD")
        }
        return d
    }

    // MARK: Family page sections

    /// The residence status (para 46) and the consents (para 12, Annex 2) on the family page.
    static func familySections(_ ctx: ConsoleContext, family: FamilyDetail) throws -> HTML {
        let id = family.family.id.description
        let (residence, consents) = try ctx.read { db in
            (
                try ResidenceHandlers.status(db, familyID: id, for: ctx.actor),
                try ConsentHandlers.status(db, familyID: id, for: ctx.actor, now: ctx.now)
            )
        }
        return "\(residenceSection(ctx, residence))\(consentSection(ctx, family, consents))"
    }

    static func residenceSection(_ ctx: ConsoleContext, _ r: FamilyResidence) -> HTML {
        let left = r.status == "left_region"
        let state: HTML =
            left
            ? "<span class=\"flag\" id=\"residence-left\">\(l(ctx, "қоныстану өңірінен шықты", "выбыла из региона переселения", "left the resettlement region"))</span>"
            : "<span id=\"residence-in\">\(l(ctx, "қоныстану өңірінде", "в регионе переселения", "in the resettlement region"))</span>"
        let rows = r.history.map { c -> HTML in
            "<tr><td>\(c.since.description)</td><td>\(c.status)</td><td>\(c.note)</td></tr>"
        }
        var form: HTML = ""
        if ctx.actor.isWriter {
            let next = left ? "in_region" : "left_region"
            form = """
                <form method="post" action="/console/families/\(r.familyID.description)/residence" id="residence-form">
                <input type="hidden" name="csrf" value="\(ctx.csrf)"><input type="hidden" name="status" value="\(next)">
                <label>\(ctx.t(.from)) <input name="since" type="date" required></label>
                <label>\(ctx.t(.comment)) <input name="note" maxlength="2000"></label>
                <button type="submit">\(next)</button></form>
                """
        }
        let since: HTML = r.since.map { " · \($0.description)" } ?? ""
        return """
            <h2 id="residence">\(l(ctx, "Тұрғылықты жері", "Проживание", "Residence")) \
            <span class="muted">(Rules 2, para 46, 48(3))</span></h2>
            <p>\(state)\(since)</p>
            <table id="residence-table"><tbody>\(rows)</tbody></table>\(form)
            """
    }

    static func consentSection(_ ctx: ConsoleContext, _ family: FamilyDetail, _ c: FamilyConsents) -> HTML {
        let names = Dictionary(
            family.members.map { ($0.id, "\($0.lastName) \($0.firstName)") }, uniquingKeysWith: { a, _ in a })
        let rows = c.members.map { m -> HTML in
            let consent: HTML
            if let k = m.consent {
                consent = """
                    \(k.givenOn.description) · <a href="/console/consents/\(k.id.description)/form">\(k.formName ?? "form")</a> \
                    <span class="muted">\(String(k.formSHA256.prefix(12)))</span>
                    """
            } else if m.missing {
                consent = "<span class=\"flag\">\(l(ctx, "келісім жоқ", "нет согласия", "no consent"))</span>"
            } else {
                consent = "<span class=\"muted\">\(l(ctx, "кәмелетке толмаған", "несовершеннолетний", "minor"))</span>"
            }
            let category = m.category.flatMap(Annex2Category.init(rawValue:))?.names(ctx.lang) ?? "—"
            var forms: HTML = ""
            if ctx.actor.isWriter {
                let options = Annex2Category.allCases.map { a -> HTML in
                    a.rawValue == m.category
                        ? "<option value=\"\(a.rawValue)\" selected>\(a.names(ctx.lang))</option>"
                        : "<option value=\"\(a.rawValue)\">\(a.names(ctx.lang))</option>"
                }
                let citizen: HTML = m.rkCitizen == true ? " checked" : ""
                forms = """
                    <form method="post" action="/console/members/\(m.memberID.description)/category" class="inline">\
                    <input type="hidden" name="csrf" value="\(ctx.csrf)"><select name="category">\(options)</select>\
                    <label><input type="checkbox" name="rk_citizen" value="true"\(citizen)> RK</label>\
                    <button type="submit">\(ctx.t(.submit))</button></form>
                    """
                if let k = m.consent {
                    forms = """
                        \(forms)<form method="post" action="/console/consents/\(k.id.description)/withdraw" class="inline">\
                        <input type="hidden" name="csrf" value="\(ctx.csrf)">\
                        <input name="withdrawn_on" type="date" required><input name="reason" maxlength="500">\
                        <button type="submit">\(l(ctx, "кері қайтарып алу", "отозвать", "withdraw"))</button></form>
                        """
                } else if m.adult {
                    forms = """
                        \(forms)<form method="post" action="/console/members/\(m.memberID.description)/consents" \
                        enctype="multipart/form-data" class="inline consent-form">\
                        <input type="hidden" name="csrf" value="\(ctx.csrf)">\
                        <input name="given_on" type="date" required>\
                        <input name="form" type="file" accept="application/pdf,image/jpeg,image/png" required>\
                        <button type="submit">\(l(ctx, "келісімді тіркеу", "зарегистрировать согласие", "record consent"))</button></form>
                        """
                }
            }
            return """
                <tr><td>\(names[m.memberID])</td><td>\(m.adult ? ctx.t(.yes) : ctx.t(.no))</td><td>\(category)</td>\
                <td>\(consent)</td><td>\(forms)</td></tr>
                """
        }
        let state: HTML =
            c.complete
            ? "<p id=\"consent-complete\">\(l(ctx, "Барлық кәмелетке толғандардың келісімі бар", "Согласия всех совершеннолетних получены", "Every adult has consented"))</p>"
            : "<p class=\"flag\" id=\"consent-missing\">\(l(ctx, "Келісім жетіспейді: жоспарды жариялауға болмайды", "Не хватает согласий: план нельзя опубликовать", "Consent missing: no plan can be published"))</p>"
        return """
            <h2 id="consents">\(l(ctx, "Дербес деректерге келісім", "Согласие на обработку персональных данных", "Personal-data consent")) \
            <span class="muted">(Rules 2, para 12, Annex 2)</span></h2>
            \(state)
            <table id="consent-table"><thead><tr><th>\(ctx.t(.name))</th><th>18+</th>\
            <th>\(l(ctx, "2-қосымша санаты", "Категория (прил. 2)", "Annex 2 category"))</th>\
            <th>\(l(ctx, "Келісім", "Согласие", "Consent"))</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    // MARK: Family page forms

    static func residence(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let body = ResidenceChangeRequest(
            status: ctx.form["status"] ?? "", since: try date(ctx, "since"), note: text(ctx, "note"))
        try ctx.write { db in
            _ = try ResidenceHandlers.add(db, familyID: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "family.residence", entityType: "family", entityID: id)
        }
        return ctx.redirect("/console/families/\(id)#residence")
    }

    static func recordConsent(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        guard let file = ctx.files["form"] else {
            throw ServerError.field(.invalidField, "/form", "the signed form is needed (a PDF, JPEG or PNG file)")
        }
        let given = try date(ctx, "given_on")
        let familyID = try ctx.write { db in
            let c = try ConsentHandlers.add(
                db, memberID: id, givenOn: given, contentType: file.contentType, fileName: file.fileName,
                bytes: file.bytes, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "consent.record", entityType: "member", entityID: id)
            return c.familyID.description
        }
        return ctx.redirect("/console/families/\(familyID)#consents")
    }

    static func category(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let body = MemberCategoryRequest(
            category: ctx.form["category"] ?? "", rkCitizen: ctx.form["rk_citizen"] == "true")
        let familyID = try ctx.write { db in
            let member = try ConsentStore.member(db, id: id, for: ctx.actor)
            try ConsentHandlers.setCategory(db, member, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "member.category", entityType: "member", entityID: id)
            return member.familyID
        }
        return ctx.redirect("/console/families/\(familyID)#consents")
    }

    static func withdraw(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let body = ConsentWithdrawRequest(withdrawnOn: try date(ctx, "withdrawn_on"), reason: text(ctx, "reason"))
        let c = try ctx.write { db in
            let c = try ConsentHandlers.withdraw(db, consentID: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "consent.withdraw", entityType: "member", entityID: c.memberID.description)
            return c
        }
        return ctx.redirect("/console/families/\(c.familyID.description)#consents")
    }

    static func form(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let f = try ctx.read { db in try ConsentStore.form(db, consentID: id, for: ctx.actor) }
        return ConsentHandlers.formResponse(f.bytes, contentType: f.contentType, consentID: id)
    }

    // MARK: Quality evaluations

    /// The centres in scope with their latest evaluated quarter (on the quality sheet).
    static func centreList(_ ctx: ConsoleContext) throws -> HTML {
        let centres = try ctx.read { db in try EvaluationStore.centres(db, for: ctx.actor) }
        let rows = centres.map { c -> HTML in
            """
            <tr><td><a href="/console/career-centres/\(c.id)/evaluations">\(c.name)</a></td><td>\(c.latest ?? "—")</td></tr>
            """
        }
        return """
            <h2 id="evaluations">\(l(ctx, "Тоқсандық бағалаулар", "Квартальные оценки", "Quarterly evaluations")) \
            <span class="muted">(Rules 2, paras 47-51)</span></h2>
            <table id="centre-evaluations"><thead><tr><th>\(ctx.t(.centre))</th><th>\(l(ctx, "Соңғы тоқсан", "Последний квартал", "Latest quarter"))</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
    }

    static func evaluations(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let h = try ctx.read { db in try EvaluationHandlers.history(db, centreID: id, for: ctx.actor, now: ctx.now) }
        let rows = h.evaluations.map { e -> HTML in
            let late: HTML = e.late ? " <span class=\"flag\">late</span>" : ""
            var conclusion: HTML = ""
            if let on = e.concludedOn {
                let cl: HTML = e.conclusionLate == true ? " <span class=\"flag\">late</span>" : ""
                conclusion = "\(on.description)\(cl) → \(e.conclusionRecipient): \(e.conclusion)"
            } else if Set<UserRole>.evaluators.contains(ctx.actor.role) {
                conclusion = """
                    <form method="post" action="/console/evaluations/\(e.id.description)/conclusion" class="conclusion-form">\
                    <input type="hidden" name="csrf" value="\(ctx.csrf)"><input name="concluded_on" type="date" required>\
                    <input name="recipient" maxlength="300" required placeholder="recipient">\
                    <textarea name="conclusion" rows="2" cols="30" maxlength="4000" required></textarea>\
                    <button type="submit">\(ctx.t(.submit))</button></form>
                    """
            }
            var follow: HTML = ""
            if let on = e.consideredOn {
                let fl: HTML = e.followUpLate == true ? " <span class=\"flag\">late</span>" : ""
                follow = "\(on.description)\(fl): \(e.measures)"
            } else if e.concludedOn != nil && ctx.actor.isWriter {
                follow = """
                    <form method="post" action="/console/evaluations/\(e.id.description)/follow-up" class="follow-up-form">\
                    <input type="hidden" name="csrf" value="\(ctx.csrf)"><input name="considered_on" type="date" required>\
                    <textarea name="measures" rows="2" cols="30" maxlength="4000" required></textarea>\
                    <button type="submit">\(ctx.t(.submit))</button></form> <span class="muted">≤ \(e.followUpDue?.description)</span>
                    """
            }
            let band = QualityBand(rawValue: e.band)?.names(ctx.lang) ?? e.band
            return """
                <tr><td>\(e.year)-Q\(e.quarter)</td><td class="num">\(e.relevance)</td><td class="num">\(e.effectiveness)</td>\
                <td class="num">\(e.socialImpact)</td><td class="num">\(e.total)</td><td>\(band)</td>\
                <td>\(e.evaluator) · \(e.evaluatedOn.description)\(late)</td><td class="num">\(e.departures)</td>\
                <td>\(conclusion)</td><td>\(follow)</td></tr>
                """
        }
        let overdue = h.overdue.map { o -> HTML in
            "<li>\(o.year)-Q\(o.quarter): \(o.step) ≤ \(o.due.description)</li>"
        }
        let overdueList: HTML =
            overdue.isEmpty
            ? "" : "<h3 id=\"evaluations-overdue\">\(ctx.t(.overdueItems))</h3><ul>\(overdue)</ul>"
        var form: HTML = ""
        if Set<UserRole>.evaluators.contains(ctx.actor.role) {
            let scores = QualityCriterion.allCases.map { c -> HTML in
                let options = QualityEvaluation.scoreRange.map { n -> HTML in "<option>\(n)</option>" }
                return
                    "<label>\(c.names(ctx.lang)) <select name=\"\(ConsoleReports.field(c))\">\(options)</select></label>"
            }
            let last = EvaluationQuarter(containing: ConsoleReports.today(ctx.now)).previous
            form = """
                <h3>\(l(ctx, "Бағалауды тіркеу", "Зарегистрировать оценку", "Record an evaluation"))</h3>
                <form method="post" action="/console/career-centres/\(id)/evaluations" id="evaluation-form">
                <input type="hidden" name="csrf" value="\(ctx.csrf)">
                <label>\(ctx.t(.year)) <input name="year" type="number" value="\(last.year)" required></label>
                <label>Q <input name="quarter" type="number" min="1" max="4" value="\(last.quarter)" required></label>
                \(scores)
                <label>\(l(ctx, "Бағалаушы", "Оценщик", "Evaluator")) <input name="evaluator" maxlength="200" required></label>
                <label>\(ctx.t(.performedAt)) <input name="evaluated_on" type="date" required></label>
                <label>\(ctx.t(.comment)) <input name="note" maxlength="2000"></label>
                <button type="submit">\(ctx.t(.submit))</button></form>
                """
        }
        let body: HTML = """
            <p class="muted">Rules 2, para 47: \(l(ctx, "тоқсаннан кейінгі айдың 5-іне дейін", "до 5-го числа месяца после квартала", "by the 5th of the month after the quarter")); \
            para 50: 25; para 51: 1 \(l(ctx, "ай", "месяц", "month")). \(ctx.t(.sourceInconsistency))</p>
            \(overdueList)
            <table id="evaluations-table"><thead><tr><th>Q</th><th>1</th><th>2</th><th>3</th><th>\(ctx.t(.total))</th>\
            <th>\(ctx.t(.band))</th><th>\(l(ctx, "Бағалаушы", "Оценщик", "Evaluator"))</th>\
            <th>\(l(ctx, "Өңірден шыққандар", "Выбывшие из региона", "Left the region"))</th>\
            <th>\(l(ctx, "Қорытынды (50-т.)", "Заключение (п. 50)", "Conclusion (para 50)"))</th>\
            <th>\(l(ctx, "Қаралды (51-т.)", "Рассмотрено (п. 51)", "Follow-up (para 51)"))</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            \(form)
            """
        return ctx.page(ctx.t(.quality), body)
    }

    static func score(_ ctx: ConsoleContext, _ c: QualityCriterion) -> Int {
        Int(ctx.form[ConsoleReports.field(c)] ?? "") ?? 0
    }

    static func recordEvaluation(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let body = EvaluationRequest(
            year: Int(ctx.form["year"] ?? "") ?? 0, quarter: Int(ctx.form["quarter"] ?? "") ?? 0,
            relevance: score(ctx, .relevance), effectiveness: score(ctx, .effectiveness),
            socialImpact: score(ctx, .socialImpact), evaluator: ctx.form["evaluator"] ?? "",
            evaluatedOn: try date(ctx, "evaluated_on"), note: text(ctx, "note"))
        try ctx.write { db in
            let e = try EvaluationHandlers.add(db, centreID: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "evaluation.record", entityType: "evaluation", entityID: e.id.description)
        }
        return ctx.redirect("/console/career-centres/\(id)/evaluations")
    }

    static func conclusion(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let body = EvaluationConclusionRequest(
            concludedOn: try date(ctx, "concluded_on"), recipient: ctx.form["recipient"] ?? "",
            conclusion: ctx.form["conclusion"] ?? "")
        let e = try ctx.write { db in
            let e = try EvaluationHandlers.conclude(db, id: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "evaluation.conclude", entityType: "evaluation", entityID: id)
            return e
        }
        return ctx.redirect("/console/career-centres/\(e.careerCentreID.description)/evaluations")
    }

    static func followUp(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let body = EvaluationFollowUpRequest(
            consideredOn: try date(ctx, "considered_on"), measures: ctx.form["measures"] ?? "")
        let e = try ctx.write { db in
            let e = try EvaluationHandlers.followUp(db, id: id, body, for: ctx.actor, now: ctx.now)
            try ctx.audit(db, "evaluation.follow_up", entityType: "evaluation", entityID: id)
            return e
        }
        return ctx.redirect("/console/career-centres/\(e.careerCentreID.description)/evaluations")
    }
}
