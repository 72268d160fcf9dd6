import Foundation
import KandasDomain
import KandasProtocol
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// The console's counters (migration 0023) are kept by triggers in the transaction of each write
/// (a push adds its completions' counters once per batch, migrations 0030 and 0031): after
/// pushes, file verification, a corrupt file, reviews (approve, reject), a conflict and its
/// resolution by voiding, what they hold is exactly what a full recount of the rows gives, on
/// both engines.
@Suite(.serialized) struct ConsoleCountersTests {

    /// The counters as stored, zeros left out (a recount has no zero rows).
    static func snapshot(_ db: any DatabaseConnection) throws -> [String] {
        try db.query(
            "SELECT metric, region_id, career_centre_id, bucket, n FROM console_counts WHERE n <> 0"
                + " ORDER BY metric, region_id, career_centre_id, bucket"
        ).map { r in
            "\(try r.string("metric")) \(try r.string("region_id").prefix(8)) \(try r.string("career_centre_id").prefix(8))"
                + " \(try r.int("bucket")) \(try r.int("n"))"
        }
            + (try db.query(
                "SELECT family_id, active FROM console_family_counts WHERE active <> 0 ORDER BY family_id"
            ).map { r in "family \(try r.string("family_id").prefix(8)) \(try r.int("active"))" })
    }

    /// The counters kept so far against a recount inside a transaction that is rolled back.
    func expectCountersMatchARecount(_ data: ConsoleData, _ step: String) throws {
        let db = try data.store()
        let kept = try Self.snapshot(db)
        var recounted: [String] = []
        _ = try? db.transaction {
            try ConsoleRollups.recount(db)
            recounted = try Self.snapshot(db)
            throw TestSupportError("roll back")
        }
        #expect(!kept.isEmpty, "\(step)")
        #expect(kept == recounted, "\(step): kept \(kept)\nrecount \(recounted)")
    }

    @Test(arguments: StoreEngine.allCases)
    func counters_equalAFullRecount_afterPushVerifyReviewRejectConflictAndResolve(engine: StoreEngine) throws {
        let server = try ServerProcess(engine: engine)
        let data = try ConsoleData(server)
        func db() throws -> any DatabaseConnection { try data.store() }
        func expectCountersMatchARecount(_ step: String) throws { try self.expectCountersMatchARecount(data, step) }
        let seed = try #require(server.seed)
        let mine = try data.family(seed.families[0])
        let theirs = try data.family(seed.families[15])
        let photo = ConsoleData.File(
            kind: "photo", contentType: "image/png", bytes: Array(repeating: 7, count: 64), name: "a.png")
        let video = ConsoleData.File(
            kind: "video", contentType: "video/mp4", bytes: Array(repeating: 8, count: 64), name: "b.mp4")
        let first = try data.complete(
            family: seed.families[0], item: mine.items[0], worker: mine.worker,
            performedAt: "2026-11-20T06:00:00.000Z", note: nil, location: (43.2, 76.9), files: [photo, video])
        let second = try data.complete(
            family: seed.families[15], item: theirs.items[0], worker: theirs.worker,
            performedAt: "2026-11-21T06:00:00.000Z", note: nil, location: nil, files: [])
        try expectCountersMatchARecount("push")
        // Rejected after its completion row was written (the photo's attachment ID with other bytes):
        // the event's writes roll back to its savepoint, and so do its counts.
        var clash = photo
        clash.bytes = Array(repeating: 5, count: 64)
        try data.complete(
            family: seed.families[0], item: mine.items[0], worker: mine.worker,
            performedAt: "2026-11-22T06:00:00.000Z", note: nil, location: (43.2, 76.9), files: [clash],
            outcome: "rejected")
        try expectCountersMatchARecount("rejected push")
        // One batch adds its completions' counters once (migrations 0030, 0031): located or not,
        // incomplete or not, and an event rejected after its completion row was written mid-batch.
        let recurring = try #require(
            try mine.items.first(where: {
                try ServiceCatalog.service(code: $0["service_code"] as? Int ?? 1).recurrence != .once
            }))
        var clashAgain = photo
        clashAgain.bytes = Array(repeating: 6, count: 64)
        let note = ConsoleData.File(
            kind: "document", contentType: "application/pdf", bytes: Array("%PDF-1.4 batch".utf8), name: "n.pdf")
        try data.completeBatch(
            worker: mine.worker,
            [
                .init(item: recurring, performedAt: "2026-11-23T06:00:00.000Z", location: (43.2, 76.9)),
                .init(
                    item: recurring, performedAt: "2026-11-23T07:00:00.000Z", files: [clashAgain],
                    outcome: "rejected"),
                .init(item: recurring, performedAt: "2026-11-30T06:00:00.000Z", note: "next week"),
                .init(item: recurring, performedAt: "2026-11-30T07:00:00.000Z", files: [note]),
            ])
        try expectCountersMatchARecount("batch")
        try data.verify(photo)
        try expectCountersMatchARecount("verify")
        try data.execute("UPDATE attachments SET state = 'corrupt' WHERE id = ?", [video.id])
        try expectCountersMatchARecount("corrupt file")
        for (completion, decision) in [(first, "approve"), (second, "reject"), (first, "has_issues")] {
            let r = try data.admin.json(
                "POST", "/v1/admin/completions/\(completion)/reviews",
                "{\"decision\":\"\(decision)\",\"comment\":\"checked\"}",
                idempotencyKey: "review-\(UUID().uuidString.prefix(12))")
            #expect(r.status == 201 || r.status == 200, "\(r)")
        }
        try expectCountersMatchARecount("reviews")

