import Foundation
import KandasClient
import KandasProtocol
import Testing

@testable import KandasCLI

/// Admin commands against a scripted admin API.
@Suite struct AdminCommandsTests {
    static let now = FakeAdminServer.now

    /// A harness logged in to `server` (the session is written as `admin login` writes it).
    func loggedIn(_ server: FakeAdminServer) throws -> Harness {
        let harness = Harness(transport: server)
        let session = AdminSession(
            serverURL: FakeAdminServer.base, accessToken: "kua_token",
            expiresAt: Timestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000) + 3_600_000),
            username: "boss", role: .regionAdmin)
        try session.save(home: harness.home)
        return harness
    }

    @Test func login_storesTheSessionOwnerOnly_andNeverPrintsTheToken() async throws {
        let server = FakeAdminServer()
        let user = FakeAdminServer.user("boss", role: .regionAdmin)
        await server.route(
            "POST /v1/auth/login",
            FakeAdminServer.json(
                LoginResponse(
                    accessToken: "kua_very_secret", tokenType: "Bearer", expiresAt: Self.now, idleTimeoutSeconds: 1800,
                    user: user)))
        var harness = Harness(transport: server)
        harness.variables["KANDAS_PASSWORD"] = "correct horse battery"
        defer { harness.cleanup() }
        let result = await harness.capture(["admin", "login", "--server", FakeAdminServer.base + "/", "--user", "boss"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("Logged in as boss (region_admin)"))
        #expect(!result.out.contains("kua_") && !result.err.contains("kua_"))
        let request = try #require(await server.requests.first)
        #expect(request.path == "/v1/auth/login" && request.header("Idempotency-Key") == nil)
        #expect(try JSONCoding.decode(LoginRequest.self, from: Data(request.body)).password == "correct horse battery")
        let path = AdminSession.path(home: harness.home)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try AdminSession.load(home: harness.home)?.serverURL == FakeAdminServer.base)
    }

    @Test func login_onATerminal_promptsForThePassword() async throws {
        let server = FakeAdminServer()
        await server.route(
            "POST /v1/auth/login",
            FakeAdminServer.json(
                LoginResponse(
                    accessToken: "kua_t", tokenType: "Bearer", expiresAt: Self.now, idleTimeoutSeconds: 1800,
                    user: FakeAdminServer.user("boss", role: .auditor))))
        var harness = Harness(transport: server)
        harness.typedSecret = "typed at the prompt"
        defer { harness.cleanup() }
        #expect(await harness.run(["admin", "login", "--server", FakeAdminServer.base, "--user", "boss"]) == 0)
        let body = try #require(await server.requests.first).body
        #expect(try JSONCoding.decode(LoginRequest.self, from: Data(body)).password == "typed at the prompt")
    }

    @Test func usersCreate_takesThePasswordFromTheEnvironment_andChecksItsLength() async throws {
        let server = FakeAdminServer()
        await server.route("POST /v1/admin/users", FakeAdminServer.json(FakeAdminServer.user("d.n"), status: 201))
        var harness = try loggedIn(server)
        defer { harness.cleanup() }
        let line = [
            "admin", "users", "create", "--username", "d.n", "--name", "D N", "--role", "field_worker", "--centre",
            "0b9d5c1e-6f0a-4c3e-9d2b-7a8e5f1c2d3b",
        ]
        harness.variables["KANDAS_NEW_PASSWORD"] = "short"
        let refused = await harness.capture(line)
        #expect(refused.status == 1 && refused.err.contains("12 to 256 characters"))
        #expect(await server.requests.isEmpty)
        harness.variables["KANDAS_NEW_PASSWORD"] = "a long enough passphrase"
        let created = await harness.capture(line)
        #expect(created.status == 0 && created.out.contains("Created field_worker d.n"))
        let body = try #require(await server.requests.last)
        let user = try JSONCoding.decode(UserCreate.self, from: Data(body.body))
        #expect(user.password == "a long enough passphrase" && user.careerCentreID != nil)
        #expect(!created.out.contains("passphrase"))
    }

    @Test func topLevelLogin_signsInLikeAdminLogin_andStoresTheSameSession() async throws {
        let server = FakeAdminServer()
        await server.route(
            "POST /v1/auth/login",
            FakeAdminServer.json(
                LoginResponse(
                    accessToken: "kua_top", tokenType: "Bearer", expiresAt: Self.now, idleTimeoutSeconds: 1800,
                    user: FakeAdminServer.user("boss", role: .centreSupervisor))))
        var harness = Harness(transport: server)
        harness.variables["KANDAS_PASSWORD"] = "correct horse battery"
        defer { harness.cleanup() }
        let result = await harness.capture(["login", "--server", FakeAdminServer.base, "--user", "boss"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("Logged in as boss (centre_supervisor)") && !result.out.contains("kua_"))
        let request = try #require(await server.requests.first)
        #expect(try JSONCoding.decode(LoginRequest.self, from: Data(request.body)).username == "boss")
        #expect(try AdminSession.load(home: harness.home)?.username == "boss")
    }

    @Test func login_withWrongPassword_exits1_andStoresNothing() async throws {
        let server = FakeAdminServer()
        await server.route("POST /v1/auth/login", FakeAdminServer.problem(401, "invalid_credentials", "no"))
        var harness = Harness(transport: server)
        harness.variables["KANDAS_PASSWORD"] = "wrong"
        defer { harness.cleanup() }
        let result = await harness.capture(["admin", "login", "--server", FakeAdminServer.base, "--user", "boss"])
        #expect(result.status == 1 && result.err.contains("invalid_credentials"))
        #expect(try AdminSession.load(home: harness.home) == nil)
    }

    @Test func adminCommands_withoutASession_sayToLogIn() async {
        let harness = Harness(transport: FakeAdminServer())
        defer { harness.cleanup() }
        let result = await harness.capture(["admin", "devices", "list"])
        #expect(result.status == 1 && result.err.contains("kandas admin login"))
    }

    @Test func codesCreate_resolvesTheUserName_andPrintsCodePayloadAndExpiry() async throws {
        let server = FakeAdminServer()
        let worker = FakeAdminServer.user("d.nurlanov")
        await server.route("GET /v1/admin/users", FakeAdminServer.json(Page(items: [worker])))
        let created = EnrollmentCodeCreated(
            id: .random(), userID: worker.id, code: "K7QJ3M4XZ2W5PN6RB8TD9YHC4E",
            payload: "kandas1:https://k.kz#K7QJ3M4XZ2W5PN6RB8TD9YHC4E", expiresAt: Self.now, createdAt: Self.now)
        await server.route("POST /v1/admin/enrollment-codes", FakeAdminServer.json(created, status: 201))
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        let result = await harness.capture(["admin", "codes", "create", "--user", "d.nurlanov", "--ttl", "3600"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("Code:    K7QJ3M4XZ2W5PN6RB8TD9YHC4E"))
        #expect(result.out.contains("Payload: kandas1:https://k.kz#K7QJ3M4XZ2W5PN6RB8TD9YHC4E"))
        #expect(result.out.contains("Expires: "))
        let post = try #require(await server.requests.last)
        #expect(post.header("Authorization") == "Bearer kua_token" && post.header("Idempotency-Key") == "key-1")
        let body = try JSONCoding.decode(EnrollmentCodeRequest.self, from: Data(post.body))
        #expect(body == EnrollmentCodeRequest(userID: worker.id, ttlSeconds: 3600))
    }

    @Test func review_postsTheDecisionAndComment() async throws {
        let server = FakeAdminServer()
        let completion = WireID.random()
        let review = Review(
            id: .random(), completionID: completion, decision: .hasIssues, comment: "blurry", reviewerID: .random(),
            reviewerName: "Boss", createdAt: Self.now)
        await server.route(
            "POST /v1/admin/completions/\(completion)/reviews", FakeAdminServer.json(review, status: 201))
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        let result = await harness.capture([
            "admin", "review", completion.description, "--has-issues", "--comment", "blurry",
        ])
        #expect(result.status == 0 && result.out.contains("Recorded has_issues"))
        let body = try #require(await server.requests.last).bodyText
        #expect(body == #"{"comment":"blurry","decision":"has_issues"}"#)
    }

    @Test func monthlyReport_resolvesTheRegionCode_andWritesTheBytesAsServed() async throws {
        let server = FakeAdminServer()
        let region = RegionInfo(id: .random(), code: "KZ-11", kind: .region, nameKk: "А", nameRu: "А", nameEn: "A")
        await server.route("GET /v1/admin/regions", FakeAdminServer.json(Page(items: [region])))
        let csv: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("№,ЖСН\r\n1,900101300123\r\n".utf8)
        await server.route("GET /v1/admin/reports/monthly", TransportResponse(status: 200, body: csv))
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        let out = harness.root + "/annex3.csv"
        let result = await harness.capture([
            "admin", "report", "monthly", "--region", "kz-11", "--month", "2026-10", "--out", out,
        ])
        #expect(result.status == 0, "\(result.err)")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out))) == csv)
        let query = try #require(await server.requests.last).query
        #expect(query == ["region_id": region.id.description, "month": "2026-10", "format": "csv"])
    }

    @Test func para39_reportSubmit_sendsTheRequest_andPrintsTheRecordAsJSON() async throws {
        let server = FakeAdminServer()
        let region = RegionInfo(id: .random(), code: "KZ-11", kind: .region, nameKk: "А", nameRu: "А", nameEn: "A")
        await server.route("GET /v1/admin/regions", FakeAdminServer.json(Page(items: [region])))
        let due = try #require(CalendarDate("2026-11-05"))
        let record = ReportSubmission(
            id: .random(), regionID: region.id, month: "2026-10", cutoff: Self.now, format: "csv",
            sha256: String(repeating: "a", count: 64), size: 10, recipient: "LEB-SPE", submittedBy: .random(),
            submittedAt: Self.now, due: due, late: false)
        await server.route("POST /v1/admin/reports/monthly/submissions", FakeAdminServer.json(record, status: 201))
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        let result = await harness.capture([
            "admin", "report", "submit", "--region", "KZ-11", "--month", "2026-10", "--recipient", "LEB-SPE", "--json",
        ])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("\"sha256\" : \"aaaa"))
        let body = try #require(await server.requests.last).bodyText
        #expect(body == #"{"month":"2026-10","recipient":"LEB-SPE","region_id":"\#(region.id.description)"}"#)
    }

    @Test func importWithFailedRows_printsTheRows_andExits1() async throws {
        let server = FakeAdminServer()
        let report = ImportReport(
            id: .random(), format: .csv, dryRun: true, createdAt: Self.now, rowsTotal: 3, rowsOk: 2, rowsFailed: 1,
            familiesCreated: 0, plansCreated: 0,
            rows: [
                ImportRow(
                    row: 3, familyRef: "F2", status: .error,
                    errors: [ImportFieldError(field: "iin", code: "invalid_iin", detail: "check digit")])
            ])
        await server.route("POST /v1/admin/imports", FakeAdminServer.json(report))
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        let file = harness.root + "/families.csv"
        try Data("family_ref,iin\nF1,900101300123\n".utf8).write(to: URL(fileURLWithPath: file))
        let result = await harness.capture(["admin", "import", file, "--dry-run"])
        #expect(result.status == 1)
        #expect(result.out.contains("Dry run: 2 of 3 row(s) ok, 1 failed"))
        #expect(result.out.contains("iin: invalid_iin (check digit)"))
        let request = try #require(await server.requests.last)
        #expect(request.query["dry_run"] == "true" && request.header("Content-Type") == "text/csv; charset=utf-8")
        #expect(request.bodyText.hasPrefix("family_ref,iin"))
    }

    @Test func familiesShow_masksIINs_inTablesAndJSON() async throws {
        let server = FakeAdminServer()
        let family = Family(
            id: .random(), regionID: .random(), careerCentreID: .random(), assignedWorkerIDs: [],
            settlement: Settlement(name: "Ақсу"), quotaInclusionDate: CalendarDate("2026-01-10")!,
            consentRecorded: true, version: 1, createdAt: Self.now, updatedAt: Self.now)
        let member = Member(
            id: .random(), familyID: family.id, iin: "900101300123", lastName: "Сейітов", firstName: "Ерлан",
            birthDate: CalendarDate("1990-01-01")!, relation: .head, version: 1, createdAt: Self.now,
            updatedAt: Self.now)
        await server.route(
            "GET /v1/admin/families/\(family.id)", FakeAdminServer.json(FamilyDetail(family: family, members: [member]))
        )
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        let table = await harness.capture(["admin", "families", "show", family.id.description])
        #expect(table.out.contains("********0123") && !table.out.contains("900101300123"))
        #expect(table.out.contains("Сейітов Ерлан"))
        let json = await harness.capture(["admin", "families", "show", family.id.description, "--json"])
        #expect(json.out.contains("********0123") && !json.out.contains("1990-01-01"))

        let plan = Plan(
            id: .random(), familyID: family.id, status: .published, version: 4, createdAt: Self.now,
            updatedAt: Self.now, publicationLate: true)
        let item = PlanItem(
            id: .random(), planID: plan.id, familyID: family.id, memberID: member.id, serviceCode: 1,
            dueDate: CalendarDate("2026-12-01")!, status: .completed, version: 2, completionCount: 1,
            createdAt: Self.now, updatedAt: Self.now)
        await server.route("GET /v1/admin/plans", FakeAdminServer.json(Page(items: [plan])))
        await server.route(
            "GET /v1/admin/plans/\(plan.id)", FakeAdminServer.json(PlanDetail(plan: plan, items: [item])))
        let withPlan = await harness.capture(["admin", "families", "show", family.id.description, "--plan"])
        #expect(withPlan.status == 0, "\(withPlan.err)")
        #expect(withPlan.out.contains("published, version 4") && withPlan.out.contains("(published late)"))
        #expect(withPlan.out.contains("2026-12-01  completed  1. ") && withPlan.out.contains("Сейітов Ерлан"))
        #expect(await server.requests.contains { $0.query["family_id"] == family.id.description })
    }

    @Test func devicesList_showsQueueDepth_andRevokeSendsTheReason() async throws {
        let server = FakeAdminServer()
        var device = Device(
            id: .random(), userID: .random(), deviceUUID: .random(), platform: .cli, appVersion: "kandas-cli/0.1.0",
            status: .active, enrolledAt: Self.now, lastDeviceSeq: 41,
            clientStatus: ClientStatus(
                outboxEvents: 3, outboxBytes: 900, filesPending: 2, bytesPending: 10, appVersion: "kandas-cli/0.1.0"))
        await server.route("GET /v1/admin/devices", FakeAdminServer.json(Page(items: [device])))
        device.status = .revoked
        await server.route("POST /v1/admin/devices/\(device.id)/revoke", FakeAdminServer.json(device))
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        let list = await harness.capture(["admin", "devices", "list", "--status", "active"])
        #expect(list.out.contains("3 ev, 2 files") && list.out.contains("41"))
        let revoke = await harness.capture(["admin", "devices", "revoke", device.id.description, "--reason", "lost"])
        #expect(revoke.status == 0 && revoke.out.contains("(revoked)"))
        #expect(try #require(await server.requests.last).bodyText == #"{"reason":"lost"}"#)
    }

    @Test func para37_cardsList_showsDeadDeliveries_andRetrySendsThemAgain() async throws {
        let server = FakeAdminServer()
        var forward = CardForward(
            id: .random(), completionID: .random(), familyID: .random(), state: .dead, attempts: 12,
            nextAttemptAt: nil, lastStatus: 503, lastError: "http_503", deliveredAt: nil, createdAt: Self.now,
            updatedAt: Self.now)
        await server.route("GET /v1/admin/card-forwards", FakeAdminServer.json(Page(items: [forward])))
        forward.state = .pending
        forward.attempts = 0
        await server.route("POST /v1/admin/card-forwards/\(forward.id)/retry", FakeAdminServer.json(forward))
        let harness = try loggedIn(server)
        defer { harness.cleanup() }
        let list = await harness.capture(["admin", "cards", "list", "--state", "dead"])
        #expect(list.status == 0 && list.out.contains("http_503") && list.out.contains(forward.id.description))
        #expect(await server.requests.last?.query["state"] == "dead")
        let retry = await harness.capture(["admin", "cards", "retry", forward.id.description])
        #expect(retry.status == 0 && retry.out.contains("pending again"), "\(retry.out)")
        let bad = await harness.capture(["admin", "cards", "list", "--state", "lost"])
        #expect(bad.status == 64)
    }
}
