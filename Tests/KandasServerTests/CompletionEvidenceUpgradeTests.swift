import Foundation
import KandasProtocol
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// Migrations 0040 and 0041 (issue 15): a store from before, with completions with and without a
/// location (every provider, mock, altitude or none, the text forms stored) and every flag and
/// missing kind, upgrades on both engines to the same API completions (family, member and device
/// now read from the item and the event), pull bytes and console counters.
@Suite(.serialized) struct CompletionEvidenceUpgradeTests {
    static let migrations = ["0040-completion-evidence-as-numbers", "0041-completion-columns-from-item-and-event"]

    static func id(_ a: Int, _ b: Int) -> String { String(format: "%08x-0000-4000-8000-%012x", a, b) }

    /// Location texts as the store held them: the push's form, a value with every odd number, the
    /// console benchmark's hand-written form, and text no reader could read.
    static let locations: [String?] = [
        nil,
        #"{"accuracy_m":8,"fix_time":"2026-11-20T05:29:00.000Z","latitude":43.25,"longitude":76.95,"mock":false,"#
            + #""provider":"gps"}"#,
        #"{"accuracy_m":0.30000000000000004,"altitude_m":-0,"fix_time":"1969-12-31T23:59:59.999Z","#
            + #""latitude":-89.99999999999999,"longitude":1e-7,"mock":true,"provider":"fused"}"#,
        #"{"accuracy_m":1500.5,"altitude_m":-12.75,"fix_time":"2026-11-20T05:29:00.123Z","latitude":-0.000123456789,"#
            + #""longitude":179.99999,"mock":true,"provider":"network"}"#,
        #"{"accuracy_m":0,"altitude_m":1e+300,"fix_time":"9999-12-31T23:59:59.999Z","latitude":90,"longitude":-180,"#
            + #""mock":false,"provider":"manual"}"#,
        #"{"latitude":41.013,"longitude":50.37,"accuracy_m":10,"fix_time":"2026-01-01T00:00:00Z","provider":"gps","#
            + #""mock":false}"#,
        #"{"latitude":"north"}"#,
    ]

