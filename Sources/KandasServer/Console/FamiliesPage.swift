import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// Families in scope and one family's plan: members, items, statuses, deadlines, evidence
/// completeness of each item's completions, and the family's monitoring schedule.
enum FamiliesPage {
    static func list(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let today = ConsoleReports.today(ctx.now).description
        let rows = try ctx.read { db in try ConsoleStore.familiesOverview(db, today: today, for: ctx.actor.scope) }
        let body = rows.map { r -> HTML in
            let late = r.publishedLate ? "<span class=\"flag\">\(ctx.t(.lateplans))</span>" as HTML : ""
            return """
                <tr><td><a href="/console/families/\(r.id)">\(r.settlement)</a></td>\
                <td>\(r.centre)</td><td>\(r.quotaInclusionDate)</td>\
                <td class="num">\(r.members)</td><td class="num">\(r.openItems)</td>\
                <td class="num">\(r.overdueItems)</td><td>\(late)</td></tr>
                """
        }
        let page: HTML = """
            <table id="families"><thead><tr><th>\(ctx.t(.settlement))</th><th>\(ctx.t(.centre))</th>\
            <th>\(ctx.t(.quotaDate))</th><th>\(ctx.t(.members))</th><th>\(ctx.t(.items))</th>\
            <th>\(ctx.t(.overdueItems))</th><th></th></tr></thead><tbody>\(body)</tbody></table>
            """
        return ctx.page(ctx.t(.families), page)
    }

    static func show(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let lang = ctx.lang
        let today = ConsoleReports.today(ctx.now)
        let (detail, plans, evidence) = try ctx.read { db in
            let detail = try FamilyStore.detail(db, id: id, for: ctx.actor)
            let plans = try ConsoleStore.planIDs(db, familyID: id).map {
                try PlanStore.detail(db, id: $0, for: ctx.actor)
            }
            let evidence = try ConsoleStore.evidenceByItem(db, familyID: id)
            return (detail, plans, evidence)
        }
        let names = Dictionary(
            detail.members.map { ($0.id, "\($0.lastName) \($0.firstName)") }, uniquingKeysWith: { a, _ in a })
        let members = detail.members.map { m -> HTML in
            """
            <tr><td>\(m.lastName) \(m.firstName) \(m.patronymic)</td><td><code>\(m.iin)</code></td>\
            <td>\(m.birthDate.description)</td><td>\(m.relation.rawValue)</td></tr>
            """
        }
        var planSections: [HTML] = []
        for plan in plans {
            let late: HTML =
                plan.plan.publicationLate ? "<span class=\"flag\">\(ctx.t(.lateplans))</span>" : ""
            // Counted across a year the calendar does not cover (calendar.md rule 7).
            let provisional: HTML =
                plan.plan.publicationDueProvisional
                ? " <span class=\"flag provisional\">\(ctx.t(.provisional))</span>" : ""
            let items = plan.items.map { item -> HTML in
                let service = (try? ServiceCatalog.service(code: item.serviceCode))?.name(in: lang) ?? "?"
                let (n, verified, declared) = evidence[item.id.description] ?? (0, 0, 0)
                let overdue = item.status == .open && item.dueDate.description < today.description
                let flag: HTML = overdue ? "<span class=\"flag\">\(ctx.t(.overdueItems))</span>" : ""
                return """
                    <tr><td class="num">\(item.serviceCode)</td><td>\(service)</td><td>\(names[item.memberID])</td>\
                    <td>\(item.dueDate.description) \(flag)</td><td>\(item.status.rawValue)</td>\
                    <td><a href="/console/completions?family_id=\(detail.family.id.description)&amp;service_code=\
                    \(item.serviceCode)">\(n)</a> · \(verified)/\(declared)</td></tr>
                    """
            }
            planSections.append(
                """
                <h2>\(ctx.t(.plan)) — \(plan.plan.status.rawValue) (v\(plan.plan.version))</h2>
                \(approval(ctx, plan.plan))
                <p class="muted">\(ctx.t(.publishDue)): \(ConsoleLayout.time(plan.plan.publicationDue?.millisecondsSince1970))\(provisional)\
                 · \(ctx.t(.published)): \(ConsoleLayout.time(plan.plan.publishedAt?.millisecondsSince1970)) \(late)</p>
                <table class="items"><thead><tr><th>#</th><th>\(ctx.t(.service))</th><th>\(ctx.t(.members))</th>\
                <th>\(ctx.t(.dueDate))</th><th>\(ctx.t(.status))</th><th>\(ctx.t(.evidence))</th></tr></thead>\
                <tbody>\(items)</tbody></table>
                """)
        }
        let monitoring = try ctx.read { db in
            try MonitoringHandlers.status(db, familyID: detail.family.id.description, for: ctx.actor, now: ctx.now)
        }
        let schedule = ConsoleReports.monitoringTable(ctx, monitoring)
        let f = detail.family
        let body: HTML = """
            <dl class="panel"><dt>\(ctx.t(.settlement))</dt><dd>\(f.settlement.name)</dd>\
            <dt>\(ctx.t(.quotaDate))</dt><dd>\(f.quotaInclusionDate.description)</dd>\
            <dt>\(ctx.t(.address))</dt><dd>\(f.address ?? "—")</dd></dl>
            <h2>\(ctx.t(.members))</h2>
            <table id="members"><thead><tr><th>\(ctx.t(.name))</th><th>\(ctx.t(.memberIIN))</th>\
            <th>\(ctx.t(.birthDate))</th><th>\(ctx.t(.relation))</th></tr></thead>\
            <tbody>\(members)</tbody></table>
            \(planSections)
            \(roadMapLink(ctx, family: f.id.description, plans: plans.map(\.plan)))
            \(try stays(ctx, family: f.id.description))
            \(try Rules2Console.familySections(ctx, family: detail))
            <h2>\(ctx.t(.monitoring))</h2>
            \(schedule)
            """
        return ctx.page(ctx.t(.family) + " — " + f.settlement.name, body)
    }

