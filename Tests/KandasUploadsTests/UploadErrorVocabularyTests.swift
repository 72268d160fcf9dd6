import Foundation
import HTTPServer
import KandasProtocol
import Testing

@testable import KandasUploads

/// Issue 18 item 4: the upload path has one error vocabulary (`UploadError`) and one way to the wire.
struct UploadErrorVocabularyTests {
    struct Undeclared: UploadErrorConvertible {
        var uploadError: UploadError { UploadError(.unknownAttachment, detail: "not declared") }
    }
    struct Unrelated: Error {}

    @Test func aCreationCheckErrorOfTheSyncSide_keepsItsCodeAndDetail() {
        let error = UploadError.creationCheck(Undeclared())
        #expect(error.code == .unknownAttachment)
        #expect(error.detail == "not declared")
    }

    @Test func anyOtherCreationCheckFailure_isAnInternalError() {
        #expect(UploadError.creationCheck(Unrelated()).code == .internalError)
        #expect(UploadError.creationCheck(UploadError(.rateLimited)).code == .rateLimited)
    }

    @Test func aHeaderTheProtocolModuleRefuses_keepsItsCode() throws {
        do {
            _ = try UploadChecksum(header: "crc32 AAAA")
            Issue.record("accepted an unknown algorithm")
        } catch {
            #expect(UploadError(error).code == error.code)
        }
    }

    @Test(arguments: [
        UploadError(.uploadOffsetMismatch, detail: "offset is 10", uploadOffset: 10),
        UploadError(.chunkTooLarge, detail: "too large", limit: 64),
        UploadError(.insufficientStorage, detail: "disk full"),
        UploadError(.internalError, detail: "pwrite failed", operation: "pwrite", path: "/data/x", errno: 5),
    ])
    func aProblemAnswered_isTheProblemAConsumerThrows(error: UploadError) throws {
        let f = try UploadFixture(live: false)
        defer { f.dir.remove() }
        let handlers = TusHandlers(store: f.store)
        let request = HTTPRequest(
            method: .patch, target: "/v1/uploads/x", path: "/v1/uploads/x", requestID: "r-1")
        let answered = handlers.problem(error, request)
        let thrown = ProblemRenderer(typePrefix: "urn:kandas:problem:").response(
            handlers.httpError(error, request), request: request)
        #expect(answered.status.code == error.status)
        #expect(answered.headers["Upload-Offset"] == thrown.headers["Upload-Offset"])
        #expect(answered.headers["Retry-After"] == thrown.headers["Retry-After"])
        guard case .bytes(let a) = answered.body, case .bytes(let b) = thrown.body else {
            Issue.record("not a byte body")
            return
        }
        #expect(a == b)
        let problem = try JSONDecoder().decode(Problem.self, from: Data(a))
        #expect(problem.code == error.code.rawValue)
        #expect(problem.type == error.code.typeURI)
        #expect(problem.title == error.code.title)
        #expect(problem.uploadOffset == error.uploadOffset.map { Int($0) })
        #expect(problem.limit == error.limit.map { Int($0) })
        #expect(problem.requestID == "r-1")
        // Internals (paths, errno) never reach the client.
        #expect(!String(decoding: a, as: UTF8.self).contains("/data/x"))
    }
}
