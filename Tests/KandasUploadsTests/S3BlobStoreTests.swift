import Crypto
import Foundation
import KandasTestSupport
import ObjectStore
import Testing

@testable import KandasUploads

struct S3BlobStoreTests {
    /// A `kill -9` mid-`PUT` can leave SeaweedFS holding an empty object under the content address
    /// (found by `make soak` with 200 upload trials on S3): `add` must not take it for the blob.
    @Test func aWrongSizedObjectUnderTheContentAddress_isReplaced_notTakenForTheBlob() throws {
        let dir = TemporaryFolder()
        defer { dir.remove() }
        let s3 = try SeaweedServer()
        defer { s3.stop() }
        try s3.createBucket("evidence")
        let client = s3.client(bucket: "evidence")
        let store = S3BlobStore(client: client, prefix: "blobs")
        let data = Sample.pdf(70_000)
        let sha = SHA256.hash(data).hex
        _ = FileManager.default.createFile(atPath: dir.path + "/a", contents: Data(data))
        _ = try client.putObject(key: store.key(sha), bytes: [])

        let stored = try store.add(fileAt: dir.path + "/a", sha256: sha)
        #expect(!stored.alreadyPresent && stored.size == 70_000)
        #expect(try store.size(sha256: sha) == 70_000)
        var read: [UInt8] = []
        try store.read(sha256: sha, range: nil) { chunk in
            read.append(contentsOf: chunk)
            return true
        }
        #expect(read.count == data.count && SHA256.hash(read).hex == sha)
        // A second add finds the right object and writes nothing.
        #expect(try store.add(fileAt: dir.path + "/a", sha256: sha).alreadyPresent)
    }
}