    /// The road map (Rules 2, para 38) in the three languages, once the family has a plan beyond draft.
    static func roadMapLink(_ ctx: ConsoleContext, family: String, plans: [Plan]) -> HTML {
        guard plans.contains(where: { $0.status != .draft }) else { return "" }
        let links = HTML.join(
            Language.allCases.map { l in
                "<a href=\"/console/families/\(family)/road-map?lang=\(l.rawValue)\">\(l.rawValue)</a> "
            })
        return """
            <h2 id="road-map">\(RoadMapPage.l(ctx, "Жол картасы (38-т.)", "Дорожная карта (п. 38)", "Road map (para 38)"))</h2>
            <p class="muted">\(RoadMapPage.l(ctx, "Ауылдық елді мекенге қоныс аударған отбасылар үшін, үш дана.", "Для семей, переселившихся в сельский населённый пункт, в трёх экземплярах.", "For families resettled in a rural settlement, in three copies."))</p>
            <p>\(links)</p>
            """
    }

    /// Who approved the plan (Rules 2, para 34), and for the receiving labour mobility centre's
    /// user, the approval form of an agreed plan.
    static func approval(_ ctx: ConsoleContext, _ plan: Plan) -> HTML {
        let approver: HTML =
            plan.approvedAt == nil
            ? ""
            : "<p class=\"muted\" id=\"approval\">\(StayConsole.l(ctx, "Еңбек мобильділігі орталығы бекітті", "Утверждён центром трудовой мобильности", "Approved by the labour mobility centre")): \(ConsoleLayout.time(plan.approvedAt?.millisecondsSince1970)) <code>\(plan.approvedBy?.description ?? "—")</code></p>"
        guard plan.status == .agreed, ctx.actor.role == .labourMobilityOfficer else { return approver }
        return """
            <form method="post" action="/console/plans/\(plan.id.description)/approve" id="approve-plan">\
            <input type="hidden" name="csrf" value="\(ctx.csrf)">\
            <button type="submit">\(StayConsole.l(ctx, "Жоспарды бекіту (34-т.)", "Утвердить план (п. 34)", "Approve the plan (para 34)"))</button></form>
            """
    }

    /// `POST /console/plans/{id}/approve`: the labour mobility centre approves an agreed plan now.
    static func approve(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let familyID = try ctx.write { db in
            let plan = try PlanStore.plan(db, id: id, for: ctx.actor)
            guard plan.status == .agreed else {
                throw ServerError(.invalidTransition, "\(plan.status.rawValue) cannot move to approved")
            }
            try PlanHandlers.checkMayMove(ctx.actor, to: .approved)
            try PlanDeadlines.checkStepTime(ctx.now, plan: plan, to: .approved, now: ctx.now)
            try PlanDeadlines.checkCaseOpen(db, familyID: plan.familyID.description, now: ctx.now)
            try PlanStore.transition(db, plan, to: .approved, at: ctx.now, now: ctx.now, by: ctx.actor.userID)
            try ctx.audit(db, "plan.approved", entityType: "plan", entityID: id)
            return plan.familyID.description
        }
        return ctx.redirect("/console/families/\(familyID)")
    }

    /// The family's Centre stays (Rules 1) with the link to each application (Protocol/stay-v1.md §9):
    /// the stay is capped at six months (Rules 1 para 15); the temporary registration at the Centre's
    /// address (Rules 2 para 31, up to one year) is a separate record that never extends it.
    static func stays(_ ctx: ConsoleContext, family: String) throws -> HTML {
        guard Set<UserRole>.stayReaders.contains(ctx.actor.role) else { return "" }
        let day = StayWork.day(ctx.now)
        let apps = try ctx.read { db in try StayStore.applications(db, familyID: family, for: ctx.actor, today: day) }
        guard !apps.isEmpty else { return "" }
        let rows = apps.map { a -> HTML in
            """
            <tr><td><a href="/console/stay/applications/\(a.id.description)">\(a.registrationNumber)</a></td>\
            <td>\(a.registeredOn.description)</td><td>\(a.status.rawValue)</td></tr>
            """
        }
        return """
            <h2>\(StayConsole.l(ctx, "Орталықта тұру (1-қағидалар)", "Проживание в Центре (Правила 1)", "Centre stay (Rules 1)"))</h2>
            <p class="muted">\(StayConsole.l(ctx, "Тұру — орналасқан күннен бастап алты айдан аспайды (15-т.); уақытша тіркеу — бір жылға дейін (2-қағидалар, 31-т.), тұруды ұзартпайды.", "Проживание — не более шести месяцев с заселения (п. 15); временная регистрация — до одного года (Правила 2, п. 31) и не продлевает проживание.", "The stay lasts at most six months from placement (para 15); the temporary registration at the Centre (Rules 2, para 31, up to one year) never extends it."))</p>
            <table id="stays"><thead><tr><th>№</th><th>\(StayConsole.l(ctx, "Тіркелді", "Зарегистрировано", "Registered"))</th><th>\(ctx.t(.status))</th></tr></thead>\
            <tbody>\(rows)</tbody></table>
            """
    }
}
