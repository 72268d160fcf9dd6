import Foundation
import KandasServer
import KandasTestSupport
import Testing

/// Every authenticated endpoint of `EndpointTable.all` × every way a caller can be wrong → 401/403/404,
/// and the store's content is the same afterwards. Built from the table, so a new endpoint is covered.
@Suite(.serialized) struct AuthorizationMatrixTests {
    struct Case {
        var name: String
        var client: TestHTTPClient
        var expect: Set<Int>
        var codes: Set<String>
    }

    @Test func everyEndpoint_rejectsWrongCallers_andChangesNothing() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        try f.collectIDs()
        let base = f.server.client
        let worker = try f.server.login("worker111")
        let auditor = try f.server.login("auditor")
        let otherCentre = try f.server.login("super12")
        let otherRegion = try f.server.login("region2")
        // Rules 1 endpoints some of which admit only the region's migration officer or Centre staff.
        let otherOfficer = try f.server.login("migration2")
        let otherStaff = try f.server.login("aic2")
        let revokedSession = try f.server.login("super11")
        #expect(try revokedSession.send("POST", "/v1/auth/logout").status == 204)
        let device = base.authorized(f.ids["device_access"] ?? "")
        let expiring = try f.server.login("super11")
        let before = try f.digest()
        var checked = 0
        for endpoint in EndpointTable.all where endpoint.access != .open {
            let path = try #require(f.path(for: endpoint.pattern), "no fixture ID for \(endpoint.pattern)")
            var cases = [
                Case(name: "no token", client: base, expect: [401], codes: ["unauthenticated"]),
                Case(
                    name: "malformed token", client: base.authorized("not-a-token"), expect: [401],
                    codes: ["unauthenticated"]),
                Case(
                    name: "unknown token", client: base.authorized("kua_" + String(repeating: "A", count: 43)),
                    expect: [401], codes: ["unauthenticated"]),
                Case(name: "revoked session", client: revokedSession, expect: [401], codes: ["token_revoked"]),
            ]
            if endpoint.access == .device {
                cases.append(Case(name: "user session", client: f.admin, expect: [403], codes: ["forbidden"]))
                cases.append(Case(name: "field worker session", client: worker, expect: [403], codes: ["forbidden"]))
            }
            if case .staff(let roles) = endpoint.access {
                cases.append(Case(name: "field worker session", client: worker, expect: [403], codes: ["forbidden"]))
                cases.append(Case(name: "device token", client: device, expect: [403], codes: ["forbidden"]))
                if !roles.contains(.auditor) {
                    cases.append(Case(name: "auditor", client: auditor, expect: [403], codes: ["forbidden"]))
                }
                // Objects of another centre or region are not found (existence is not revealed);
                // regions are reference data every staff role reads.
                if endpoint.pattern.contains(":id") && !endpoint.pattern.contains("/regions/") {
                    if roles.contains(.centreSupervisor) {
                        cases.append(
                            Case(name: "other career centre", client: otherCentre, expect: [404], codes: ["not_found"]))
                    }
                    // An endpoint of national roles only (Rules 2 para 47, the evaluator) has no other region.
                    let sameRole: TestHTTPClient? =
                        roles.contains(.regionAdmin)
                        ? otherRegion
                        : roles.contains(.migrationOfficer)
                            ? otherOfficer : roles.contains(.aicStaff) ? otherStaff : nil
                    if let sameRole {
                        cases.append(Case(name: "other region", client: sameRole, expect: [404], codes: ["not_found"]))
                    }
                }
            }
            for c in cases {
                let r = try send(endpoint.methodName, path, c.client, f)
                if endpoint.methodName == "HEAD" {
                    // A HEAD answer has no body: the status alone tells (tus HEAD included).
                    #expect(c.expect.contains(r.status), "HEAD \(endpoint.pattern) [\(c.name)] → \(r)")
                } else {
                    #expect(
                        c.expect.contains(r.status) && c.codes.contains(r.code ?? ""),
                        "\(endpoint.methodName) \(endpoint.pattern) [\(c.name)] → \(r)")
                    #expect(r.headers["content-type"] == "application/problem+json")
                }
                if endpoint.pattern.hasPrefix("/v1/uploads") { #expect(r.headers["tus-resumable"] == "1.0.0") }
                if r.status == 401 { #expect(r.headers["www-authenticate"]?.hasPrefix("Bearer realm=") == true) }
                checked += 1
            }
        }
        // Expired: the same valid session after its 8 h lifetime, on every endpoint.
        try f.server.setClockOffset(seconds: 9 * 3600)
        for endpoint in EndpointTable.all where endpoint.access != .open {
            let path = try #require(f.path(for: endpoint.pattern))
            let r = try send(endpoint.methodName, path, expiring, f)
            let code = endpoint.methodName == "HEAD" ? "token_expired" : r.code
            #expect(r.status == 401 && code == "token_expired", "\(endpoint.pattern) expired → \(r)")
            checked += 1
        }
        try f.server.setClockOffset(seconds: 0)
        #expect(checked > 200)
        #expect(try f.digest() == before, "a rejected request changed the store")
    }

