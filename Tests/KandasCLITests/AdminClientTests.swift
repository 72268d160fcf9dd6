import Foundation
import KandasClient
import KandasProtocol
import Testing

@testable import KandasCLI

@Suite struct AdminClientTests {
    func client(_ server: FakeAdminServer) -> AdminClient {
        AdminClient(baseURL: FakeAdminServer.base + "/", token: "kua_secret", transport: server, makeKey: { "k-1" })
    }

    @Test func getRequests_carryTheBearerToken_andNoIdempotencyKey() async throws {
        let server = FakeAdminServer()
        await server.route("GET /v1/admin/users", FakeAdminServer.json(Page(items: [FakeAdminServer.user("a.b")])))
        let users = try await client(server).list("/admin/users", query: [("role", "field_worker")], as: User.self)
        #expect(users.map(\.username) == ["a.b"])
        let request = try #require(await server.requests.first)
        #expect(request.header("Authorization") == "Bearer kua_secret")
        #expect(request.header("Idempotency-Key") == nil)
        #expect(request.query == ["role": "field_worker", "limit": "500"])
    }

    @Test func lists_followPageTokens() async throws {
        let server = FakeAdminServer()
        await server.route(
            "GET /v1/admin/users",
            FakeAdminServer.json(Page(items: [FakeAdminServer.user("one")], nextPageToken: "p2")),
            FakeAdminServer.json(Page(items: [FakeAdminServer.user("two")])))
        let users = try await client(server).list("/admin/users", as: User.self)
        #expect(users.map(\.username) == ["one", "two"])
        #expect(await server.requests.map { $0.query["page_token"] } == [nil, "p2"])
    }

    @Test func unsafeRequests_carryAnIdempotencyKey_reusedOnRetry() async throws {
        let server = FakeAdminServer()
        await server.dropping(1)
        let revoked = DeviceRevokeRequest(reason: "lost")
        await server.route("POST /v1/admin/devices/x/revoke", FakeAdminServer.json(["ok": true]))
        _ = try await client(server).send("POST", "/admin/devices/x/revoke", json: revoked, as: [String: Bool].self)
        let requests = await server.requests
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.header("Idempotency-Key") == "k-1" })
        #expect(requests[1].header("Content-Type") == "application/json")
        #expect(requests[1].bodyText == #"{"reason":"lost"}"#)
    }

    @Test func loginAndLogout_takeNoIdempotencyKey() async throws {
        let server = FakeAdminServer()
        await server.route("POST /v1/auth/logout", TransportResponse(status: 204))
        _ = try await client(server).send("POST", "/auth/logout")
        #expect(await server.requests.first?.header("Idempotency-Key") == nil)
    }

    @Test func problems_becomeErrorsWithTheCodeAndFields() async throws {
        let server = FakeAdminServer()
        await server.route(
            "POST /v1/admin/users",
            FakeAdminServer.problem(
                422, "invalid_field", "username is taken",
                errors: [FieldError(pointer: "/username", code: "conflict", detail: "exists")]))
        let error = try await #require(throws: CLIError.self) {
            _ = try await client(server).send("POST", "/admin/users", json: ["a": 1], as: User.self)
        }
        #expect(error.code == "invalid_field" && error.exitCode == 1)
        #expect(error.message.contains("username is taken"))
        #expect(error.message.contains("/username: conflict (exists)"))
        #expect(error.message.contains("[invalid_field, HTTP 422]"))
    }

    @Test func expiredSession_saysToLogInAgain() async throws {
        let server = FakeAdminServer()
        await server.route("GET /v1/admin/devices", FakeAdminServer.problem(401, "token_expired", "idle"))
        let error = try await #require(throws: CLIError.self) {
            _ = try await client(server).get("/admin/devices", as: Page<Device>.self)
        }
        #expect(error.hint?.contains("kandas admin login") == true)
    }

    @Test func nonKandasAnswers_sayToCheckTheURL() async throws {
        let server = FakeAdminServer()
        await server.route("GET /v1/admin/regions", TransportResponse(status: 404, body: Array("<html>".utf8)))
        let error = try await #require(throws: CLIError.self) {
            _ = try await client(server).get("/admin/regions", as: Page<RegionInfo>.self)
        }
        #expect(error.code == "http_404" && error.hint?.contains("base URL") == true)
    }

    @Test func queryValues_arePercentEncoded() {
        let url = client(FakeAdminServer()).url("/admin/x", [("cutoff", "2026-11-05T00:00:00+05:00"), ("q", "a&b")])
        #expect(url == "http://admin.test/v1/admin/x?cutoff=2026-11-05T00:00:00%2B05:00&q=a%26b")
    }
}
