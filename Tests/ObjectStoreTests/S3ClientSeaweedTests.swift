import Crypto
import Foundation
import KandasTestSupport
import ObjectStore
import Testing

/// The S3 client against a real store that checks SigV4 signatures (SeaweedFS on loopback).
@Suite(.serialized) struct S3ClientSeaweedTests {
    private func temporaryFile(_ bytes: [UInt8]) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("s3-\(UUID())").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    private func pattern(_ count: Int, seed: UInt8 = 7) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    @Test func objects_roundTripWithRangesListingAndDelete() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket("evidence")
        let s3 = store.client(bucket: "evidence")
        let bytes = pattern(300_000)
        let path = temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let hash = SHA256.hash(bytes).hex

        try s3.putObject(key: "blobs/ab/cd/\(hash)", file: path, sha256: hash, ifNoneMatch: true)
        #expect(try s3.headObject(key: "blobs/ab/cd/\(hash)")?.size == 300_000)
        #expect(try s3.headObject(key: "blobs/ab/cd/missing") == nil)
        #expect(try s3.getObject(key: "blobs/ab/cd/\(hash)") == bytes)

        var ranged: [UInt8] = []
        let (status, _) = try s3.getObject(key: "blobs/ab/cd/\(hash)", range: 1000...1999) { chunk in
            ranged += chunk
            return true
        }
        #expect(status == 206)
        #expect(ranged == Array(bytes[1000...1999]))

        try s3.putObject(key: "blobs/other", bytes: [1, 2, 3])
        var keys: [String] = []
        try s3.forEachObject(prefix: "blobs/") { keys.append($0.key) }
        #expect(keys == ["blobs/ab/cd/\(hash)", "blobs/other"])
        try s3.deleteObject(key: "blobs/other")
        #expect(try s3.headObject(key: "blobs/other") == nil)
    }

    @Test func ifNoneMatch_keepsTheFirstObjectAndReportsAlreadyExists() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket("evidence")
        let s3 = store.client(bucket: "evidence")
        try s3.putObject(key: "k", bytes: [1], ifNoneMatch: true)
        #expect(throws: S3Error.self) { try s3.putObject(key: "k", bytes: [2], ifNoneMatch: true) }
        do {
            try s3.putObject(key: "k", bytes: [2], ifNoneMatch: true)
        } catch {
            #expect(error.kind == .alreadyExists)
        }
        #expect(try s3.getObject(key: "k") == [1])
    }

    @Test func multipartUploads_joinPartsAndAbortDropsThem() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket("evidence")
        let s3 = store.client(bucket: "evidence")
        let size = Int(S3Client.minimumPartSize) + 1234
        let bytes = pattern(size, seed: 3)
        let path = temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }

        let id = try s3.createMultipartUpload(key: "tus/one")
        let first = try s3.uploadPart(
            key: "tus/one", uploadID: id, number: 1, fd: fd, offset: 0, length: S3Client.minimumPartSize, sha256: nil)
        let second = try s3.uploadPart(
            key: "tus/one", uploadID: id, number: 2, fd: fd, offset: S3Client.minimumPartSize, length: 1234,
            sha256: SHA256.hash(Array(bytes[Int(S3Client.minimumPartSize)...])).hex)
        #expect(try s3.listParts(key: "tus/one", uploadID: id).map(\.number) == [1, 2])
        #expect(try s3.listMultipartUploads(prefix: "tus/").map(\.uploadID) == [id])
        try s3.completeMultipartUpload(key: "tus/one", uploadID: id, parts: [first, second])
        #expect(try s3.getObject(key: "tus/one") == bytes)

        let abandoned = try s3.createMultipartUpload(key: "tus/two")
        try s3.abortMultipartUpload(key: "tus/two", uploadID: abandoned)
        #expect(try s3.listMultipartUploads(prefix: "tus/two").isEmpty)
    }

    @Test func aWrongSecret_isRefusedWith403() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        try store.createBucket("evidence")
        let s3 = store.client(bucket: "evidence", secret: "not-the-secret")
        do {
            try s3.putObject(key: "k", bytes: [1])
            Issue.record("a wrong secret was accepted")
        } catch {
            #expect(error.kind == .accessDenied)
            #expect(error.status == 403)
        }
    }

    @Test func aMissingBucketAndAnUnreachableStore_areTellableApart() throws {
        let store = try SeaweedServer()
        defer { store.stop() }
        #expect {
            try store.client(bucket: "nope").checkBucket()
        } throws: { ($0 as? S3Error)?.kind == .noSuchBucket }
        let closed = S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:9", bucket: "b", accessKeyID: "a", secretAccessKey: "s"))
        #expect {
            try closed.checkBucket()
        } throws: { ($0 as? S3Error)?.kind == .unavailable }
    }
}
