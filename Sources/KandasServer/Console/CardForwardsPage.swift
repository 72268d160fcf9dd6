import HTTPServer
import KandasProtocol
import KandasStore

/// The digital-card forwarding queue (Rules 2, para 37; services.md §7): counters per state, the
/// newest deliveries with their failures, and a retry button on dead ones for administrators.
enum CardForwardsPage {
    static func l(_ ctx: ConsoleContext, _ kk: String, _ ru: String, _ en: String) -> String {
        switch ctx.lang {
        case .kk: kk
        case .ru: ru
        case .en: en
        }
    }

    static func list(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let state = ctx.query("state").flatMap(CardForwardState.init(rawValue:))
        let (counts, page) = try ctx.read { db in
            (
                try CardForwardStore.counts(db, for: ctx.actor.scope),
                try CardForwardStore.list(
                    db, state: state, for: ctx.actor.scope, paging: try Pagination(["limit": "200"]))
            )
        }
        let mayRetry = Set<UserRole>.centreManagers.contains(ctx.actor.role)
        let cards = HTML.join(
            CardForwardState.allCases.map { s -> HTML in
                let n = counts[s] ?? 0
                let cls = (s == .dead && n > 0) ? "card alert" : "card"
                return
                    "<a class=\"\(cls)\" href=\"/console/card-forwards?state=\(s.rawValue)\"><span class=\"n\">\(n)</span>\(s.rawValue)</a>"
            })
        let rows = page.items.map { f -> HTML in
            let retry: HTML =
                mayRetry && f.state == .dead
                ? """
                <form method="post" action="/console/card-forwards/\(f.id.description)/retry">\
                <input type="hidden" name="csrf" value="\(ctx.csrf)">\
                <button type="submit">\(l(ctx, "Қайта жіберу", "Отправить снова", "Retry"))</button></form>
                """ : ""
            let flag: HTML = f.state == .dead ? "<span class=\"flag\">dead</span>" : "\(f.state.rawValue)"
            return """
                <tr><td><code>\(f.id.description)</code></td>\
                <td><a href="/console/completions/\(f.completionID.description)">\(String(f.completionID.description.prefix(8)))</a></td>\
                <td>\(flag)</td><td class="num">\(f.attempts)</td><td>\(f.lastError ?? "")</td>\
                <td>\(ConsoleLayout.time(f.nextAttemptAt?.millisecondsSince1970))</td>\
                <td>\(ConsoleLayout.time(f.deliveredAt?.millisecondsSince1970))</td><td>\(retry)</td></tr>
                """
        }
        let configured: HTML =
            ctx.app.config.digitalCard == nil
            ? "<p class=\"flag\">\(l(ctx, "Қабылдаушы бапталмаған: жазбалар кезекте күтеді.", "Получатель не настроен: записи ждут в очереди.", "No receiver is configured: records wait in the queue."))</p>"
            : ""
        let body: HTML = """
            <p class="muted">\(l(ctx, "Орындалған, расталған және тексерілген қызметтер отбасының цифрлық картасына жіберіледі (2-қағидалар, 37-т.).", "Выполненные, подтверждённые и проверенные мероприятия передаются в цифровую карту семьи (Правила 2, п. 37).", "Complete, approved completions are forwarded to the family's digital card (Rules 2, para 37)."))</p>
            \(configured)
            <div class="cards" id="card-counters">\(cards)</div>
            <table id="card-forwards"><thead><tr><th>\(l(ctx, "Жеткізу ID", "ID доставки", "Delivery ID"))</th>\
            <th>\(ctx.t(.completions))</th><th>\(ctx.t(.status))</th><th>\(l(ctx, "Әрекет", "Попытки", "Attempts"))</th>\
            <th>\(l(ctx, "Қате", "Ошибка", "Last error"))</th><th>\(l(ctx, "Келесі әрекет", "Следующая попытка", "Next attempt"))</th>\
            <th>\(l(ctx, "Жеткізілді", "Доставлено", "Delivered"))</th><th></th></tr></thead><tbody>\(rows)</tbody></table>
            """
        return ctx.page(l(ctx, "Цифрлық карта", "Цифровая карта", "Digital card"), body)
    }

    static func retry(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        try ctx.write { db in
            _ = try CardForwardStore.retry(db, id: id, for: ctx.actor.scope, now: ctx.now)
            try ctx.audit(db, "card_forward.retry", entityType: "card_forward", entityID: id)
        }
        return ctx.redirect("/console/card-forwards")
    }
}
