import Foundation
import KandasProtocol
import Testing

@testable import KandasClient

@Suite struct EnrollTests {
    @Test func enrollment_storesTheDeviceAndTokensWithMode0600() async throws {
        let f = try await Fixture.make(enroll: false)
        defer { f.cleanup() }
        #expect(try await f.client.enrollment() == nil)
        let notYet = await #expect(throws: ClientError.self) { try await f.client.sync() }
        #expect(notYet?.code == .notEnrolled)
        let enrollment = try await f.client.enroll(
            payload: "kandas1:\(FakeServer.base)/#aaaa-bbbb-cccc-dddd-eeee-ffff-gg")
        #expect(enrollment.deviceID == (await f.server.deviceID))
        #expect(enrollment.serverURL == FakeServer.base)
        let mode = try FileManager.default.attributesOfItem(atPath: f.root + "/home/credentials.json")[
            .posixPermissions]
        #expect((mode as? NSNumber)?.intValue == 0o600)
        let database = try String(contentsOfFile: f.root + "/home/client.sqlite", encoding: .isoLatin1)
        #expect(!database.contains("kda_test"))
    }

    @Test(arguments: [
        (FakeServer.expiredCode, ClientError.Code.enrollmentCodeExpired),
        (FakeServer.usedCode, .enrollmentCodeUsed),
        ("ZZZZZZZZZZZZZZZZZZZZZZZZZZ", .enrollmentCodeInvalid),
        ("not a code!", .invalidInput),
    ])
    func badCode_isRefusedClearlyAndNothingIsStored(code: String, expected: ClientError.Code) async throws {
        let f = try await Fixture.make(enroll: false)
        defer { f.cleanup() }
        let error = await #expect(throws: ClientError.self) {
            try await f.client.enroll(serverURL: FakeServer.base, code: code)
        }
        #expect(error?.code == expected)
        #expect(try await f.client.enrollment() == nil)
        #expect(!FileManager.default.fileExists(atPath: f.root + "/home/credentials.json"))
    }

    @Test func wrongServerURL_isToldApartFromAnUnreachableOne() async throws {
        let f = try await Fixture.make(enroll: false) { $0.maxAttempts = 1 }
        defer { f.cleanup() }
        await f.server.configure { $0.notKandas = true }
        let wrong = await #expect(throws: ClientError.self) {
            try await f.client.enroll(serverURL: FakeServer.base, code: FakeServer.goodCode)
        }
        #expect(wrong?.code == .wrongServer)
        let unreachable = await #expect(throws: ClientError.self) {
            try await f.client.enroll(serverURL: "http://elsewhere.test", code: FakeServer.goodCode)
        }
        #expect(unreachable?.code == .network)
        let malformed = await #expect(throws: ClientError.self) {
            try await f.client.enroll(serverURL: "ftp://x", code: FakeServer.goodCode)
        }
        #expect(malformed?.code == .invalidInput)
    }
}
