import Foundation
import KandasTestSupport
import Testing

/// The Centre-stay console (Rules 1) in a real headless Chromium: an application walked from
/// registration to vacating by the migration officer and then the Centre staff, with the journal
/// printed as the Annex 3 form and the referral as the Annex 1 form, and hostile text kept as text.
@Suite(.serialized) struct StayConsoleTests {
    static let hostile = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">'&\""

    @Test func chromium_walksAnApplication_fromRegistrationToVacating() throws {
        guard HeadlessBrowser.binary != nil else {
            Issue.record("chromium is needed: apt-get install -y chromium")
            return
        }
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        let nowMs = Date().timeIntervalSince1970 * 1000
        let day = Int(((nowMs + 5 * 3_600_000) / 86_400_000).rounded(.down))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        d.today = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(day) * 86_400))
        let centre = try d.centre(beds: 4)
        let password = d.f.seed.password
        let browser = try HeadlessBrowser()
        defer { browser.close() }
        let base = "http://127.0.0.1:\(d.f.server.port)"
        func login(_ user: String) throws {
            try browser.navigate(base + "/console/login?lang=kk")
            try browser.submitting(
                """
                document.querySelector('[name=username]').value = '\(user)';
                document.querySelector('[name=password]').value = '\(password)';
                document.querySelector('form.login').submit();
                """)
            #expect(try browser.evaluate("location.pathname") as? String == "/console/dashboard")
            // Item 10: the dashboard counts the due acts of the Centre stay.
            #expect(try browser.evaluate("document.querySelectorAll('#stay-counters .card').length") as? Int == 6)
        }
        func text(_ selector: String) throws -> String? {
            try browser.evaluate("(document.querySelector('\(selector)') || {}).textContent") as? String
        }

        // The migration officer registers the application (paras 4-5, Annex 2).
        try login("migration1")
        try browser.navigate(base + "/console/stay")
        #expect(try browser.evaluate("document.querySelectorAll('#stay-centres tbody tr').length") as? Int == 1)
        let name = Self.hostile.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        try browser.submitting(
            """
            const f = document.querySelector('#register');
            f.querySelector('[name=centre_id]').value = '\(centre)';
            f.querySelector('[name=addressee]').value = 'Көші-қон басқармасы';
            f.querySelector('[name=applicant_name]').value = '\(name)';
            f.querySelector('[name=applicant_birth_date]').value = '1980-05-01';
            f.querySelector('[name=birth_place]').value = 'Баян-Өлгий';
            f.querySelector('[name=country_of_origin]').value = 'Моңғолия';
            f.querySelector('[name=kandas_status_document]').value = 'KS-1';
            f.querySelector('[name=member1_name]').value = 'Айгүл';
            f.querySelector('[name=member1_birth]').value = '1985-02-02';
            f.querySelector('[name=member1_kinship]').value = 'жұбайы';
            f.submit();
            """)
        #expect(try browser.evaluate("location.pathname.startsWith('/console/stay/applications/')") as? Bool == true)
        #expect(try text("#status") == "registered")
        #expect(try browser.evaluate("typeof window.__xss") as? String == "undefined")
        #expect(try text("#persons tbody tr td") == Self.hostile)
        // Para 3: a coupon for each adult, then consideration on the day gives the referral (paras 6, 8).
        for _ in 0..<2 {
            try browser.submitting(
                """
                const f = document.querySelector('form.coupon');
                f.querySelector('[name=number]').value = 'ІІО-1';
                f.submit();
                """)
        }
        #expect(try browser.evaluate("document.querySelectorAll('form.coupon').length") as? Int == 0)
        try browser.submitting("document.querySelector('#consider').submit();")
        #expect(try text("#status") == "referred")
        // The journal as the Annex 3 form, headers in Kazakh as in the source.
        try browser.submitting("document.querySelector('#journal').click();")
        #expect(try text("#annex3 .form-title")?.hasSuffix("тіркеу ЖУРНАЛЫ") == true)
        #expect(try browser.evaluate("document.querySelectorAll('#journal-rows tbody tr').length") as? Int == 1)
        #expect(try text("#journal-rows tbody tr td:last-child")?.hasPrefix("№ 1") == true)
        #expect(try browser.evaluate("document.body.textContent.includes('Басталды')") as? Bool == true)
        #expect(try browser.evaluate("typeof window.__xss") as? String == "undefined")
        try browser.screenshot(to: ConsoleEndToEndTests.artifacts + "/stay-journal.png")
        try browser.submitting("document.querySelector('#journal-rows a').click();")
        try browser.submitting("document.querySelector('#referral').click();")
        #expect(try text("#annex1 .form-title") == "ЖОЛДАМА № 1")
        #expect(try browser.evaluate("document.querySelectorAll('#members li').length") as? Int == 6)
        #expect(try browser.evaluate("!!document.querySelector('#move-in')") as? Bool == false)
        let referralPath = try browser.evaluate("location.pathname") as? String ?? ""
        try browser.submitting("document.querySelector('form.signout').submit();")

        // The Centre staff move the family in (para 9) and record vacating (para 17).
        try login("aic1")
        try browser.navigate(base + referralPath)
        #expect(try text("#referral-status") == "issued")
        try browser.screenshot(to: ConsoleEndToEndTests.artifacts + "/stay-referral.png")
        try browser.submitting("document.querySelector('#move-in').submit();")
        #expect(try text("#status") == "placed")
        #expect(try browser.evaluate("document.querySelectorAll('#residents tbody tr').length") as? Int == 2)
        for _ in 0..<2 {
            try browser.submitting("document.querySelector('form.vacate').submit();")
        }
        #expect(
            try browser.evaluate(
                "[...document.querySelectorAll('#residents td.status')].map(e => e.textContent).join(',')")
                as? String == "vacated,vacated")
        #expect(try text("#status") == "closed")
        try browser.navigate(base + "/console/stay")
        #expect(try text("#stay-centres td.free") == "4")
        // The API agrees, and every act is in the audit log with the console as its source.
        let apps = try d.get("/applications?centre_id=\(centre)").object["items"] as? [[String: Any]] ?? []
        #expect(apps.first?["status"] as? String == "closed")
    }

    @Test func forms_withoutCSRF_orForTheWrongRole_areRefused_andChangeNothing() throws {
        let d = try StayDesk()
        defer { d.f.server.cleanup() }
        var officer = ConsoleClient(port: d.f.server.port)
        _ = try officer.login("migration1")
        var staff = ConsoleClient(port: d.f.server.port)
        _ = try staff.login("aic1")
        let before = try d.digest()
        let noToken = try officer.post("/console/stay/applications", [("centre_id", UUID().uuidString.lowercased())])
        #expect(noToken.status == 403)
        let wrongRole = try staff.post("/console/stay/applications", [("csrf", try staff.csrf())])
        #expect(wrongRole.status == 403)
        #expect(try d.digest() == before)
    }
}
