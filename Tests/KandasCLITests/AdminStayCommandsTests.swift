import Foundation
import KandasClient
import KandasProtocol
import Testing

@testable import KandasCLI

/// `kandas admin stay ...` (Rules 1) against a scripted admin API.
@Suite struct AdminStayCommandsTests {
    func loggedIn(_ server: FakeAdminServer) throws -> Harness {
        let harness = Harness(transport: server)
        let session = AdminSession(
            serverURL: FakeAdminServer.base, accessToken: "kua_token",
            expiresAt: Timestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000),
            username: "officer", role: .migrationOfficer)
        try session.save(home: harness.home)
        return harness
    }

    static let centre = WireID("7a1d0c3e-2b4f-4a5e-9c6d-000000000501")!
    static let application = StayApplication(
        id: WireID("7a1d0c3e-2b4f-4a5e-9c6d-000000000701")!, centreID: centre,
        regionID: WireID("5f0c1a2e-3b4d-4e6f-8a9b-000000000101")!,
        journalID: WireID("7a1d0c3e-2b4f-4a5e-9c6d-000000000601")!, serial: 3, registrationNumber: "1-3",
        registeredOn: CalendarDate("2026-12-07")!, appliedOn: CalendarDate("2026-12-07")!, addressee: "A",
        birthPlace: "Ulgii", countryOfOrigin: "Mongolia", kandasStatusDocument: "KS-1", familyMembers: 1,
        persons: [
            StayPerson(
                id: WireID("7a1d0c3e-2b4f-4a5e-9c6d-000000000801")!, fullName: "Erzhan S.",
                birthDate: CalendarDate("1984-03-12")!, kinship: "applicant", adult: true),
            StayPerson(
                id: WireID("7a1d0c3e-2b4f-4a5e-9c6d-000000000802")!, fullName: "Aigul S.",
                birthDate: CalendarDate("1987-07-01")!, kinship: "spouse", adult: true),
        ], status: .reserve, queuePosition: 2, reserveReason: "coupon_missing", version: 1,
        createdAt: FakeAdminServer.now, updatedAt: FakeAdminServer.now)

    @Test func register_sendsTheAnnex2Application_withItsMembers_andPrintsTheJournalNumber() async throws {
        let server = FakeAdminServer()
        await server.route("POST /v1/admin/stay/applications", FakeAdminServer.json(Self.application, status: 201))
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        let result = await harness.capture([
            "admin", "stay", "register", "--centre", Self.centre.description, "--addressee", "A", "--name", "Erzhan S.",
            "--birth-date", "1984-03-12", "--birth-place", "Ulgii", "--country", "Mongolia", "--status-document",
            "KS-1", "--applied", "2026-12-07", "--member", "Aigul S.|1987-07-01|spouse",
        ])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("journal no. 1-3") && result.out.contains("NO COUPON"))
        let request = try #require(await server.requests.first)
        #expect(request.header("Idempotency-Key") != nil)
        let body = try JSONCoding.decode(StayApplicationCreate.self, from: Data(request.body))
        #expect(body.familyMembers == 1 && body.members.first?.kinship == "spouse")
    }

    @Test func next_printsJSON_andAProblemExitsOneWithItsCode() async throws {
        let server = FakeAdminServer()
        await server.route(
            "POST /v1/admin/stay/centres/\(Self.centre)/reserve/next",
            FakeAdminServer.problem(409, "coupon_missing", "no internal affairs coupon recorded for 1 adult(s)"))
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        let result = await harness.capture(["admin", "stay", "next", Self.centre.description])
        #expect(result.status == 1)
        #expect(result.err.contains("coupon_missing") || result.err.contains("coupon"), "\(result.err)")
    }

    @Test func badArguments_areUsageErrors_beforeAnyRequest() async throws {
        let server = FakeAdminServer()
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        #expect(await harness.run(["admin", "stay", "register", "--centre", "nope"]) == 64)
        #expect(
            await harness.run([
                "admin", "stay", "decide", Self.centre.description, "--decision", "maybe", "--on", "2027-03-25",
                "--document", "D",
            ]) == 64)
        #expect(await harness.run(["admin", "stay", "vacate", Self.centre.description, "--on", "2027-02-30"]) == 64)
        #expect(await server.requests.isEmpty)
    }
}
