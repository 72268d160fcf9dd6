import Foundation
import KandasProtocol
import KandasStore
import SQLiteKit
import Testing

@testable import KandasServer

/// The `completions` index diet (`0008-completion-indexes`): a store filled under the old schema
/// upgrades, its filtered pages return the same rows, and each filter that needs an index gets one.
@Suite struct SyncSchemaTests {
    /// A store filled under every migration before 0008: two families in two centres of one
    /// region, 200 completions with every review state.
    final class OldStore {
        let directory: String
        let db: Connection
        var region = ""
        var centres: [String] = []
        var families: [String] = []
        var iins: [String] = []
        var worker = "00000000-0000-4000-8000-0000000000a1"

        /// Without `before`, every migration but 0008 up to 0041 (which needs 0008's dropped
        /// indexes gone); migrating then applies 0008 and the rest.
        /// - Parameter before: fills a store at the schema before this migration instead (every
        ///   earlier one applied).
        init(before: String? = nil) throws {
            directory = NSTemporaryDirectory() + "kandas-schema-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            db = try Connection(path: directory + "/kandas.sqlite")
            var old = Migrator()
            let all = Schema.migrator.migrations
            let end =
                before.flatMap { name in all.firstIndex { $0.name == name } }
                ?? all.firstIndex { $0.name.hasPrefix("0041") } ?? all.endIndex
            for migration in all[..<end] where before != nil || migration.name != "0008-completion-indexes" {
                old.register(migration.name, migration.body)
            }
            try old.migrate(db)
            try fill()
        }

        deinit {
            try? FileManager.default.removeItem(atPath: directory)
        }

        func id(_ n: Int, _ kind: Int) -> String { String(format: "%08x-0000-4000-8000-%012x", n, kind) }

        func fill() throws {
            region = try db.queryOne("SELECT id FROM regions ORDER BY code LIMIT 1")?.string("id") ?? ""
            _ = try db.run(
                "INSERT INTO users(id, username, display_name, role, active, password_hash, version, created_at,"
                    + " updated_at) VALUES(?, 'w1', 'Worker', 'field_worker', 1, 'x', 1, 0, 0)", worker)
            // Since 0047 an item has its blob key and a completion's item, region, centre and user IDs are blobs.
            let binary =
                try db.queryOne("SELECT 1 AS x FROM pragma_table_info('plan_items') WHERE name = 'bin_id'") != nil
            let key = binary ? "kid(?)" : "?"
            for f in 0..<2 {
                let centre = id(f, 1)
                let family = id(f, 2)
                let member = id(f, 3)
                let plan = id(f, 4)
                let item = id(f, 5)
                let iin = String(format: "90010130%04d", f)
                centres.append(centre)
                families.append(family)
                iins.append(iin)
                _ = try db.run(
                    "INSERT INTO career_centres(id, region_id, name, version, created_at, updated_at)"
                        + " VALUES(?, ?, 'Centre', 1, 0, 0)", centre, region)
                _ = try db.run(
                    "INSERT INTO families(id, region_id, career_centre_id, settlement_name, quota_inclusion_date,"
                        + " consent_recorded, version, created_at, updated_at)"
                        + " VALUES(?, ?, ?, 'Aksu', '2026-01-01', 1, 1, 0, 0)", family, region, centre)
                _ = try db.run(
                    "INSERT INTO members(id, family_id, iin, last_name, first_name, birth_date, relation, version,"
                        + " created_at, updated_at) VALUES(?, ?, ?, 'L', 'F', '1990-01-01', 'head', 1, 0, 0)", member,
                    family, iin)
                _ = try db.run(
                    "INSERT INTO plans(id, family_id, status, version, created_at, updated_at)"
                        + " VALUES(?, ?, 'published', 1, 0, 0)", plan, family)
                _ = try db.run(
                    "INSERT INTO plan_items(id, plan_id, family_id, member_id, service_code, due_date, status,"
                        + " version, created_at, updated_at\(binary ? ", bin_id" : ""))"
                        + " VALUES(?, ?, ?, ?, 7, '2026-12-01', 'open', 1, 0, 0\(binary ? ", kid(?1)" : ""))",
                    item, plan, family, member)
            }
            let states = ["pending", "pending", "approved", "has_issues", "rejected"]
            // Stores before 0038 keep each completion's plan_id and created_at, before 0041 its family,
            // member and device (its item's and its event's), before 0039 an event's user.
            func has(_ table: String, _ column: String) throws -> Bool {
                try db.queryOne("SELECT 1 AS x FROM pragma_table_info(?) WHERE name = ?", table, column) != nil
            }
            let planned = try has("completions", "plan_id")
            let derived = try has("completions", "family_id")
            let eventUser = try has("device_events", "user_id")
            let device = id(0, 7)
            _ = try db.run(
                "INSERT INTO devices(id, user_id, device_uuid, platform, app_version, status, enrolled_at)"
                    + " VALUES(?, ?, 'x', 'cli', '1.0.0', 'active', 0)", device, worker)
            for n in 0..<200 {
                let f = n % 2
                _ = try db.run(
                    "INSERT INTO device_events(seq, device_id, device_seq, event_id, original, type, item_id, body,"
                        + " received_at, recorded_at, clock_skew_ms, outcome, completion_id"
                        + (eventUser ? ", user_id" : "") + ") VALUES(?, ?, ?, ?, 1, 'complete', ?, '{}', 0, 0, 0,"
                        + " 'accepted', ?" + (eventUser ? ", '\(worker)'" : "") + ")",
                    n + 1, device, n + 1, id(2000 + n, 9), id(f, 5), id(1000 + n, 9))
                _ = try db.run(
                    "INSERT INTO completions(id, item_id, region_id, career_centre_id,"
                        + " service_code, user_id, state, rev, is_primary, performed_at, recorded_at,"
                        + " received_at, clock_skew_ms, review_state, event_seq, updated_at"
                        + (planned ? ", plan_id, created_at" : "")
                        + (derived ? ", family_id, member_id, device_id" : "")
                        + ") VALUES(?, \(key), \(key), \(key), ?, \(key), 'active', 1, 1, ?, ?, ?, 0, ?, ?, ?"
                        + (planned ? ", '\(id(f, 4))', 0" : "")
                        + (derived ? ", '\(id(f, 2))', '\(id(f, 3))', '\(device)'" : "") + ")",
                    id(1000 + n, 9), id(f, 5), region, id(f, 1), 1 + n % 25, worker,
                    1_767_225_600_000 + Int64(n) * 86_400_000, 0, 0, states[n % states.count], n + 1, 0)
            }
        }

