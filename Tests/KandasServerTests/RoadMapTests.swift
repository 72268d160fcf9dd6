import Foundation
import KandasDomain
import KandasTestSupport
import Testing

/// Rules 2, para 38: for families resettled in a rural settlement a road map of the plan's services
/// is approved in three copies (the district akim, the rural-district akim, the career centre).
/// Rules 2, para 34: the receiving labour mobility centre approves plans, in the console too.
@Suite(.serialized) struct RoadMapTests {
    @Test func para38_roadMap_printsThePlanInThreeCopies_inEachLanguage_withoutIINs() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let family = f.seed.families[0]
        let detail = try f.admin.get("/v1/admin/families/\(family)").object
        let iins = ((detail["members"] as? [[String: Any]]) ?? []).compactMap { $0["iin"] as? String }
        let planID = Fixture.first(try f.admin.get("/v1/admin/plans?family_id=\(family)"))["id"] as? String ?? ""
        let codes = ((try f.admin.get("/v1/admin/plans/\(planID)")).object["items"] as? [[String: Any]] ?? [])
            .compactMap { $0["service_code"] as? Int }
        #expect(!codes.isEmpty && !iins.isEmpty)
        var c = ConsoleClient(port: f.server.port)
        _ = try c.login("super11")
        let page = try c.get("/console/families/\(family)")
        #expect(page.text.contains("/console/families/\(family)/road-map?lang=ru"))
        let recipients: [Language: [String]] = [
            .kk: ["Аудан әкіміне", "Ауылдық округ әкіміне", "Мансап орталығына"],
            .ru: ["Акиму района", "Акиму сельского округа", "Центру карьеры"],
            .en: ["To the akim of the district", "To the akim of the rural district", "To the career centre"],
        ]
        for lang in Language.allCases {
            let r = try c.get("/console/families/\(family)/road-map?lang=\(lang.rawValue)")
            #expect(r.status == 200, "\(r.status)")
            let text = r.text
            for n in 1...3 { #expect(text.contains("id=\"copy-\(n)\"")) }
            #expect(!text.contains("id=\"copy-4\""))
            for recipient in recipients[lang] ?? [] { #expect(text.contains(recipient), "\(lang) \(recipient)") }
            for code in codes {
                let name = try ServiceCatalog.service(code: code).name(in: lang)
                #expect(text.components(separatedBy: HTMLText.escape(name)).count - 1 == 3, "\(lang) \(code)")
            }
            for iin in iins { #expect(!text.contains(iin)) }
        }
        // Another career centre's supervisor does not find it.
        var other = ConsoleClient(port: f.server.port)
        _ = try other.login("super12")
        #expect(try other.get("/console/families/\(family)/road-map").status == 404)
    }

    @Test func para34_labourMobilityCentre_approvesAnAgreedPlanInTheConsole_andIsNamed() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let (family, planID) = try PlanHandlersTests.agreedPlan(f, seed: 381)
        // The supervisor's page has no approval form; the labour mobility centre's has.
        var supervisor = ConsoleClient(port: f.server.port)
        _ = try supervisor.login("super11")
        #expect(!(try supervisor.get("/console/families/\(family)")).text.contains("approve-plan"))
        var mobility = ConsoleClient(port: f.server.port)
        _ = try mobility.login("mobility1")
        // Its console: the dashboard and the families of its region, nothing of the centres' people or devices.
        let dashboard = try mobility.get("/console/dashboard")
        #expect(dashboard.status == 200 && dashboard.text.contains("href=\"/console/families\""))
        #expect(try mobility.get("/console/devices").status == 403)
        #expect(try mobility.get("/console/completions").status == 403)
        let page = try mobility.get("/console/families/\(family)")
        #expect(page.status == 200 && page.text.contains("id=\"approve-plan\""), "\(page.status)")
        let csrf = ConsoleClient.hidden("csrf", in: page.text) ?? ""
        let posted = try mobility.post("/console/plans/\(planID)/approve", [("csrf", csrf)])
        #expect(posted.status == 303, "\(posted)")
        let approved = try f.admin.get("/v1/admin/plans/\(planID)").object["plan"] as? [String: Any] ?? [:]
        #expect(approved["status"] as? String == "approved")
        #expect(approved["approved_by"] as? String == f.user("mobility1"))
        // A supervisor posting the same form is refused.
        let refused = try supervisor.post("/console/plans/\(planID)/approve", [("csrf", try supervisor.csrf())])
        #expect(refused.status == 403)
        var other = ConsoleClient(port: f.server.port)
        _ = try other.login("mobility2")
        #expect(try other.get("/console/families/\(family)").status == 404)
    }
}

/// The console's HTML escaping of text, as the pages apply it.
enum HTMLText {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
