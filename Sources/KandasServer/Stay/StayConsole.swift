import HTTPServer
import KandasDomain
import KandasProtocol
import SQLiteKit

/// The console pages of the Centre stay (Rules 1): Centres, due acts, registration, the
/// application page with its acts, and the printable journal (Annex 3) and referral (Annex 1).
///
/// Every value is interpolated into ``HTML`` (escaped); forms carry the session's CSRF token and
/// are checked by the console dispatcher before a handler runs. Reads and acts go through
/// ``StayStore``, scoped by the signed-in principal, exactly as the API.
enum StayConsole {
    static let readers: Set<UserRole> = .stayReaders
    static let officers: Set<UserRole> = .stayOfficers
    static let staff: Set<UserRole> = .stayCentreStaff

    static let routes: [ConsoleRoute] = [
        ConsoleRoute(.get, "/console/stay", .staff(readers), index),
        ConsoleRoute(.post, "/console/stay/applications", .staff(officers), register),
        ConsoleRoute(.get, "/console/stay/applications/:id", .staff(readers), application),
        ConsoleRoute(.post, "/console/stay/applications/:id/coupons", .staff(officers), coupon),
        ConsoleRoute(.post, "/console/stay/applications/:id/consider", .staff(officers), consider),
        ConsoleRoute(.post, "/console/stay/centres/:id/next", .staff(officers), next),
        ConsoleRoute(.get, "/console/stay/journals/:id", .staff(readers), journal),
        ConsoleRoute(.get, "/console/stay/referrals/:id", .staff(readers), referral),
        ConsoleRoute(.post, "/console/stay/referrals/:id/move-in", .staff(staff), moveIn),
        ConsoleRoute(.post, "/console/stay/residents/:id/end", .staff(staff), end),
        ConsoleRoute(.post, "/console/stay/residents/:id/vacate", .staff(staff), vacate),
        ConsoleRoute(.post, "/console/stay/complaints", .staff(staff), complain),
        ConsoleRoute(.post, "/console/stay/termination-requests", .staff(staff), requestTermination),
        ConsoleRoute(.post, "/console/stay/termination-requests/:id/decision", .staff(officers), decide),
    ]

    /// A label in the page's language.
    static func l(_ ctx: ConsoleContext, _ kk: String, _ ru: String, _ en: String) -> String {
        switch ctx.lang {
        case .kk: kk
        case .ru: ru
        case .en: en
        }
    }

    static func today(_ ctx: ConsoleContext) -> LocalDate { StayWork.day(ctx.now) }

    static func csrf(_ ctx: ConsoleContext) -> HTML { "<input type=\"hidden\" name=\"csrf\" value=\"\(ctx.csrf)\">" }

    // MARK: Index: Centres, due acts, registration