    /// Fills a store at the schema before 0040 (either engine) with completions of every kind.
    static func fill(_ db: any DatabaseConnection) throws {
        let region = try db.queryOne("SELECT id FROM regions ORDER BY code LIMIT 1")?.string("id") ?? ""
        _ = try db.run(
            "INSERT INTO users(id, username, display_name, role, active, password_hash, version, created_at,"
                + " updated_at) VALUES(?, 'w1', 'Worker', 'field_worker', 1, 'x', 1, 0, 0)", id(0, 0))
        _ = try db.run(
            "INSERT INTO career_centres(id, region_id, name, version, created_at, updated_at)"
                + " VALUES(?, ?, 'Centre', 1, 0, 0)", id(0, 1), region)
        _ = try db.run(
            "INSERT INTO families(id, region_id, career_centre_id, settlement_name, settlement_latitude,"
                + " settlement_longitude, quota_inclusion_date, consent_recorded, version, created_at, updated_at)"
                + " VALUES(?, ?, ?, 'Aksu', 43.2, 76.9, '2026-01-01', 1, 1, 0, 0)", id(0, 2), region, id(0, 1))
        _ = try db.run(
            "INSERT INTO members(id, family_id, iin, last_name, first_name, birth_date, relation, version,"
                + " created_at, updated_at) VALUES(?, ?, '900101300015', 'L', 'F', '1990-01-01', 'head', 1, 0, 0)",
            id(0, 3), id(0, 2))
        _ = try db.run(
            "INSERT INTO plans(id, family_id, status, version, created_at, updated_at) VALUES(?, ?, 'published', 1, 0, 0)",
            id(0, 4), id(0, 2))
        _ = try db.run(
            "INSERT INTO plan_items(id, plan_id, family_id, member_id, service_code, due_date, status, version,"
                + " created_at, updated_at) VALUES(?, ?, ?, ?, 7, '2026-12-01', 'open', 1, 0, 0)", id(0, 5), id(0, 4),
            id(0, 2), id(0, 3))
        _ = try db.run(
            "INSERT INTO devices(id, user_id, device_uuid, platform, app_version, status, enrolled_at)"
                + " VALUES(?, ?, 'x', 'cli', '1.0.0', 'active', 0)", id(0, 6), id(0, 0))
        // Every flag alone, all of them, none; every missing kind alone, all of them, none.
        let flags = [[]] + EvidenceBits.flags.map { [$0] } + [EvidenceBits.flags]
        let missing = [[]] + EvidenceBits.missing.map { [$0] } + [EvidenceBits.missing]
        let n = max(flags.count, missing.count, locations.count) * 2
        for k in 0..<n {
            let location = locations[k % locations.count]
            // The unreadable location's completion is voided: no counter reads it, before or after.
            let state = location == locations.last ? "voided" : (k % 5 == 4 ? "voided" : "active")
            // Its `complete` event (its device is this event's after 0041).
            _ = try db.run(
                "INSERT INTO device_events(seq, device_id, device_seq, event_id, original, type, item_id, body,"
                    + " received_at, recorded_at, clock_skew_ms, outcome, completion_id, completion_rev, base_version)"
                    + " VALUES(?, ?, ?, ?, 1, 'complete', ?, '', 0, 0, 0, 'accepted', ?, 1, 1)", k + 1, id(0, 6),
                k + 1, id(2000 + k, 9), id(0, 5), id(1000 + k, 9))
            _ = try db.run(
                "INSERT INTO completions(id, item_id, family_id, member_id, region_id, career_centre_id,"
                    + " service_code, device_id, user_id, state, rev, is_primary, performed_at, recorded_at,"
                    + " received_at, clock_skew_ms, note, location, evidence_flags, evidence_missing, review_state,"
                    + " event_seq, updated_at) VALUES(?, ?, ?, ?, ?, ?, 7, ?, ?, ?, 1, 1, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)",
                id(1000 + k, 9), id(0, 5), id(0, 2), id(0, 3), region, id(0, 1), id(0, 6), id(0, 0), state,
                1_767_225_600_000 + Int64(k) * 3_600_000, 1_767_225_600_000, 1_767_225_700_000 + Int64(k) * 86_400_000,
                k % 3 == 0 ? nil : "note \(k)", location,
                JSONValue.array(flags[k % flags.count].map { .string($0) }).jsonText,
                JSONValue.array(missing[k % missing.count].map { .string($0) }).jsonText,
                ["pending", "approved", "has_issues", "rejected"][k % 4], k + 1, 1_767_225_800_000)
        }
        // Rows inserted by hand: counted as 0023 counted them.
        try ConsoleRollups.recount(db, .asOf0023)
    }

    /// What every reader read from a row before 0040, and the columns 0040 leaves alone.
    struct Before: Equatable {
        var location: Geolocation?
        var flags: [String]
        var missing: [String]
        var complete: Bool
        var kept: [DatabaseValue]
    }

    /// The columns 0040 leaves alone (0041's three read as the readers read them after it).
    /// After the migrations (`derived`) the item, region, centre and user IDs are read as text (blobs on
    /// SQLite since 0047).
    static func keptColumns(derived: Bool) -> String {
        let id = { (column: String) in derived ? "ktext(c.\(column)) AS \(column)" : "c.\(column)" }
        return "c.id, \(id("item_id")), "
            + (derived
                ? "\(CompletionStore.familySQL()) AS family_id, \(CompletionStore.memberSQL()) AS member_id,"
                    + " \(CompletionStore.deviceSQL()) AS device_id"
                : "c.family_id, c.member_id, c.device_id")
            + ", \(id("region_id")), \(id("career_centre_id")), c.service_code, \(id("user_id")), c.state, c.rev,"
            + " c.is_primary,"
            + " c.performed_at, c.recorded_at, c.received_at, c.clock_skew_ms, c.note, c.files_declared,"
            + " c.files_verified, c.review_state, c.open_conflicts, c.event_seq, c.updated_at"
    }

    static func kept(_ db: any DatabaseConnection, derived: Bool = true) throws -> [String: [DatabaseValue]] {
        var out: [String: [DatabaseValue]] = [:]
        for row in try db.query("SELECT \(keptColumns(derived: derived)) FROM completions c", values: []) {
            out[try row.string("id")] = row.values
        }
        return out
    }

