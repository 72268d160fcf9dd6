import Foundation
import KandasProtocol
import Testing

@testable import KandasCLI

@Suite struct AdminSessionTests {
    func temporaryHome() -> String { NSTemporaryDirectory() + "kandas-session-" + UUID().uuidString + "/home" }

    @Test func saveThenLoad_roundTrips_withOwnerOnlyModes() throws {
        let home = temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) }
        let session = AdminSession(
            serverURL: "https://k.kz", accessToken: "kua_x", expiresAt: Timestamp(millisecondsSince1970: 5),
            username: "boss", role: .auditor)
        try session.save(home: home)
        #expect(try AdminSession.load(home: home) == session)
        let file = try FileManager.default.attributesOfItem(atPath: AdminSession.path(home: home))
        let folder = try FileManager.default.attributesOfItem(atPath: home)
        #expect(file[.posixPermissions] as? Int == 0o600 && folder[.posixPermissions] as? Int == 0o700)
        #expect(!FileManager.default.fileExists(atPath: AdminSession.path(home: home) + ".tmp"))
        AdminSession.delete(home: home)
        #expect(try AdminSession.load(home: home) == nil)
    }

    @Test func damagedFile_isAnErrorSayingToLogInAgain() throws {
        let home = temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: (home as NSString).deletingLastPathComponent) }
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: AdminSession.path(home: home)))
        let error = try #require(throws: CLIError.self) { try AdminSession.load(home: home) }
        #expect(error.hint?.contains("admin login") == true)
    }

    @Test func expiredSession_isRefusedBeforeAnyRequest() async throws {
        let server = FakeAdminServer()
        let harness = Harness(transport: server)
        defer { harness.cleanup() }
        try AdminSession(
            serverURL: FakeAdminServer.base, accessToken: "kua_x", expiresAt: Timestamp(millisecondsSince1970: 5),
            username: "boss", role: .auditor
        ).save(home: harness.home)
        let result = await harness.capture(["admin", "users", "list"])
        #expect(result.status == 1 && result.err.contains("expired") && result.err.contains("--user boss"))
        #expect(await server.requests.isEmpty)
    }

    @Test func logout_revokesOnTheServer_andDeletesTheFile() async throws {
        let server = FakeAdminServer()
        await server.route("POST /v1/auth/logout", .init(status: 204))
        let harness = Harness(transport: server)
        defer { harness.cleanup() }
        try AdminSession(
            serverURL: FakeAdminServer.base, accessToken: "kua_x", expiresAt: .now(), username: "boss",
            role: .auditor
        ).save(home: harness.home)
        #expect(await harness.run(["admin", "logout"]) == 0)
        #expect(await server.requests.first?.header("Authorization") == "Bearer kua_x")
        #expect(!FileManager.default.fileExists(atPath: AdminSession.path(home: harness.home)))
    }
}
