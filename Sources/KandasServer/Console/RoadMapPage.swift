import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// The rural road map (Rules 2, para 38; services.md §4.3): the family's plan as a printable
/// document in three copies, for the district akim, the rural-district akim and the career centre.
///
/// PDF-ready HTML: each copy is an A4 page of its own (the console stylesheet's `@page` and
/// `.road-map` rules; the CSP admits no inline style); the browser's print dialog saves the PDF.
/// No IIN is printed: the copies travel to three offices.
enum RoadMapPage {
    static func l(_ ctx: ConsoleContext, _ kk: String, _ ru: String, _ en: String) -> String {
        CardForwardsPage.l(ctx, kk, ru, en)
    }

    /// The three recipients of para 38, in its order.
    static func recipients(_ ctx: ConsoleContext) -> [String] {
        [
            l(ctx, "Аудан әкіміне", "Акиму района", "To the akim of the district"),
            l(ctx, "Ауылдық округ әкіміне", "Акиму сельского округа", "To the akim of the rural district"),
            l(ctx, "Мансап орталығына", "Центру карьеры", "To the career centre"),
        ]
    }

    static func show(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let lang = ctx.lang
        let (detail, plans, centre) = try ctx.read { db in
            let detail = try FamilyStore.detail(db, id: id, for: ctx.actor)
            let plans = try ConsoleStore.planIDs(db, familyID: id).map {
                try PlanStore.detail(db, id: $0, for: ctx.actor)
            }
            let centre = try OrganisationStore.centreName(db, id: detail.family.careerCentreID.description)
            return (detail, plans, centre)
        }
        guard let plan = plans.first(where: { $0.plan.status != .draft }) else {
            throw ServerError(.notFound, "the family has no plan beyond draft: no road map yet (para 38)")
        }
        let f = detail.family
        let names = Dictionary(
            detail.members.map { ($0.id, "\($0.lastName) \($0.firstName)") }, uniquingKeysWith: { a, _ in a })
        let members = detail.members.map { m -> HTML in
            "<tr><td>\(m.lastName) \(m.firstName) \(m.patronymic)</td><td>\(m.relation.rawValue)</td><td>\(m.birthDate.description)</td></tr>"
        }
        let items = plan.items.enumerated().map { n, item -> HTML in
            let service = (try? ServiceCatalog.service(code: item.serviceCode))?.name(in: lang) ?? "?"
            return """
                <tr><td class="num">\(n + 1)</td><td>\(service)</td><td>\(names[item.memberID])</td>\
                <td>\(item.dueDate.description)</td><td>\(item.status.rawValue)</td></tr>
                """
        }
        let title = l(
            ctx,
            "Қандастарға және олардың отбасы мүшелеріне бейімдеу және ықпалдастыру қызметтерін көрсету жөніндегі ЖОЛ КАРТАСЫ",
            "ДОРОЖНАЯ КАРТА по оказанию услуг по адаптации и интеграции кандасам и членам их семей",
            "ROAD MAP of adaptation and integration services for kandas and their family members")
        let printed = ConsoleLayout.time(ctx.now)
        let copies = recipients(ctx).enumerated().map { n, recipient -> HTML in
            """
            <section class="form-print road-map" id="copy-\(n + 1)">\
            <p class="muted">\(l(ctx, "2-қағидалар, 38-тармақ", "Правила 2, пункт 38", "Rules 2, para 38")) · \
            \(l(ctx, "Дана", "Экземпляр", "Copy")) \(n + 1) / 3 · <strong class="recipient">\(recipient)</strong></p>
            <h2 class="form-title">\(title)</h2>
            <dl class="panel"><dt>\(ctx.t(.settlement))</dt><dd>\(f.settlement.name)</dd>\
            <dt>\(ctx.t(.address))</dt><dd>\(f.address ?? "—")</dd>\
            <dt>\(ctx.t(.centre))</dt><dd>\(centre ?? "—")</dd>\
            <dt>\(ctx.t(.quotaDate))</dt><dd>\(f.quotaInclusionDate.description)</dd>\
            <dt>\(ctx.t(.plan))</dt><dd>\(plan.plan.status.rawValue) (v\(plan.plan.version)) · \(printed)</dd></dl>
            <table class="members"><thead><tr><th>\(ctx.t(.name))</th><th>\(ctx.t(.relation))</th>\
            <th>\(ctx.t(.birthDate))</th></tr></thead><tbody>\(members)</tbody></table>
            <table class="road-map-items"><thead><tr><th>№</th><th>\(ctx.t(.service))</th><th>\(ctx.t(.members))</th>\
            <th>\(ctx.t(.dueDate))</th><th>\(ctx.t(.status))</th></tr></thead><tbody>\(items)</tbody></table>
            <p>\(l(ctx, "Бекіттім", "Утверждаю", "Approved")): <span class="line">____________________</span> \
            \(l(ctx, "(лауазымы, аты-жөні, қолы)", "(должность, Ф.И.О., подпись)", "(position, name, signature)"))</p>
            <p>\(l(ctx, "Алдым", "Получил", "Received")): <span class="line">____________________</span> \
            \(l(ctx, "(аты-жөні, қолы, күні)", "(Ф.И.О., подпись, дата)", "(name, signature, date)"))</p>
            </section>
            """
        }
        let body: HTML = """
            <p class="noprint muted">\(l(ctx, "Ауылдық елді мекенге қоныс аударған отбасылар үшін. Басып шығару → PDF.", "Для семей, переселившихся в сельский населённый пункт. Печать → PDF.", "For families resettled in a rural settlement. Print → Save as PDF."))</p>
            \(copies)
            """
        return ctx.page(l(ctx, "Жол картасы", "Дорожная карта", "Road map") + " — " + f.settlement.name, body)
    }
}
