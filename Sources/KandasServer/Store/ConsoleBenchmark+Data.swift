import Foundation
import KandasDomain
import KandasProtocol
import KandasStore

/// The console benchmark's data: bulk completions over the demo's items, and a sample to filter by.
extension ConsoleBenchmark {
    /// Inserts `count` completions spread over the demo's items, workers, months and review states.
    static func fill(_ app: KandasApp, completions count: Int) throws {
        try app.database.writeSync { db in
            let items = try db.query(
                "SELECT i.id, i.plan_id, i.family_id, i.member_id, i.service_code, f.region_id, f.career_centre_id,"
                    + " (SELECT user_id FROM family_workers w WHERE w.family_id = f.id LIMIT 1) AS worker"
                    + " FROM plan_items i JOIN families f ON f.id = i.family_id ORDER BY i.rowid")
            let states = ["pending", "pending", "approved", "has_issues", "rejected"]
            let base: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
            try db.transaction {
                // One device of the first worker sends every completion's `complete` event (a
                // completion's device is its event's, migration 0041); its events follow the store's.
                let device = "00000000-0000-4000-8000-000000000001"
                _ = try db.run(
                    "INSERT INTO devices(id, bin_id, user_id, device_uuid, platform, app_version, status, enrolled_at)"
                        + " VALUES(?, kid(?), ?, 'console-bench', 'cli', '1.0.0', 'active', 0)"
                        + " ON CONFLICT(id) DO NOTHING",
                    values: [.text(device), .text(device), items.first?["worker"] ?? .null])
                let firstSeq = (try db.queryOne("SELECT max(seq) AS n FROM device_events")?.optionalInt("n") ?? 0) + 1
                let events = try db.prepare(
                    "INSERT INTO device_events(seq, device_id, device_seq, event_id, original, type, item_id, body,"
                        + " received_at, recorded_at, clock_skew_ms, outcome, completion_id, completion_rev, base_version)"
                        + " VALUES(?, kid('\(device)'), ?, kid(?), 1, 'complete', kid(?), '', ?, ?, 0, 'accepted',"
                        + " kid(?), 1, 1)")
                // IDs as the push writes them: blobs on SQLite (0046, 0047, 0049).
                let statement = try db.prepare(
                    "INSERT INTO completions(id, item_id, region_id, career_centre_id,"
                        + " service_code, user_id, state, rev, is_primary, performed_at, recorded_at,"
                        + " received_at, clock_skew_ms, note, \(StoredLocation.names.joined(separator: ", ")),"
                        + " files_declared, files_verified, review_state, event_seq, updated_at, missing_bits)"
                        + " VALUES(?,kid(?),kid(?),kid(?),?,kid(?),'active',1,1,?,?,?,0,?,?,?,?,?,?,?,?,2,?,?,?,?,?)")
                let files = try db.prepare(
                    "INSERT INTO attachments(id, completion_id, device_id, position, kind, content_type, size, sha256,"
                        + " captured_at, source, state, received_bytes, verified_at, declared_at)"
                        + " VALUES(?,?,'00000000-0000-4000-8000-000000000001',?,?,?,1000,?,?,'camera',?,0,?,?)")
                for n in 0..<count {
                    let item = items[n % items.count]
                    let completionID = UUID().uuidString.lowercased()
                    let performed = base + Int64(n) * 280_000  // about 10 months for 100,000 rows
                    // Spread over the country's extent, so the map draws points all over it.
                    let latitude = 41.0 + Double(n % 1000) * 0.013
                    let longitude = 50.0 + Double((n / 1000) % 100) * 0.37
                    let location = Geolocation(
                        latitude: latitude, longitude: longitude, accuracyMeters: 10,
                        fixTime: Timestamp(millisecondsSince1970: 1_767_225_600_000), provider: .gps, mock: false)
                    try statement.bind(
                        [
                            .text(completionID), item["id"], item["region_id"], item["career_centre_id"],
                            item["service_code"], item["worker"], .integer(performed),
                            .integer(performed + 60_000), .integer(performed + 120_000), .text("bench note \(n)"),
                        ] + StoredLocation.values(location) + [
                            .integer(Int64(n % 3 == 0 ? 1 : 2)), .text(states[n % states.count]),
                            .integer(firstSeq + Int64(n)),
                            .integer(performed),
                            // What the sync path stores: a completion with a file still receiving does not count yet.
                            .integer(
                                n % 3 == 0
                                    ? try EvidenceBits.storedMask([EvidenceRule.unverifiedFiles], EvidenceBits.missing)
                                    : 0),
                        ])
                    try events.bind([
                        .integer(firstSeq + Int64(n)), .integer(firstSeq + Int64(n)),
                        .text(UUID().uuidString.lowercased()),
                        item["id"], .integer(performed + 120_000), .integer(performed + 60_000), .text(completionID),
                    ])
                    try events.run()
                    try statement.run()
                    // Two files each: a verified photo and a video, still receiving for every third completion.
                    for position in 0..<2 {
                        let verified = position == 0 || n % 3 != 0
                        try files.bind([
                            .text(UUID().uuidString.lowercased()), .text(completionID), .integer(Int64(position)),
                            .text(position == 0 ? "photo" : "video"),
                            .text(position == 0 ? "image/jpeg" : "video/mp4"),
                            .text(String(repeating: position == 0 ? "a" : "b", count: 64)), .integer(performed),
                            .text(verified ? "verified" : "receiving"),
                            verified ? .integer(performed + 86_400_000) : .null, .integer(performed + 120_000),
                        ])
                        try files.run()
                    }
                }
            }
            // Bulk rows are not a push: SQLite has no completion insert trigger to count them (0031).
            try ConsoleRollups.recount(db)
            _ = try db.run("ANALYZE")
        }
    }

    /// The region, member IIN and worker of one completion (the filters the benchmark renders).
    static func sampleCompletion(_ db: any DatabaseConnection) throws -> (String, String, String) {
        let row = try db.queryOne(
            "SELECT ktext(c.region_id) AS region_id, m.iin, ktext(c.user_id) AS user_id FROM completions c JOIN members m ON m.id = \(CompletionStore.memberSQL())"
                + " LIMIT 1")
        return (
            row?.optionalString("region_id") ?? "", row?.optionalString("iin") ?? "",
            row?.optionalString("user_id") ?? ""
        )
    }
}