        /// `sql` as the previous release ran it on a store from before 0047, whose completions' IDs are
        /// text: the IDs bound as they are, not through `kid` (which would match no text).
        func storeForm(_ sql: String) throws -> String {
            // Before 0049 devices had no bin_id: an event's device_id was the device's text ID.
            let sql =
                try db.queryOne("SELECT 1 AS x FROM pragma_table_info('devices') WHERE name = 'bin_id'") == nil
                ? sql.replacingOccurrences(of: "d.bin_id", with: "d.id") : sql
            guard try db.queryOne("SELECT 1 AS x FROM pragma_table_info('plan_items') WHERE name = 'bin_id'") == nil
            else { return sql }
            return sql.replacingOccurrences(of: "kid(?)", with: "?").replacingOccurrences(of: "kid(i.id)", with: "i.id")
                .replacingOccurrences(of: "kid((SELECT", with: "((SELECT")
        }

        /// The IDs a console page shows for `values`, newest first: its filter, joins and order, with
        /// only the columns every schema has (the page's own list names 0040's columns).
        func page(_ values: [String: String], _ p: Principal = admin) throws -> [String] {
            let filter = try CompletionFilter({ values[$0] }, for: p)
            let select = CompletionStore.consoleSelect.replacingOccurrences(
                of: " c.open_conflicts, c.flag_bits, c.missing_bits,", with: " c.open_conflicts,")
            #expect(select != CompletionStore.consoleSelect)
            let statement = filter.list(select: select).pageStatement(after: 0, limit: 0, direction: .newestFirst)
            return try SQLiteConnectionAdapter(db).query(
                try storeForm(statement.sql), values: filter.args + [.integer(Int64.max), .integer(500)]
            ).map { try $0.string("id") }
        }

        /// The same rows read with no index at all (`NOT INDEXED`), as the reference.
        func reference(_ values: [String: String], _ p: Principal = admin) throws -> [String] {
            let filter = try CompletionFilter({ values[$0] }, for: p)
            return try SQLiteConnectionAdapter(db).query(
                try storeForm("SELECT c.id FROM completions c NOT INDEXED WHERE \(filter.sql) ORDER BY c.rowid DESC"),
                values: filter.args
            ).map { try $0.string("id") }
        }

        /// The query plan's lines for the completions table of a console page.
        func plan(_ values: [String: String], _ p: Principal = admin) throws -> [String] {
            let filter = try CompletionFilter({ values[$0] }, for: p)
            return try SQLiteConnectionAdapter(db).query(
                "EXPLAIN QUERY PLAN " + CompletionsPage.pageSQL(filter),
                values: filter.args + [.integer(Int64.max), .integer(51)]
            ).map { try $0.string("detail") }.filter { $0.contains(" c ") || $0.hasSuffix(" c") }
        }
    }