    static func index(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let day = today(ctx)
        let (centres, due) = try ctx.read { db in
            (
                try StayStore.centres(
                    db, for: ctx.actor, paging: try Pagination(["limit": "500"]), today: day
                ).items,
                try StayStore.due(db, for: ctx.actor, rules: StayHandlers.rules, today: day)
            )
        }
        let centreRows = centres.map { c -> HTML in
            let next: HTML =
                officers.contains(ctx.actor.role) && c.reserveLength > 0
                ? """
                <form method="post" action="/console/stay/centres/\(c.id.description)/next" class="inline next">\
                \(csrf(ctx))<button type="submit">\(l(ctx, "Кезектегіге жолдама", "Направление следующему", "Refer the next"))</button></form>
                """ : ""
            return """
                <tr><td>\(c.name)</td><td class="num">\(c.capacity)</td><td class="num">\(c.occupied)</td>\
                <td class="num">\(c.held)</td><td class="num free">\(c.free)</td><td class="num">\(c.reserveLength)</td>\
                <td><code>\(c.id.description)</code> \(next)</td></tr>
                """
        }
        let dueRows = due.items.map { item -> HTML in
            let href: String
            switch item.entityType {
            case "application": href = "/console/stay/applications/" + item.entityID.description
            case "referral": href = "/console/stay/referrals/" + item.entityID.description
            default: href = "/console/stay"
            }
            let flag: HTML =
                item.overdue
                ? "<span class=\"flag overdue\">\(l(ctx, "мерзімі өтті", "просрочено", "overdue"))</span>" : ""
            return """
                <tr class="\(item.kind.rawValue)"><td>\(dueLabel(ctx, item.kind))</td><td>\(item.dueOn.description) \(flag)</td>\
                <td><a href="\(href)">\(item.entityType)</a></td></tr>
                """
        }
        let form: HTML = officers.contains(ctx.actor.role) ? registerForm(ctx, centres, day) : ""
        let body: HTML = """
            <p class="muted">\(l(ctx, "Бүгін", "Сегодня", "Today")): \(day.description)</p>
            <h2>\(l(ctx, "Орталықтар және төсек-орындар", "Центры и койко-места", "Centres and beds"))</h2>
            <table id="stay-centres"><thead><tr><th>\(l(ctx, "Атауы", "Название", "Name"))</th>\
            <th>\(l(ctx, "Төсек", "Мест", "Beds"))</th><th>\(l(ctx, "Бос емес", "Занято", "Occupied"))</th>\
            <th>\(l(ctx, "Жолдамамен", "По направлениям", "Held"))</th><th>\(l(ctx, "Бос", "Свободно", "Free"))</th>\
            <th>\(l(ctx, "Резерв", "Резерв", "Reserve"))</th><th></th></tr></thead><tbody>\(centreRows)</tbody></table>
            <h2>\(l(ctx, "Мерзімі жеткен және өткен істер", "Сроки: сегодня и просроченные", "Due and overdue acts"))</h2>
            <table id="stay-due"><thead><tr><th>\(l(ctx, "Не", "Что", "What"))</th>\
            <th>\(l(ctx, "Мерзімі", "Срок", "Due"))</th><th></th></tr></thead><tbody>\(dueRows)</tbody></table>
            \(form)
            """
        return ctx.page(l(ctx, "Орталықта тұру", "Проживание в Центре", "Centre stay"), body)
    }

    static func dueLabel(_ ctx: ConsoleContext, _ kind: StayDueKind) -> String {
        switch kind {
        case .unconsidered:
            l(ctx, "Қаралмаған өтініш (6-т.)", "Заявление не рассмотрено (п. 6)", "Not considered (para 6)")
        case .referralLapsing:
            l(ctx, "Жолдама мерзімі бітуде (9-т.)", "Направление истекает (п. 9)", "Referral lapsing (para 9)")
        case .stayEnding:
            l(ctx, "Тұру мерзімі бітуде (15-т.)", "Срок проживания истекает (п. 15)", "Stay ending (para 15)")
        case .decisionDue: l(ctx, "Шешім (14-т.)", "Решение (п. 14)", "Decision due (para 14)")
        case .vacateDue: l(ctx, "Үй-жайды босату (17-т.)", "Освобождение (п. 17)", "Vacating (para 17)")
        case .bedFree:
            l(
                ctx, "Бос орын, резерв күтуде (8-т.)", "Свободно место, резерв ждёт (п. 8)",
                "Bed free, reserve waiting (para 8)")
        }
    }

