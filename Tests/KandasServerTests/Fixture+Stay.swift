import Foundation
import KandasTestSupport

extension Fixture {
    /// One Centre-stay object of every kind in region 1 (Rules 1), for the authorisation matrix.
    func collectStayIDs() throws {
        let officer = try server.login("migration1")
        let staff = try server.login("aic1")
        let nowMs = Date().timeIntervalSince1970 * 1000
        let day = Int(((nowMs + 5 * 3_600_000) / 86_400_000).rounded(.down))
        let date = Date(timeIntervalSince1970: TimeInterval(day) * 86_400)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        let today = formatter.string(from: date)
        func post(_ client: TestHTTPClient, _ path: String, _ body: String) throws -> [String: Any] {
            let r = try client.json("POST", "/v1/admin/stay" + path, body, idempotencyKey: key())
            guard (200...201).contains(r.status) else { throw TestSupportError("stay fixture \(path): \(r)") }
            return r.object
        }
        let centre =
            try post(
                officer, "/centres",
                "{\"region_id\":\"\(seed.regions[0])\",\"name\":\"Fixture centre\",\"capacity\":5,"
                    + "\"journal_opened_on\":\"\(today)\"}")["id"] as? String ?? ""
        ids["centres"] = centre
        let app = try post(
            officer, "/applications",
            "{\"centre_id\":\"\(centre)\",\"addressee\":\"A\",\"applicant_name\":\"B\",\"applicant_birth_date\":"
                + "\"1980-01-01\",\"birth_place\":\"C\",\"country_of_origin\":\"D\",\"kandas_status_document\":\"E\","
                + "\"family_members\":0,\"members\":[],\"applied_on\":\"\(today)\"}")
        let appID = app["id"] as? String ?? ""
        ids["applications"] = appID
        ids["journals"] = app["journal_id"] as? String
        let person = ((app["persons"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        _ = try post(
            officer, "/applications/\(appID)/coupons",
            "{\"person_id\":\"\(person)\",\"number\":\"C-1\",\"issued_on\":\"\(today)\"}")
        let referral = try post(officer, "/applications/\(appID)/consider", "{}")["referral_id"] as? String ?? ""
        ids["referrals"] = referral
        let residents = try staff.json(
            "POST", "/v1/admin/stay/referrals/\(referral)/move-in", "{\"placed_on\":\"\(today)\"}",
            idempotencyKey: key())
        let resident = ((residents.object["items"] as? [[String: Any]]) ?? []).first?["id"] as? String ?? ""
        ids["residents"] = resident
        ids["complaints"] =
            try post(
                staff, "/complaints",
                "{\"resident_id\":\"\(resident)\",\"kind\":\"complaint\",\"received_on\":\"\(today)\",\"summary\":\"S\"}"
            )["id"] as? String
        ids["termination-requests"] =
            try post(
                staff, "/termination-requests",
                "{\"application_id\":\"\(appID)\",\"scope\":\"family\",\"requested_on\":\"\(today)\",\"grounds\":\"G\"}"
            )["id"] as? String
    }
}
