import Crypto
import Foundation
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// `kandas-server verify` on a real data folder: clean, then an orphan, a corrupt and a missing blob.
@Suite(.serialized) struct BlobVerifierTests {
    @Test func verify_reportsMismatchesOrphansAndMissingBlobsWithExitOne() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let bytes = Array("a photo's bytes".utf8)
        let sha = SHA256.hash(bytes).hex
        let file = SyncFixture.file(size: bytes.count, sha: sha)
        _ = try s.results(d, [SyncFixture.complete(d, item: item, member: member, files: [file])])
        s.server.stop()
        let root = s.server.dataDirectory + "/blobs"
        let path = BlobVerifier.path(root: root, sha256: sha)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        do {
            let db = SQLiteConnectionAdapter(try Connection(path: s.server.databasePath))
            try db.transaction(.immediate) {
                try AttachmentStore.attachmentVerified(
                    db: db, attachmentID: file["attachment_id"] as? String ?? "", sha256: sha, size: Int64(bytes.count),
                    blobKey: sha, at: 1_800_000_000_000)
            }
        }
        let data = ["--data", s.server.dataDirectory]
        let (clean, output) = try ServerProcess.run(["verify"] + data)
        #expect(clean == 0, "\(output)")
        #expect(output.contains("verified 1 blobs"))

        let orphanBytes = Array("nobody declared me".utf8)
        let orphan = BlobVerifier.path(root: root, sha256: SHA256.hash(orphanBytes).hex)
        try FileManager.default.createDirectory(
            atPath: (orphan as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(orphanBytes).write(to: URL(fileURLWithPath: orphan))
        let (status1, out1) = try ServerProcess.run(["verify"] + data)
        #expect(status1 == 1 && out1.contains("orphan"), "\(out1)")
        try FileManager.default.removeItem(atPath: orphan)

        try Data("tampered bytes!".utf8).write(to: URL(fileURLWithPath: path))
        let (status2, out2) = try ServerProcess.run(["verify"] + data)
        #expect(status2 == 1 && out2.contains("mismatch"), "\(out2)")

        try FileManager.default.removeItem(atPath: path)
        let (status3, out3) = try ServerProcess.run(["verify"] + data)
        #expect(status3 == 1 && out3.contains("missing \(sha)"), "\(out3)")
    }
}