    static func registerForm(_ ctx: ConsoleContext, _ centres: [StayCentre], _ day: LocalDate) -> HTML {
        let options = centres.map { c -> HTML in "<option value=\"\(c.id.description)\">\(c.name)</option>" }
        func field(_ name: String, _ label: String, _ type: String = "text", value: String = "") -> HTML {
            """
            <label>\(label) <input type="\(type)" name="\(name)" id="r-\(name)" value="\(value)"></label>
            """
        }
        let members = (1...3).map { i -> HTML in
            """
            <fieldset class="member"><legend>\(l(ctx, "Отбасы мүшесі", "Член семьи", "Family member")) \(i)</legend>\
            \(field("member\(i)_name", l(ctx, "Аты-жөні", "ФИО", "Full name")))\
            \(field("member\(i)_birth", l(ctx, "Туған күні", "Дата рождения", "Date of birth"), "date"))\
            \(field("member\(i)_kinship", l(ctx, "Туыстық дәрежесі", "Степень родства", "Kinship")))</fieldset>
            """
        }
        return """
            <h2>\(l(ctx, "Өтінішті тіркеу (2-қосымша)", "Регистрация заявления (приложение 2)", "Register an application (Annex 2)"))</h2>
            <form method="post" action="/console/stay/applications" id="register" class="panel">\(csrf(ctx))
            <label>\(l(ctx, "Орталық", "Центр", "Centre")) <select name="centre_id" id="r-centre_id">\(options)</select></label>
            \(field("addressee", l(ctx, "Басшыға (органның атауы)", "Руководителю (орган)", "To the head of")))
            \(field("applicant_name", l(ctx, "Үміткердің тегі, аты, әкесінің аты", "ФИО кандидата", "Applicant's full name")))
            \(field("applicant_birth_date", l(ctx, "Туған күні", "Дата рождения", "Date of birth"), "date"))
            \(field("birth_place", l(ctx, "Туған жері", "Место рождения", "Place of birth")))
            \(field("country_of_origin", l(ctx, "Шыққан елі", "Страна выхода", "Country of origin")))
            \(field("kandas_status_document", l(ctx, "Қандас мәртебесі туралы құжат", "Документ о статусе кандаса", "Kandas status document")))
            \(field("kandas_status_until", l(ctx, "Мәртебе аяқталатын күн", "Статус действует до", "Status until"), "date"))
            \(field("applied_on", l(ctx, "Өтініш күні", "Дата заявления", "Application date"), "date", value: day.description))
            \(field("family_id", l(ctx, "Отбасы (2-қағидалар)", "Семья (Правила 2)", "Family (Rules 2)")))
            \(members)
            <button type="submit">\(l(ctx, "Журналға тіркеу", "Зарегистрировать в журнале", "Register in the journal"))</button></form>
            """
    }

    // MARK: Application page

