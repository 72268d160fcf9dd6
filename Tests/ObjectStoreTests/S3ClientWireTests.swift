import Crypto
import Foundation
import ObjectStore
import Testing

/// What the S3 client sends, seen by a loopback recorder: libcurl 7.88 signs the query as written
/// and the empty payload for uploads unless told otherwise, so both must be right on the wire.
@Suite struct S3ClientWireTests {
    private func client(_ server: RecordingServer) -> S3Client {
        S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:\(server.port)", bucket: "evidence", accessKeyID: "AKID",
                secretAccessKey: "secret"))
    }

    @Test func createMultipartUpload_sendsTheCanonicalUploadsQuery() throws {
        let server = try RecordingServer(
            responseBody: "<InitiateMultipartUploadResult><UploadId>u-1</UploadId></InitiateMultipartUploadResult>")
        defer { server.stop() }
        let id = try client(server).createMultipartUpload(key: "tus/abc")
        #expect(id == "u-1")
        let request = try #require(server.requests.first)
        #expect(request.requestLine == "POST /evidence/tus/abc?uploads= HTTP/1.1")
        #expect(request.header("x-amz-content-sha256") == S3Client.emptyPayloadHash)
    }

    @Test func uploadPart_sendsSortedQueryAndThePayloadHashItWasGiven() throws {
        let server = try RecordingServer()
        defer { server.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("s3-part-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = Array("hello part".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let hash = SHA256.hash(bytes).hex
        let part = try client(server).uploadPart(
            key: "k", uploadID: "a b", number: 3, fd: fd, offset: 0, length: Int64(bytes.count), sha256: hash)
        #expect(part.etag == "etag-1")
        let request = try #require(server.requests.first)
        #expect(request.requestLine == "PUT /evidence/k?partNumber=3&uploadId=a%20b HTTP/1.1")
        #expect(request.header("x-amz-content-sha256") == hash)
        #expect(request.body == bytes)
    }

    @Test func aFileUploadWithoutAHash_isSentAsUnsignedPayload() throws {
        let server = try RecordingServer()
        defer { server.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("s3-put-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = FileManager.default.createFile(atPath: path, contents: Data("x".utf8))
        try client(server).putObject(key: "k", file: path, sha256: nil, ifNoneMatch: true)
        let request = try #require(server.requests.first)
        #expect(request.header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD")
        #expect(request.header("If-None-Match") == "*")
    }

    @Test func everyRequest_isSignedWithSigV4OverThePayloadHash() throws {
        let server = try RecordingServer()
        defer { server.stop() }
        _ = try client(server).headObject(key: "ab/cd/x")
        let request = try #require(server.requests.first)
        let authorization = try #require(request.header("Authorization"))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKID/"))
        #expect(authorization.contains("/us-east-1/s3/aws4_request"))
        #expect(authorization.contains("x-amz-content-sha256"))
        #expect(!authorization.contains("secret"))
        #expect(request.header("x-amz-date") != nil)
    }
}