    static func before(_ db: any DatabaseConnection) throws -> [String: Before] {
        let kept = try kept(db, derived: false)
        var out: [String: Before] = [:]
        for row in try db.query("SELECT id, location, evidence_flags, evidence_missing FROM completions", values: []) {
            let id = try row.string("id")
            out[id] = Before(
                location: row.optionalString("location").flatMap { decodeJSON(Geolocation.self, $0) },
                flags: decodeJSON([String].self, try row.string("evidence_flags")) ?? [],
                missing: decodeJSON([String].self, try row.string("evidence_missing")) ?? [],
                complete: try row.string("evidence_missing") == "[]", kept: kept[id] ?? [])
        }
        return out
    }

    /// After 0040: the API's completion reads what every reader read before, byte for byte on the
    /// wire, pull writes the API's bytes, the other columns and the counters are unchanged.
    static func expectSame(
        _ db: any DatabaseConnection, _ before: [String: Before], counters: [String]
    ) throws {
        #expect(before.count >= 22)
        let kept = try kept(db)
        var pulled: [String: [UInt8]] = [:]
        let rows = try db.prepare("SELECT \(ChangeLoader.completionColumns) FROM \(ChangeLoader.completionFrom)")
        try rows.forEachRow { row in
            var out: [UInt8] = []
            try ChangeLoader.writeCompletion(row, files: [], conflicts: [], to: &out)
            pulled[row.string(ChangeLoader.C.id) ?? ""] = out
        }
        rows.reset()
        for (id, b) in before {
            let c = try #require(try CompletionStore.load(db, id: id))
            #expect(c.location == b.location, "\(id)")
            #expect(
                try c.location.map { try JSONCoding.encodeBytes($0) }
                    == b.location.map { try JSONCoding.encodeBytes($0) })
            #expect(c.evidenceFlags == b.flags && c.evidenceMissing == b.missing, "\(id)")
            #expect(c.completeness == (b.complete ? .complete : .incomplete), "\(id)")
            #expect(kept[id] == b.kept, "\(id)")
            #expect(pulled[id] == (try JSONCoding.encodeBytes(c)), "\(id)")
        }
        #expect(before.values.contains { $0.location?.altitudeMeters != nil })
        #expect(Set(before.values.compactMap { $0.location?.provider }) == Set(LocationProvider.allCases))
        #expect(try ConsoleCountersTests.snapshot(db) == counters)
        let recounted = try snapshotOfRecount(db)
        #expect(recounted == counters)
        let row = try #require(try db.queryOne("SELECT * FROM completions LIMIT 1", values: []))
        #expect(!row.contains("location") && !row.contains("evidence_flags") && !row.contains("evidence_missing"))
        #expect(row.contains("missing_bits") && row.contains("flag_bits") && row.contains("loc_latitude"))
        #expect(!row.contains("family_id") && !row.contains("member_id") && !row.contains("device_id"))
    }

    static func snapshotOfRecount(_ db: any DatabaseConnection) throws -> [String] {
        try db.execute("SAVEPOINT recount")
        try ConsoleRollups.recount(db)
        let out = try ConsoleCountersTests.snapshot(db)
        try db.execute("ROLLBACK TO SAVEPOINT recount")
        try db.execute("RELEASE SAVEPOINT recount")
        return out
    }

    /// The update trigger watches the new columns: a completion whose evidence becomes complete and
    /// another that loses its location are counted again (against a full recount).
    static func expectTriggersReadTheNewColumns(_ db: any DatabaseConnection) throws {
        let before = try ConsoleCountersTests.snapshot(db)
        _ = try db.run(
            "UPDATE completions SET missing_bits = 0 WHERE state = 'active' AND missing_bits <> 0", values: [])
        _ = try db.run(
            "UPDATE completions SET \(StoredLocation.assignments) WHERE state = 'active' AND loc_latitude IS NOT NULL"
                + " AND loc_provider = 0", values: StoredLocation.values(nil))
        #expect(try ConsoleCountersTests.snapshot(db) != before)
        #expect(try ConsoleCountersTests.snapshot(db) == (try snapshotOfRecount(db)))
    }

    @Test func upgradeOnSQLite_keepsEveryCompletionsAnswer() throws {
        let store = try ScratchStore(before: "0040")
        defer { store.remove() }
        let db = SQLiteConnectionAdapter(store.db)
        try Self.fill(db)
        let before = try Self.before(db)
        let counters = try ConsoleCountersTests.snapshot(db)
        // Later migrations (0045 on) run too; these two come first.
        #expect(Array(try Schema.migrator.migrate(store.db).prefix(2)) == Self.migrations)
        try Self.expectSame(db, before, counters: counters)
        #expect(try db.queryOne("PRAGMA integrity_check")?.string("integrity_check") == "ok")
        let plan = try db.query(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM completions c WHERE \(ReportStore.incompleteSQL)"
        )
        .map { try $0.string("detail") }
        #expect(plan.contains { $0.contains("completions_missing") }, "\(plan)")
        try Self.expectTriggersReadTheNewColumns(db)
    }

    @Test func upgradeOnPostgreSQL_keepsEveryCompletionsAnswer() throws {
        try PostgresCluster.withDatabase { url in
            let old = try PostgresEngine(
                url: url, connections: 1,
                migrations: PostgresSchema.migrations.filter { !Self.migrations.contains($0.name) })
            let (before, counters) = try old.writeSync { db in
                try Self.fill(db)
                return (try Self.before(db), try ConsoleCountersTests.snapshot(db))
            }
            old.close()
            let engine = try PostgresEngine(url: url, connections: 1, migrations: PostgresSchema.migrations)
            defer { engine.close() }
            try engine.writeSync { db in
                try Self.expectSame(db, before, counters: counters)
                #expect(
                    try db.queryOne(
                        "SELECT count(*) AS n FROM pg_indexes WHERE indexname = 'completions_missing'"
                            + " AND indexdef LIKE '%missing_bits <> 0%'")?.int("n") == 1)
                try Self.expectTriggersReadTheNewColumns(db)
                // PostgreSQL keeps its insert trigger for rows a push does not count (0030): it reads
                // the new columns too.
                _ = try db.run(
                    "INSERT INTO completions(id, item_id, region_id, career_centre_id,"
                        + " service_code, user_id, state, rev, is_primary, performed_at, recorded_at,"
                        + " received_at, clock_skew_ms, \(StoredLocation.names.joined(separator: ", ")), missing_bits,"
                        + " event_seq, updated_at) SELECT ?, item_id, region_id, career_centre_id,"
                        + " 7, user_id, 'active', 1, 1, 0, 0, 0, 0, ?, ?, ?, ?, ?, ?, ?, 3, 1, 0"
                        + " FROM completions LIMIT 1",
                    values: [.text(Self.id(9999, 9))]
                        + StoredLocation.values(
                            Geolocation(
                                latitude: 1, longitude: 2, accuracyMeters: 3,
                                fixTime: Timestamp(millisecondsSince1970: 4),
                                provider: .gps, mock: false)))
                #expect(try ConsoleCountersTests.snapshot(db) == (try Self.snapshotOfRecount(db)))
            }
        }
    }

    /// 0041 refuses a store whose completion's member is not its item's (edited by hand): nothing
    /// changes, 0040 stays applied, the error says how many rows.
    @Test func upgradeTo0041_refusesACompletionWhoseMemberIsNotItsItems() throws {
        let store = try ScratchStore(before: "0040")
        defer { store.remove() }
        let db = SQLiteConnectionAdapter(store.db)
        try Self.fill(db)
        _ = try db.run(
            "UPDATE completions SET member_id = ? WHERE id = ?",
            values: [.text(Self.id(0, 8)), .text(Self.id(1001, 9))])
        #expect {
            try Schema.migrator.migrate(store.db)
        } throws: { "\($0)".contains("1 completions have a family, member or device other than") }
        #expect(
            try db.queryOne("SELECT count(*) AS n FROM pragma_table_info('completions') WHERE name = 'member_id'")?.int(
                "n") == 1)
        #expect(
            try db.queryOne("SELECT count(*) AS n FROM pragma_table_info('completions') WHERE name = 'missing_bits'")?
                .int("n") == 1)
    }
}