        // A duplicate of a once-only item (with a file still waiting) opens a conflict; voiding
        // the duplicate resolves it and takes its waiting file out of the backlog.
        var conflictID: String?
        for family in seed.families {
            let f = try data.family(family)
            guard
                let item = try f.items.first(where: {
                    try ServiceCatalog.service(code: $0["service_code"] as? Int ?? 1).recurrence == .once
                })
            else { continue }
            for (day, file) in [("2026-11-18", nil), ("2026-11-19", "dup.png")] {
                try data.complete(
                    family: family, item: item, worker: f.worker, performedAt: day + "T06:00:00.000Z",
                    note: "note of \(day)", location: nil,
                    files: file.map {
                        [
                            ConsoleData.File(
                                kind: "photo", contentType: "image/png", bytes: Array(repeating: 9, count: 32), name: $0
                            )
                        ]
                    } ?? [])
            }
            let open = try data.admin.get("/v1/admin/conflicts?status=open").object["items"] as? [[String: Any]]
            conflictID = open?.first?["id"] as? String
            break
        }
        let id = try #require(conflictID)
        try expectCountersMatchARecount("conflict opened")
        let r = try data.admin.json(
            "POST", "/v1/admin/conflicts/\(id)/resolve",
            "{\"resolution\":\"void_completion\",\"comment\":\"the same visit twice\"}",
            idempotencyKey: "resolve-\(UUID().uuidString.prefix(12))")
        #expect(r.status == 200, "\(r)")
        try expectCountersMatchARecount("conflict resolved")
        let voided = try db().queryOne("SELECT count(*) AS n FROM completions WHERE state = 'voided'")?.int("n")
        #expect((voided ?? 0) >= 1, "\(r.object)")

