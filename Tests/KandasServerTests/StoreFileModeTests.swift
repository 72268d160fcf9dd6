import Foundation
import KandasTestSupport
import Testing

/// Issue 14 finding 10: the store holds password and token hashes and IINs, so its files are
/// created 0600 whatever the data folder's mode, and a folder others may read is reported at start.
@Suite(.serialized) struct StoreFileModeTests {
    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int).flatMap { $0 }
    }

    @Test func storeFilesAndBackups_are0600_inAFolderOthersMayRead() throws {
        let f = try Fixture()
        defer { f.server.cleanup() }
        let dir = f.server.dataDirectory
        // The test created the folder with its own umask (0755): readable by others.
        #expect(chmod(dir, 0o755) == 0)
        // A write makes sure the WAL and its index exist while the server runs.
        _ = try f.admin.json(
            "POST", "/v1/admin/enrollment-codes", "{\"user_id\":\"\(f.user("worker111"))\"}", idempotencyKey: f.key())
        for suffix in ["", "-wal", "-shm"] {
            let path = dir + "/kandas.sqlite" + suffix
            #expect(Self.mode(path) == 0o600, "\(path): \(String(Self.mode(path) ?? -1, radix: 8))")
        }
        let destination = dir + "/backup-copy.sqlite"
        let (status, output) = try ServerProcess.run(["backup", "--data", dir, "--to", destination])
        #expect(status == 0, "\(output)")
        #expect(Self.mode(destination) == 0o600)
    }

    @Test func aStoreLeftReadableByOthers_isTightenedAndTheFolderReported() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kandas-mode-" + UUID().uuidString.lowercased()
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(chmod(dir, 0o755) == 0)
        let (status, output) = try ServerProcess.run(["migrate", "--data", dir])
        #expect(status == 0, "\(output)")
        #expect(output.contains("data folder is readable by other users"), "\(output)")
        #expect(Self.mode(dir + "/kandas.sqlite") == 0o600)
        // A store an older version left 0644 is tightened at the next start.
        #expect(chmod(dir + "/kandas.sqlite", 0o644) == 0)
        #expect(chmod(dir, 0o700) == 0)
        let (again, quiet) = try ServerProcess.run(["migrate", "--data", dir])
        #expect(again == 0)
        #expect(!quiet.contains("readable by other users"), "\(quiet)")
        #expect(Self.mode(dir + "/kandas.sqlite") == 0o600)
    }
}
