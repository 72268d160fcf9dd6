import Crypto
import Foundation
import KandasTestSupport
import Testing

@testable import KandasUploads

struct LocalBlobStoreTests {
    @Test func identicalContent_isStoredOnceUnderItsHash() throws {
        let dir = TemporaryFolder()
        defer { dir.remove() }
        let store = try LocalBlobStore(root: dir.path + "/blobs")
        let data = Sample.pdf(4096)
        let sha = SHA256.hash(data).hex
        for name in ["a", "b"] {
            _ = FileManager.default.createFile(atPath: dir.path + "/" + name, contents: Data(data))
        }
        let first = try store.add(fileAt: dir.path + "/a", sha256: sha)
        let second = try store.add(fileAt: dir.path + "/b", sha256: sha)
        #expect(!first.alreadyPresent && second.alreadyPresent)
        #expect(first.size == 4096)
        let path = try #require(store.localPath(sha256: sha))
        #expect(path == dir.path + "/blobs/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)")
        #expect(readFile(path) == data)
        #expect(try store.contains(sha256: sha))
        // The caller's file stays until the caller has committed its records.
        #expect(fileSize(dir.path + "/a") == 4096)
    }

    @Test func nonHexNames_areRefused() throws {
        let dir = TemporaryFolder()
        defer { dir.remove() }
        let store = try LocalBlobStore(root: dir.path + "/blobs")
        _ = FileManager.default.createFile(atPath: dir.path + "/a", contents: Data([1]))
        #expect(throws: UploadError.self) { try store.add(fileAt: dir.path + "/a", sha256: "../../etc/passwd") }
        #expect(store.localPath(sha256: "../x") == nil)
        #expect(try !store.contains(sha256: String(repeating: "A", count: 64)))
    }
}