        // What the pictures read from the counters: region 1's administrator sees its own only.
        let region = try db().queryOne("SELECT region_id FROM families WHERE id = ?", seed.families[0])?.string(
            "region_id")
        let p = SyncSchemaTests.regionAdmin(try #require(region))
        let map = try ChartStore.map(try db(), for: p, filter: .init())
        #expect(map.totals["has_issues"] == 1)
        #expect(map.totals["rejected"] == nil)
        // A supervisor reads the counters of its centre only, the same numbers a count of the rows gives.
        let centres = try db().query("SELECT id FROM career_centres ORDER BY id").map { try $0.string("id") }
        for centre in centres {
            let supervisor = SyncSchemaTests.supervisor(centre)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let totals = try ChartStore.map(try db(), for: supervisor, filter: .init()).totals.values.reduce(0, +)
            let active = try db().queryOne(
                "SELECT count(*) AS n FROM completions WHERE state = 'active' AND career_centre_id = kid(?)", centre)?
                .int(
                    "n")
            #expect(Int64(totals) == active, "centre \(centre)")
            let received = try ChartStore.trends(try db(), for: supervisor, filter: .init(), now: now).weeks.map(
                \.received)
            let rows = try db().queryOne(
                "SELECT count(*) AS n FROM completions WHERE career_centre_id = kid(?) AND received_at >= ?", centre,
                ChartStore.boundaries(now: now, weeks: 12)[0])?.int("n")
            #expect(Int64(received.reduce(0, +)) == rows, "centre \(centre)")
        }
    }

    /// Migration 0031 on a store filled under 0030: every completion and counter stays, the
    /// completion insert trigger goes (the other counter triggers stay), and completions inserted
    /// the way a push does are counted once, by the push.
    @Test func upgradeTo0031_keepsEveryRowAndCounter_andAPushCountsItsCompletions() throws {
        let s = try SyncSchemaTests.OldStore(before: "0031-console-counts-by-push-sqlite")
        let db = SQLiteConnectionAdapter(s.db)
        let rows = try db.query("SELECT id FROM completions ORDER BY rowid").map { try $0.string("id") }
        let counters = try Self.snapshot(db)
        #expect(rows.count == 200)
        #expect(try Schema.migrator.migrate(s.db).first == "0031-console-counts-by-push-sqlite")
        #expect(try db.query("SELECT id FROM completions ORDER BY rowid").map { try $0.string("id") } == rows)
        #expect(try Self.snapshot(db) == counters)
        func recounted() throws -> [String] {
            var recount: [String] = []
            _ = try? db.transaction {
                try ConsoleRollups.recount(db)
                recount = try Self.snapshot(db)
                throw TestSupportError("roll back")
            }
            return recount
        }
        #expect(try Self.snapshot(db) == recounted())
        let triggers = Set(
            try db.query("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'console_counts_%'")
                .map { try $0.string("name") })
        #expect(
            triggers == [
                "console_counts_completion_update", "console_counts_file_insert", "console_counts_file_update",
                "console_counts_conflict_insert", "console_counts_conflict_update",
            ])
        try db.transaction {
            let counts = try ConsoleRollups.PushCounts.start(db)
            for n in 1...3 {
                let location =
                    n == 2
                    ? Geolocation(
                        latitude: 43.2, longitude: 76.9, accuracyMeters: 5,
                        fixTime: Timestamp(millisecondsSince1970: 0),
                        provider: .gps, mock: false) : nil
                let missing: Int64 = n == 3 ? 1 : 0
                let received = 1_767_225_600_000 + Int64(n) * ConsoleRollups.week
                _ = try db.run(
                    "INSERT INTO completions(id, item_id, region_id, career_centre_id,"
                        + " service_code, user_id, state, rev, is_primary, performed_at, recorded_at,"
                        + " received_at, clock_skew_ms, \(StoredLocation.names.joined(separator: ", ")), event_seq,"
                        + " updated_at, missing_bits) VALUES(?, kid(?), kid(?), kid(?), 7, kid(?), 'active', 1, 1, 0, 0, ?, 0,"
                        + " ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                    values: [
                        .text(s.id(5000 + n, 9)), .text(s.id(n % 2, 5)), .text(s.region), .text(s.id(n % 2, 1)),
                        .text(s.worker), .integer(received),
                    ] + StoredLocation.values(location) + [.integer(Int64(1000 + n)), .integer(missing)])
                counts.inserted(
                    region: s.region, centre: s.id(n % 2, 1), family: s.id(n % 2, 2), receivedAt: received,
                    located: location != nil, incomplete: missing != 0)
            }
            try counts.write(db)
        }
        #expect(try Self.snapshot(db) != counters)
        #expect(try Self.snapshot(db) == recounted(), "a push's completions are counted once, by the push")
        #expect(try db.queryOne("PRAGMA integrity_check")?.string("integrity_check") == "ok")
    }
}

