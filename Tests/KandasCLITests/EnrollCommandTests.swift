import Foundation
import KandasClient
import KandasProtocol
import Testing

@testable import KandasCLI

@Suite struct EnrollCommandTests {
    @Test func expiredCode_exits1_sayingToAskForANewOne_andLeavesTheDeviceUnenrolled() async throws {
        let server = FakeAdminServer()
        await server.route("GET /v1/limits", FakeAdminServer.json(Limits.default))
        await server.route("POST /v1/auth/enroll", FakeAdminServer.problem(410, "enrollment_code_expired", "expired"))
        let harness = Harness(transport: server)
        defer { harness.cleanup() }
        let result = await harness.capture(["enroll", "--server", FakeAdminServer.base, "--code", "OLDCODE"])
        #expect(result.status == 1)
        #expect(result.err.contains("hint: ask an administrator for a new enrollment code"))
        #expect(await harness.capture(["status", "--json"]).out.contains("\"enrolled\" : false"))
    }

    @Test func urlThatIsNotKandas_exits1_sayingToCheckTheURL() async throws {
        let server = FakeAdminServer()
        await server.route("GET /v1/limits", TransportResponse(status: 404, body: Array("<html>".utf8)))
        let harness = Harness(transport: server)
        defer { harness.cleanup() }
        let result = await harness.capture(["enroll", "kandas1:\(FakeAdminServer.base)#ABCDEF"])
        #expect(result.status == 1 && result.err.contains("not a Kandas server"))
        #expect(result.err.contains("hint: check the server URL"))
    }

    @Test func jsonOutput_namesTheDeviceAndServer() async throws {
        let server = SeedServer()
        let harness = Harness(transport: server)
        defer { harness.cleanup() }
        let result = await harness.capture([
            "enroll", "--server", SeedServer.base, "--code", SeedServer.code, "--name", "Tablet 3", "--json",
        ])
        let value = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: String]
        #expect(value?["server_url"] == SeedServer.base && value?["device_id"]?.count == 36)
    }
}