    func send(_ method: String, _ path: String, _ client: TestHTTPClient, _ f: Fixture) throws -> TestResponse {
        if method == "GET" || method == "HEAD" { return try client.send(method, path) }
        return try client.json(method, path, "{}", idempotencyKey: f.key())
    }

    @Test func lists_showOnlyTheCallersScope() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let centre0 = Set(f.seed.families[0..<5])
        let supervisor = try f.server.login("super12")
        let families = try supervisor.get("/v1/admin/families?limit=500")
        let seen = Set(((families.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
        #expect(seen.count == 5)
        #expect(seen.isDisjoint(with: centre0))
        let region2 = try f.server.login("region2")
        let regionFamilies = try region2.get("/v1/admin/families?limit=500")
        #expect(((regionFamilies.object["items"] as? [[String: Any]]) ?? []).count == 10)
        let users = try supervisor.get("/v1/admin/users?limit=500")
        let centres = Set(
            ((users.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["career_centre_id"] as? String })
        #expect(centres == [f.seed.centres[1]])
    }

    @Test func bodyReferenceOutsideScope_isForbiddenOutOfScope() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let supervisor = try f.server.login("super12")
        let before = try f.digest()
        let r = try supervisor.json(
            "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(f.user("worker111"))\"}", idempotencyKey: f.key())
        #expect(r.status == 403 && r.code == "out_of_scope")
        let plan = try supervisor.json(
            "POST", "/v1/admin/plans", "{\"family_id\":\"\(f.seed.families[0])\",\"items\":[]}", idempotencyKey: f.key()
        )
        #expect(plan.status == 403 && plan.code == "out_of_scope")
        let promote = try supervisor.json(
            "POST", "/v1/admin/users",
            "{\"username\":\"boss\",\"display_name\":\"B\",\"role\":\"centre_supervisor\","
                + "\"career_centre_id\":\"\(f.seed.centres[1])\",\"password\":\"long-enough-password\"}",
            idempotencyKey: f.key())
        #expect(promote.status == 403 && promote.code == "out_of_scope")
        #expect(try f.digest() == before)
    }
}

extension AuthorizationMatrixTests {
    @Test func auditLog_showsASupervisorOnlyItsCentresActors() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        _ = try f.server.login("super11")
        let supervisor = try f.server.login("super12")
        let r = try supervisor.get("/v1/admin/audit?limit=500")
        let actors = Set(((r.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["actor_id"] as? String })
        #expect(actors == [f.user("super12")])
        let national = try f.admin.get("/v1/admin/audit?limit=500&action=user.login")
        #expect(((national.object["items"] as? [[String: Any]]) ?? []).count == 3)
    }
}