    static func application(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let day = today(ctx)
        let (app, referral, residents, terminations) = try ctx.read { db in
            let app = try StayStore.application(db, id: id, for: ctx.actor, today: day)
            let referral = try app.referralID.map {
                try StayStore.referral(db, id: $0.description, for: ctx.actor, today: day)
            }
            let residents = try StayStore.residents(
                db, for: ctx.actor, paging: try Pagination(["limit": "500"]), filters: [("application_id", .text(id))],
                rules: StayHandlers.rules, today: day
            ).items
            let terminations = try StayStore.terminations(
                db, for: ctx.actor, paging: try Pagination(["limit": "500"]), filters: [("application_id", .text(id))]
            ).items
            return (app, referral, residents, terminations)
        }
        let officer = officers.contains(ctx.actor.role)
        let isStaff = staff.contains(ctx.actor.role)
        let couponsOpen = officer && [.registered, .reserve].contains(app.status)
        let persons = app.persons.map { p -> HTML in
            let coupon: HTML
            if let number = p.couponNumber {
                coupon = "\(number) (\(p.couponIssuedOn?.description ?? ""))"
            } else if p.adult && couponsOpen {
                coupon = """
                    <form method="post" action="/console/stay/applications/\(id)/coupons" class="inline coupon">\
                    \(csrf(ctx))<input type="hidden" name="person_id" value="\(p.id.description)">\
                    <input name="number" placeholder="№" required> <input type="date" name="issued_on" \
                    value="\(day.description)"> <button type="submit">\(l(ctx, "Талон", "Талон", "Coupon"))</button></form>
                    """
            } else {
                coupon = p.adult ? "<span class=\"flag\">\(l(ctx, "талон жоқ", "нет талона", "no coupon"))</span>" : "—"
            }
            return """
                <tr><td>\(p.fullName)</td><td>\(p.birthDate.description)</td><td>\(p.kinship)</td>\
                <td>\(p.adult ? l(ctx, "кәмелетке толған", "совершеннолетний", "adult") : "—")</td><td>\(coupon)</td></tr>
                """
        }
        let considerForm: HTML =
            officer && app.status == .registered
            ? """
            <form method="post" action="/console/stay/applications/\(id)/consider" id="consider">\(csrf(ctx))\
            <button type="submit">\(l(ctx, "Бүгін қарау (6-т.)", "Рассмотреть сегодня (п. 6)", "Consider today (para 6)"))</button></form>
            """ : ""
        let referralLink: HTML =
            referral.map { r in
                """
                <p><a id="referral" href="/console/stay/referrals/\(r.id.description)">\(l(ctx, "Жолдама", "Направление", "Referral")) \
                № \(r.number)</a> — \(r.issuedOn.description) → \(r.moveInBy.description) (\(r.status.rawValue))</p>
                """
            } ?? ""
        let residentRows = residents.map { r -> HTML in
            var acts = HTML()
            if isStaff && r.status == .resident {
                acts.append(
                    """
                    <form method="post" action="/console/stay/residents/\(r.id.description)/end" class="inline end">\
                    \(csrf(ctx))<input type="date" name="ended_on" value="\(day.description)"> <select name="reason">\
                    <option value="term">term</option><option value="status_ended">status_ended</option>\
                    <option value="left">left</option></select> <button type="submit">\(l(ctx, "Аяқтау", "Завершить", "End"))</button></form>
                    """)
            }
            if isStaff && r.status != .vacated {
                acts.append(
                    """
                    <form method="post" action="/console/stay/residents/\(r.id.description)/vacate" class="inline vacate">\
                    \(csrf(ctx))<input type="date" name="vacated_on" value="\(day.description)"> \
                    <button type="submit">\(l(ctx, "Босатты (17-т.)", "Освободил (п. 17)", "Vacated (para 17)"))</button></form>
                    """)
            }
            return """
                <tr data-resident="\(r.id.description)"><td>\(r.fullName)</td><td>\(r.placedOn.description)</td>\
                <td>\(r.stayEndsBy.description)</td><td class="status">\(r.status.rawValue)</td>\
                <td>\(r.endReason?.rawValue)</td><td>\(r.vacateBy?.description)</td><td>\(r.vacatedOn?.description)</td>\
                <td>\(acts)</td></tr>
                """
        }
        let running = residents.filter { $0.status == .resident }
        let requestForm: HTML =
            isStaff && app.status == .placed && !running.isEmpty
            ? """
            <form method="post" action="/console/stay/termination-requests" id="terminate" class="panel">\(csrf(ctx))\
            <input type="hidden" name="application_id" value="\(id)">\
            <label>\(l(ctx, "Кімге", "Кого", "Whom")) <select name="resident_id"><option value="">\
            \(l(ctx, "бүкіл отбасы", "вся семья", "the whole family"))</option>\
            \(running.map { r -> HTML in "<option value=\"\(r.id.description)\">\(r.fullName)</option>" })</select></label> \
            <input type="date" name="requested_on" value="\(day.description)"> <input name="grounds" required \
            placeholder="\(l(ctx, "негізі", "основание", "grounds"))"> <button type="submit" class="danger">\
            \(l(ctx, "Тұруды тоқтатуды сұрау (13-т.)", "Ходатайство о прекращении (п. 13)", "Ask to end the stay (para 13)"))</button></form>
            """ : ""
        let complaintForm: HTML =
            isStaff && !running.isEmpty
            ? """
            <form method="post" action="/console/stay/complaints" id="complaint" class="panel">\(csrf(ctx))\
            <select name="resident_id">\(running.map { r -> HTML in "<option value=\"\(r.id.description)\">\(r.fullName)</option>" })</select> \
            <select name="kind"><option value="complaint">арыз</option><option value="petition">қолдаухат</option>\
            <option value="other">өзге</option></select> <input type="date" name="received_on" value="\(day.description)"> \
            <input name="summary" required> <button type="submit">\(l(ctx, "Тіркеу (10-т.)", "Зарегистрировать (п. 10)", "Register (para 10)"))</button></form>
            """ : ""
        let terminationRows = terminations.map { t -> HTML in
            let decide: HTML =
                officer && t.status == .pending
                ? """
                <form method="post" action="/console/stay/termination-requests/\(t.id.description)/decision" class="inline decide">\
                \(csrf(ctx))<select name="decision"><option value="keep">keep</option><option value="evict">evict</option></select> \
                <input type="date" name="decided_on" value="\(day.description)"> <input name="document" required \
                placeholder="№"> <button type="submit">\(l(ctx, "Шешім", "Решение", "Decide"))</button></form>
                """ : ""
            return """
                <tr><td>\(t.scope.rawValue)</td><td>\(t.requestedOn.description)</td><td>\(t.decideBy.description)</td>\
                <td>\(t.status.rawValue)</td><td>\(t.grounds)</td><td>\(t.decisionDocument) \(decide)</td></tr>
                """
        }
        let queue: HTML =
            app.queuePosition.map {
                "<p id=\"queue\">\(l(ctx, "Резервтегі орны", "Место в резерве", "Place in the reserve")): \($0) (\(app.reserveReason))</p>"
            } ?? ""
        let body: HTML = """
            <dl class="panel"><dt>\(l(ctx, "Тіркеу нөмірі", "Регистрационный номер", "Registration number"))</dt>\
            <dd id="regno">\(app.registrationNumber) — \(app.registeredOn.description)</dd>\
            <dt>\(l(ctx, "Мәртебесі", "Статус", "Status"))</dt><dd id="status">\(app.status.rawValue)</dd>\
            <dt>\(l(ctx, "Шыққан елі", "Страна выхода", "Country of origin"))</dt><dd>\(app.countryOfOrigin)</dd>\
            <dt>\(l(ctx, "Журнал", "Журнал", "Journal"))</dt><dd><a id="journal" href="/console/stay/journals/\(app.journalID.description)">\
            \(l(ctx, "3-қосымша", "Приложение 3", "Annex 3"))</a></dd></dl>
            \(queue)
            <table id="persons"><thead><tr><th>\(l(ctx, "Аты-жөні", "ФИО", "Name"))</th>\
            <th>\(l(ctx, "Туған күні", "Дата рождения", "Born"))</th><th>\(l(ctx, "Туыстығы", "Родство", "Kinship"))</th>\
            <th></th><th>\(l(ctx, "ІІО талоны (3-т.)", "Талон ОВД (п. 3)", "Coupon (para 3)"))</th></tr></thead>\
            <tbody>\(persons)</tbody></table>
            \(considerForm)
            \(referralLink)
            <h2>\(l(ctx, "Тұрушылар", "Проживающие", "Residents"))</h2>
            <table id="residents"><thead><tr><th>\(l(ctx, "Аты-жөні", "ФИО", "Name"))</th>\
            <th>\(l(ctx, "Орналасты", "Заселён", "Placed"))</th><th>\(l(ctx, "Соңғы күні", "Последний день", "Ends by"))</th>\
            <th></th><th></th><th>\(l(ctx, "Босату мерзімі", "Освободить до", "Vacate by"))</th>\
            <th>\(l(ctx, "Босатты", "Освободил", "Vacated"))</th><th></th></tr></thead><tbody>\(residentRows)</tbody></table>
            \(complaintForm)
            \(requestForm)
            <h2>\(l(ctx, "Мерзімінен бұрын тоқтату", "Досрочное прекращение", "Early termination"))</h2>
            <table id="terminations"><thead><tr><th></th><th>\(l(ctx, "Сұралды", "Запрошено", "Requested"))</th>\
            <th>\(l(ctx, "Шешім мерзімі", "Решить до", "Decide by"))</th><th></th><th></th><th></th></tr></thead>\
            <tbody>\(terminationRows)</tbody></table>
            <p><a href="/console/stay">\(ctx.t(.back))</a></p>
            """
        return ctx.page(l(ctx, "Өтініш", "Заявление", "Application") + " " + app.registrationNumber, body)
    }
}