    static let admin = Principal(
        kind: .user, userID: "u", role: .nationalAdmin, regionID: nil, careerCentreID: nil, deviceID: nil,
        tokenHash: "")

    static func regionAdmin(_ region: String) -> Principal {
        Principal(
            kind: .user, userID: "u", role: .regionAdmin, regionID: region, careerCentreID: nil, deviceID: nil,
            tokenHash: "")
    }

    static func supervisor(_ centre: String) -> Principal {
        Principal(
            kind: .user, userID: "u", role: .centreSupervisor, regionID: nil, careerCentreID: centre, deviceID: nil,
            tokenHash: "")
    }

    /// Filters that pick few rows and the index each one must be read through.
    static func indexed(_ s: OldStore) -> [(String, [String: String], Principal, String)] {
        [
            ("member IIN", ["member_iin": s.iins[1]], admin, "completions_item"),
            ("family", ["family_id": s.families[0]], admin, "completions_item"),
            ("rejected", ["review_state": "rejected"], admin, "completions_reviewed"),
            ("has issues", ["review_state": "has_issues"], admin, "completions_reviewed"),
            ("worker", ["worker_id": s.worker], admin, "sqlite_autoindex_completions_1"),
            (
                "one week", ["performed_from": "2026-03-02", "performed_to": "2026-03-08"], admin,
                "completions_performed"
            ),
            ("region scope", [:], regionAdmin(s.region), "completions_region"),
            ("centre scope", [:], supervisor(s.centres[0]), "completions_region"),
            ("centre filter", ["career_centre_id": s.centres[1]], admin, "completions_region"),
        ]
    }

