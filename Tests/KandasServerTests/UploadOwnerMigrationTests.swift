import Foundation
import SQLiteKit
import Testing

@testable import KandasServer

/// `0009-uploads-owned-by-user` (issue 14 finding 4): uploads a device created before the upgrade
/// belong to its user afterwards, so a device enrolled again for the same worker finds them.
@Suite struct UploadOwnerMigrationTests {
    @Test func uploadsOwnedByADevice_belongToItsUserAfterTheUpgrade() throws {
        let directory = NSTemporaryDirectory() + "kandas-owner-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let db = try Connection(path: directory + "/kandas.sqlite")
        var old = Migrator()
        for migration in Schema.migrator.migrations where migration.name != "0009-uploads-owned-by-user" {
            old.register(migration.name, migration.body)
        }
        try old.migrate(db)
        let user = "00000000-0000-4000-8000-0000000000a1"
        _ = try db.run(
            "INSERT INTO users(id, username, display_name, role, active, password_hash, version, created_at,"
                + " updated_at) VALUES(?, 'national', 'N', 'national_admin', 1, 'x', 1, 0, 0)", user)
        let device = "00000000-0000-4000-8000-0000000000d1"
        _ = try db.run(
            "INSERT INTO devices(id, user_id, device_uuid, platform, app_version, status, enrolled_at)"
                + " VALUES(?, ?, ?, 'cli', '1.0', 'active', 0)", device, user, device)
        for (upload, owner) in [("a1", device), ("a2", "not-a-device")] {
            _ = try db.run(
                "INSERT INTO tus_uploads(upload_id, owner, attachment_id, length, offset, sha256, content_type, kind,"
                    + " metadata, state, created_at, updated_at) VALUES(?, ?, ?, 10, 0, 'x', 'image/jpeg', 'photo',"
                    + " '', 'receiving', 0, 0)", upload, owner, upload)
        }
        #expect(try Schema.migrator.migrate(db) == ["0009-uploads-owned-by-user"])
        let owners = try db.query("SELECT upload_id, owner FROM tus_uploads ORDER BY upload_id").map {
            try $0.string("owner")
        }
        #expect(owners == [user, "not-a-device"])
    }
}
