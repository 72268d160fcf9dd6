import Foundation
import KandasTestSupport
import Testing

/// A seeded server plus the Rules 1 desks of region 1 (migration officer, Centre staff), with the
/// server's day set explicitly so every deadline is tested on a known weekday.
final class StayDesk: @unchecked Sendable {
    // @unchecked: used by the one test that owns it; the concurrent parts only read `officer`/`staff`.
    let f: Fixture
    var officer: TestHTTPClient
    var staff: TestHTTPClient
    var other: TestHTTPClient
    var today = ""

    init() throws {
        f = try Fixture()
        officer = try f.server.login("migration1")
        staff = try f.server.login("aic1")
        other = try f.server.login("migration2")
    }

    var region: String { f.seed.regions[0] }

    /// Moves the server's clock so its Asia/Almaty day is `date`, and logs in again (sessions last 8 h).
    func setDay(_ date: String) throws {
        let nowMs = Date().timeIntervalSince1970 * 1000
        let almatyDay = Int(((nowMs + 5 * 3_600_000) / 86_400_000).rounded(.down))
        let target = try #require(Self.dayNumber(date))
        try f.server.setClockOffset(seconds: (target - almatyDay) * 86_400)
        officer = try f.server.login("migration1")
        staff = try f.server.login("aic1")
        other = try f.server.login("migration2")
        today = date
    }

    static func dayNumber(_ text: String) -> Int? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components) else { return nil }
        return Int(date.timeIntervalSince1970 / 86_400)
    }

    /// Domain tables, without the activity tables and the idempotency records (a refused write
    /// stores its problem reply for replay, Protocol §1.3; nothing else may change).
    func digest() throws -> String {
        try ServerProcess.databaseDigest(
            f.server.databasePath, excluding: Fixture.activityTables.union(["idempotency"]))
    }

    func post(_ client: TestHTTPClient, _ path: String, _ body: String) throws -> TestResponse {
        try client.json("POST", "/v1/admin/stay" + path, body, idempotencyKey: f.key())
    }

    func get(_ path: String, as client: TestHTTPClient? = nil) throws -> TestResponse {
        try (client ?? officer).get("/v1/admin/stay" + path)
    }

    /// A Centre of region 1 with `beds`; returns its ID.
    func centre(beds: Int, region: String? = nil, client: TestHTTPClient? = nil) throws -> String {
        let r = try post(
            client ?? officer, "/centres",
            "{\"region_id\":\"\(region ?? self.region)\",\"name\":\"Centre\",\"capacity\":\(beds),"
                + "\"journal_opened_on\":\"\(today)\"}")
        #expect(r.status == 201, "\(r)")
        return r.object["id"] as? String ?? ""
    }

    /// Registers an application of an adult applicant with `members` (name, birth date, kinship).
    func register(
        _ centre: String, members: [(String, String, String)] = [], appliedOn: String? = nil,
        statusUntil: String? = nil, family: String? = nil, client: TestHTTPClient? = nil
    ) throws -> TestResponse {
        let list = members.map { "{\"full_name\":\"\($0.0)\",\"birth_date\":\"\($0.1)\",\"kinship\":\"\($0.2)\"}" }
        let until = statusUntil.map { ",\"kandas_status_until\":\"\($0)\"" } ?? ""
        let familyField = family.map { ",\"family_id\":\"\($0)\"" } ?? ""
        return try post(
            client ?? officer, "/applications",
            "{\"centre_id\":\"\(centre)\",\"addressee\":\"Көші-қон басқармасы\",\"applicant_name\":\"Test Applicant\","
                + "\"applicant_birth_date\":\"1980-05-01\",\"birth_place\":\"Ulgii\",\"country_of_origin\":\"Mongolia\","
                + "\"kandas_status_document\":\"KS-1\",\"family_members\":\(members.count),"
                + "\"members\":[\(list.joined(separator: ","))],\"applied_on\":\"\(appliedOn ?? today)\"\(until)"
                + "\(familyField)}")
    }

    /// Registers and returns the application ID (expects 201).
    func application(_ centre: String, members: [(String, String, String)] = []) throws -> String {
        let r = try register(centre, members: members)
        #expect(r.status == 201, "\(r)")
        return r.object["id"] as? String ?? ""
    }

    func persons(_ app: [String: Any]) -> [[String: Any]] { app["persons"] as? [[String: Any]] ?? [] }

    /// Records a coupon for every adult of an application.
    func coupons(_ id: String) throws {
        let app = try get("/applications/\(id)").object
        for (i, person) in persons(app).enumerated() where person["adult"] as? Bool == true {
            let r = try post(
                officer, "/applications/\(id)/coupons",
                "{\"person_id\":\"\(person["id"] as? String ?? "")\",\"number\":\"T-\(i)\",\"issued_on\":\"\(today)\"}")
            #expect(r.status == 200, "\(r)")
        }
    }

    func consider(_ id: String) throws -> TestResponse { try post(officer, "/applications/\(id)/consider", "{}") }

    /// Registers, records coupons and considers; returns the application after consideration.
    func referred(_ centre: String, members: [(String, String, String)] = []) throws -> [String: Any] {
        let id = try application(centre, members: members)
        try coupons(id)
        let r = try consider(id)
        #expect(r.status == 200, "\(r)")
        return r.object
    }

    /// Moves everyone on a referral in on `day`; returns the resident IDs.
    func moveIn(_ referral: String, on day: String? = nil) throws -> [String] {
        let r = try post(staff, "/referrals/\(referral)/move-in", "{\"placed_on\":\"\(day ?? today)\"}")
        #expect(r.status == 201, "\(r)")
        return (r.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }
}