    @Test func oldStore_upgrades_andDropsTheIndexesNoQueryNeeds() throws {
        let s = try OldStore()
        let before = try s.db.query("SELECT id FROM completions ORDER BY rowid").map { try $0.string("id") }
        #expect(try Schema.migrator.migrate(s.db).first == "0008-completion-indexes")
        let indexes = Set(
            try s.db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'completions'")
                .map { try $0.string("name") })
        // completions_family went later (0036): the family and member filters read completions_item.
        #expect(
            indexes.isDisjoint(with: [
                "completions_service", "completions_member", "completions_review", "completions_family",
            ]))
        #expect(indexes.isSuperset(of: ["completions_reviewed", "completions_item"]))
        #expect(try s.db.query("SELECT id FROM completions ORDER BY rowid").map { try $0.string("id") } == before)
        #expect(try s.db.queryOne("PRAGMA integrity_check")?.string("integrity_check") == "ok")
    }

    @Test func filteredPages_returnTheSameRows_afterTheUpgrade() throws {
        let s = try OldStore()
        var cases = Self.indexed(s).map { ($0.1, $0.2) }
        cases += [
            (["review_state": "pending"], Self.admin), (["service_code": "7"], Self.admin),
            (["region_id": s.region, "service_code": "3"], Self.admin), ([:], Self.admin),
            (["member_iin": "000000000000"], Self.admin),
        ]
        let old = try cases.map { try s.page($0.0, $0.1) }
        try Schema.migrator.migrate(s.db)
        for (i, (values, p)) in cases.enumerated() {
            let rows = try s.page(values, p)
            #expect(rows == old[i], "\(values)")
            #expect(rows == (try s.reference(values, p)), "\(values)")
        }
        #expect(try s.page(["member_iin": s.iins[1]]).count == 100)
        #expect(try s.page(["review_state": "rejected"]).count == 40)
    }

    /// Runs `migration` (the next one of `s`, which drops the index `dropping`) and checks that every
    /// case's page is the same before and after it, and the same as the reference query; the store
    /// keeps every completion. Returns the pages from before.
    static func pagesAcross(
        _ s: OldStore, migration: String, dropping index: String, _ cases: [([String: String], Principal)]
    ) throws -> [[String]] {
        let old = try cases.map { try s.page($0.0, $0.1) }
        let ids = try s.db.query("SELECT id FROM completions ORDER BY rowid").map { try $0.string("id") }
        #expect(try Schema.migrator.migrate(s.db).first == migration)
        #expect(try s.db.queryOne("SELECT count(*) AS n FROM sqlite_master WHERE name = ?", index)?.int("n") == 0)
        #expect(try s.db.query("SELECT id FROM completions ORDER BY rowid").map { try $0.string("id") } == ids)
        for (i, (values, p)) in cases.enumerated() {
            let rows = try s.page(values, p)
            #expect(rows == old[i], "\(values)")
            #expect(rows == (try s.reference(values, p)), "\(values)")
        }
        return old
    }

    /// Migration 0036 drops `completions_family`: the family and member filters return the same rows,
    /// read through the family's items, in every scope; the store keeps every completion.
    @Test func familyFilters_returnTheSameRows_after0036() throws {
        let s = try OldStore(before: "0036-drop-completions-family")
        let cases: [([String: String], Principal)] = [
            (["family_id": s.families[0]], Self.admin), (["family_id": s.families[1]], Self.regionAdmin(s.region)),
            (["family_id": s.families[0]], Self.supervisor(s.centres[1])),
            (["family_id": s.families[1], "service_code": "2"], Self.admin),
            (["family_id": "00000000-0000-4000-8000-000000000000"], Self.admin),
            (["member_iin": s.iins[0]], Self.admin), (["member_iin": s.iins[1]], Self.supervisor(s.centres[1])),
            (["member_iin": s.iins[1], "family_id": s.families[0]], Self.admin),
        ]
        let old = try Self.pagesAcross(
            s, migration: "0036-drop-completions-family", dropping: "completions_family", cases)
        #expect(old[0].count == 100 && old[2].isEmpty && old[5].count == 100 && old[7].isEmpty)
    }

    /// Migration 0037 drops `completions_centre`: a supervisor's pages and the centre filter return
    /// the same rows, read through `completions_region`; the store keeps every completion.
    @Test func centreScopeAndFilter_returnTheSameRows_after0037() throws {
        let s = try OldStore(before: "0037-drop-completions-centre")
        let cases: [([String: String], Principal)] = [
            ([:], Self.supervisor(s.centres[0])), ([:], Self.supervisor(s.centres[1])),
            (["review_state": "approved"], Self.supervisor(s.centres[1])),
            (["career_centre_id": s.centres[0]], Self.admin),
            (["career_centre_id": s.centres[1]], Self.regionAdmin(s.region)),
            (["career_centre_id": s.centres[1]], Self.supervisor(s.centres[0])),
            (["career_centre_id": "00000000-0000-4000-8000-000000000000"], Self.admin),
            ([:], Self.supervisor("00000000-0000-4000-8000-000000000000")),
        ]
        let old = try Self.pagesAcross(
            s, migration: "0037-drop-completions-centre", dropping: "completions_centre", cases)
        #expect(old[0].count == 100 && old[3].count == 100 && old[4].count == 100 && old[5].isEmpty)
    }

    /// Migration 0038 drops `completions.plan_id` and `created_at`: every completion keeps its row and
    /// reads the same plan (its item's) and creation time (its receipt) through the API's and pull's
    /// column lists.
    @Test func completionPlanAndCreation_areItsItemsAndItsReceipt_after0038() throws {
        let s = try OldStore(before: "0038-completion-derived-columns")
        let stored = try s.db.query("SELECT id, plan_id FROM completions ORDER BY rowid").map {
            (try $0.string("id"), try $0.string("plan_id"))
        }
        let created = try s.db.query("SELECT created_at FROM completions ORDER BY rowid").map {
            Timestamp(millisecondsSince1970: try $0.int("created_at"))
        }
        let store = SQLiteConnectionAdapter(s.db)
        #expect(try Schema.migrator.migrate(s.db).first == "0038-completion-derived-columns")
        #expect(
            try s.db.queryOne(
                "SELECT count(*) AS n FROM pragma_table_info('completions') WHERE name IN ('plan_id', 'created_at')")?
                .int("n") == 0)
        let after = try stored.map { try CompletionStore.load(store, id: $0.0) }
        #expect(after.count == 200 && after.map { $0?.createdAt } == created)
        #expect(after.map { $0?.planID.description } == stored.map(\.1))
        let pulled = try store.query(
            "SELECT \(ChangeLoader.completionColumns) FROM \(ChangeLoader.completionFrom) ORDER BY c.rowid"
        ).map { try $0.string("plan_id") }
        #expect(pulled == stored.map(\.1))
        #expect(try s.db.queryOne("PRAGMA integrity_check")?.string("integrity_check") == "ok")
    }

    @Test func consoleFilters_readTheirIndex_neverAFullScanOfCompletions() throws {
        let s = try OldStore()
        try Schema.migrator.migrate(s.db)
        for (label, values, p, index) in Self.indexed(s) {
            let plan = try s.plan(values, p)
            #expect(plan.contains { $0.contains("USING INDEX \(index)") }, "\(label): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN c") && !$0.contains("INDEX") }, "\(label): \(plan)")
        }
    }
}
