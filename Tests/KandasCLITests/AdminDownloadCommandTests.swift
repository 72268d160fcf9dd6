import Foundation
import KandasClient
import KandasProtocol
import Testing

@testable import KandasCLI

/// `kandas admin download` against a scripted admin API.
@Suite struct AdminDownloadCommandTests {
    static let bytes: [UInt8] = [0xFF, 0xD8, 0xFF] + (0..<997).map { UInt8($0 % 251) }
    /// `sha256sum` of ``bytes``.
    static let sha256 = "61f767096751796efd5a458d88126b1f2689493da87fb65ada7ea8128ba6525b"

    static func file(_ state: UploadState, sha256: String = Self.sha256) -> EvidenceFile {
        EvidenceFile(
            attachmentID: .random(), completionID: .random(), kind: .photo, contentType: "image/jpeg",
            size: bytes.count, sha256: sha256, capturedAt: FakeAdminServer.now, source: .camera,
            uploadState: state, receivedBytes: state == .verified ? bytes.count : 120)
    }

    func harness(_ server: FakeAdminServer) throws -> Harness {
        try AdminCommandsTests().loggedIn(server)
    }

    @Test func verifiedFile_isFetchedByRange_checkedAndWritten() async throws {
        let server = FakeAdminServer()
        let file = Self.file(.verified)
        await server.route("GET /v1/admin/attachments/\(file.attachmentID)", FakeAdminServer.json(file))
        await server.route(
            "GET /v1/admin/attachments/\(file.attachmentID)/content",
            TransportResponse(status: 206, headers: [("Content-Range", "bytes 0-999/1000")], body: Self.bytes))
        let harness = try harness(server)
        defer { harness.cleanup() }
        let out = harness.root + "/photo.jpg"
        let result = await harness.capture(["admin", "download", file.attachmentID.description, "--out", out])
        #expect(result.status == 0, "\(result.err)")
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out))) == Self.bytes)
        let request = try #require(await server.requests.last)
        #expect(request.header("Range") == "bytes=0-999")
        #expect(request.header("If-Range") == "\"\(file.sha256)\"")
    }

    @Test func bytesThatDoNotMatchTheHash_leaveNoFile() async throws {
        let server = FakeAdminServer()
        let file = Self.file(.verified, sha256: String(repeating: "0", count: 64))
        await server.route("GET /v1/admin/attachments/\(file.attachmentID)", FakeAdminServer.json(file))
        await server.route(
            "GET /v1/admin/attachments/\(file.attachmentID)/content", TransportResponse(status: 206, body: Self.bytes))
        let harness = try harness(server)
        defer { harness.cleanup() }
        let out = harness.root + "/photo.jpg"
        let result = await harness.capture(["admin", "download", file.attachmentID.description, "--out", out])
        #expect(result.status == 1)
        #expect(result.err.contains("do not match the declared SHA-256"), "\(result.err)")
        #expect(!FileManager.default.fileExists(atPath: out) && !FileManager.default.fileExists(atPath: out + ".part"))
    }

    @Test func fileNotVerified_namesItsState_andFetchesNoBytes() async throws {
        let server = FakeAdminServer()
        let file = Self.file(.corrupt)
        await server.route("GET /v1/admin/attachments/\(file.attachmentID)", FakeAdminServer.json(file))
        let harness = try harness(server)
        defer { harness.cleanup() }
        let out = harness.root + "/photo.jpg"
        let result = await harness.capture(["admin", "download", file.attachmentID.description, "--out", out])
        #expect(result.status == 1)
        #expect(result.err.contains("upload state corrupt"), "\(result.err)")
        #expect(await server.requests.count == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func missingOut_orBadID_isAUsageError() async throws {
        let harness = try harness(FakeAdminServer())
        defer { harness.cleanup() }
        #expect(await harness.capture(["admin", "download", WireID.random().description]).status == 64)
        #expect(await harness.capture(["admin", "download", "nope", "--out", harness.root + "/x"]).status == 64)
    }
}
