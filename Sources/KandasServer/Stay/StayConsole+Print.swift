import HTTPServer
import KandasDomain
import KandasProtocol
import SQLiteKit

/// The printable forms: the registration journal (Rules 1, Annex 3) and the referral (Annex 1).
///
/// Kazakh headers are copied from the source as printed (including its defects, DIGEST §5.1,
/// §5.3); Russian and English are our translations. The console's print style hides the frame.
extension StayConsole {
    static func journal(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let journal = try ctx.read { db in try StayStore.journal(db, id: id, for: ctx.actor) }
        let title = l(
            ctx,
            "Қандастарды бейімдеу және ықпалдастыру Орталығына жолданатын қандастар мен олардың отбасы мүшелерін тіркеу ЖУРНАЛЫ",
            "ЖУРНАЛ регистрации кандасов и членов их семей, направляемых в Центр адаптации и интеграции кандасов",
            "JOURNAL of registration of kandas and their family members referred to the Kandas Adaptation and"
                + " Integration Centre")
        let headers = [
            l(ctx, "№ р/с", "№ п/п", "No."),
            l(
                ctx, "Өтініш иесінің тегі, аты және болған жағдайда күні әкесінің аты",
                "Фамилия, имя и отчество (при наличии) заявителя", "Applicant's surname, first name and patronymic"),
            l(ctx, "Туған жері және", "Дата и место рождения", "Date and place of birth"),
            l(ctx, "Шыққан елі", "Страна выхода", "Country of origin"),
            l(
                ctx, "Өтінішті тіркеген күн және нөмірі", "Дата и номер регистрации заявления",
                "Date and number of the application's registration"),
            l(
                ctx, "Жолдаманың нөмірі және берілген күні", "Номер и дата выдачи направления",
                "Number and date of issue of the referral"),
        ].map { h -> HTML in "<th>\(h)</th>" }
        let rows = (journal.rows ?? []).map { r -> HTML in
            let referral = r.referralNumber.map { "№ \($0), \(r.referralIssuedOn?.description ?? "")" } ?? ""
            return """
                <tr><td class="num">\(r.serial)</td><td><a href="/console/stay/applications/\(r.applicationID.description)">\
                \(r.fullName)</a></td><td>\(r.birthDate.description), \(r.birthPlace)</td><td>\(r.countryOfOrigin)</td>\
                <td>\(r.registeredOn.description), № \(r.registrationNumber)</td><td>\(referral)</td></tr>
                """
        }
        let body: HTML = """
            <section class="form-print" id="annex3"><p class="muted">\(l(ctx, "3-қосымша · Нысан", "Приложение 3 · Форма", "Annex 3 · Form"))</p>
            <h2 class="form-title">\(title)</h2>
            <table id="journal-rows"><thead><tr>\(headers)</tr></thead><tbody>\(rows)</tbody></table>
            <p>\(l(ctx, "Басталды", "Начат", "Started")) <span id="opened">\(journal.openedOn.description)</span></p>
            <p>\(l(ctx, "Аяқталды", "Окончен", "Finished")) <span id="closed">\(journal.closedOn?.description ?? "________")</span></p>
            </section>
            """
        return ctx.page(l(ctx, "Журнал", "Журнал", "Journal") + " \(journal.number)", body)
    }

    static func referral(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let id = try ctx.id()
        let day = today(ctx)
        let referral = try ctx.read { db in try StayStore.referral(db, id: id, for: ctx.actor, today: day) }
        let candidate = referral.persons.first
        let memberCaption = l(
            ctx, "(Тегі, аты және болған жағдайда әкесінің аты, туған күні, туыстық дәрежесі)",
            "(фамилия, имя, отчество (при наличии), дата рождения, степень родства)",
            "(surname, first name, patronymic (if any), date of birth, degree of kinship)")
        // Annex 1 has six member lines; a larger family continues on further lines (stay-v1 §6, choice 6).
        let members = referral.persons.dropFirst()
        let lines = (0..<max(6, members.count)).map { i -> HTML in
            let m = i < members.count ? members[members.startIndex + i] : nil
            let text = m.map { "\($0.fullName), \($0.birthDate.description), \($0.kinship)" } ?? "________________"
            return "<li><span class=\"line\">\(text)</span><br><small>\(memberCaption)</small></li>"
        }
        let moveIn: HTML =
            staff.contains(ctx.actor.role) && referral.status == .issued
            ? """
            <form method="post" action="/console/stay/referrals/\(id)/move-in" id="move-in" class="panel noprint">\(csrf(ctx))\
            <label>\(l(ctx, "Орналасқан күні", "Дата заселения", "Placement day")) <input type="date" name="placed_on" \
            value="\(day.description)"></label> <button type="submit">\(l(ctx, "Орналастыру (9-т.)", "Заселить (п. 9)", "Move in (para 9)"))</button></form>
            """ : ""
        let body: HTML = """
            <section class="form-print" id="annex1"><p class="muted">\(l(ctx, "1-қосымша · Нысан", "Приложение 1 · Форма", "Annex 1 · Form"))</p>
            <h2 class="form-title">\(l(ctx, "ЖОЛДАМА", "НАПРАВЛЕНИЕ", "REFERRAL")) № \(referral.number)</h2>
            <p>\(l(ctx, "Қандастарды бейімдеу және ықпалдастыру Орталықтарында тұру үшін жолданады", "Направляется для проживания в Центрах адаптации и интеграции кандасов", "Referred for residence in the Kandas Adaptation and Integration Centres"))</p>
            <p><span class="line" id="candidate">\(candidate?.fullName), \(candidate?.birthDate.description)</span><br>\
            <small>\(l(ctx, "(Үміткердің тегі, аты және болған жағдайда әкесінің аты, туған күні)", "(фамилия, имя, отчество (при наличии) кандидата, дата рождения)", "(candidate's surname, first name, patronymic (if any), date of birth)"))</small></p>
            <p>\(l(ctx, "Отбасы мүшелері:", "Члены семьи:", "Family members:"))</p>
            <ol id="members">\(lines)</ol>
            <p>\(l(ctx, "Халықтың көші-қоны саласындағы жергілікті атқарушы органның басшысы", "Руководитель местного исполнительного органа в области миграции населения", "Head of the local executive body in the field of population migration")) ________</p>
            <p><span class="line" id="issued">\(referral.issuedOn.description)</span><br>\
            <small>\(l(ctx, "(берілген күні)", "(дата выдачи)", "(date of issue)"))</small></p>
            <p class="muted noprint">\(l(ctx, "Орналасу мерзімі", "Заселиться до", "Move in by")): <span id="move-in-by">\
            \(referral.moveInBy.description)</span> · <span id="referral-status">\(referral.status.rawValue)</span></p>
            </section>
            \(moveIn)
            <p class="noprint"><a href="/console/stay/applications/\(referral.applicationID.description)">\(ctx.t(.back))</a></p>
            """
        return ctx.page(l(ctx, "Жолдама", "Направление", "Referral") + " \(referral.number)", body)
    }
}