/// Each device's days (migration 0024): last contact and the queue depth reported in pushes,
/// kept 40 days, drawn in the devices page's strip within the viewer's scope.
@Suite(.serialized) final class DeviceDaysTests {
    let server: ServerProcess
    let data: ConsoleData

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
    }

    @Test func queueDepth_isKeptPerDay_drawnInTheStrip_andPrunedAfterRetention() throws {
        let seed = try #require(server.seed)
        let mine = try data.family(seed.families[0])
        let theirs = try data.family(seed.families[15])
        // A push with the device's status: today's row has its queue.
        try data.complete(
            family: seed.families[0], item: mine.items[0], worker: mine.worker,
            performedAt: "2026-11-20T06:00:00.000Z", note: nil, location: nil,
            clientStatus: ["outbox_events": 5, "outbox_bytes": 900, "files_pending": 2, "bytes_pending": 10])
        try data.complete(
            family: seed.families[15], item: theirs.items[0], worker: theirs.worker,
            performedAt: "2026-11-20T06:00:00.000Z", note: nil, location: nil)
        let db = SQLiteConnectionAdapter(try Connection(path: server.databasePath))
        func device(_ worker: String) throws -> String {
            try db.queryOne(
                "SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE u.username = ?", worker)?.string(
                    "id")
                ?? ""
        }
        let mineID = try device(mine.worker)
        let theirsID = try device(theirs.worker)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let today = DeviceDayStore.day(now)
        let row = try #require(
            try db.queryOne("SELECT * FROM device_days WHERE device_id = ? AND day = ?", mineID, today))
        #expect(row.optionalInt("queue_max") == 5)
        #expect(row.optionalInt("files_max") == 2)
        // Seeded history: a deep queue 3 days ago on my device, one on theirs, and a day past retention.
        try db.run(
            "INSERT INTO device_days(device_id, day, last_contact, queue_max, queue_last, files_max)"
                + " VALUES(?, ?, ?, 42, 40, 1), (?, ?, ?, 77, 77, 0), (?, ?, ?, 9, 9, 0)",
            mineID, today - 3, now - 3 * 86_400_000, theirsID, today - 3, now - 3 * 86_400_000, mineID, today - 45,
            now - 45 * 86_400_000)
        try db.run(
            "UPDATE device_days SET queue_max = 12 WHERE device_id = ? AND day = ?", mineID, today)

        var region = ConsoleClient(port: server.port)
        try region.login("region1")
        let page = try region.get("/console/devices?lang=en").text
        // The queue bars drawn, by the depth each carries.
        let bars = page.components(separatedBy: "<rect class=\"q\"").dropFirst().compactMap { rest -> Int? in
            guard let r = rest.range(of: "data-value=\"") else { return nil }
            return Int(rest[r.upperBound...].prefix { $0.isNumber })
        }
        #expect(bars.sorted() == [12, 42], "not another region's device (77), not older than 30 days (9)")
        #expect(page.contains("Queue, 30-day maximum"))

        // The sweeper's housekeeping keeps 40 days.
        try db.transaction(.immediate) { _ = try DeviceDayStore.prune(db, now: now) }
        #expect(try db.queryOne("SELECT count(*) AS n FROM device_days WHERE day < ?", today - 40)?.int("n") == 0)
        #expect(try db.queryOne("SELECT count(*) AS n FROM device_days WHERE day = ?", today - 3)?.int("n") == 2)
    }
}
