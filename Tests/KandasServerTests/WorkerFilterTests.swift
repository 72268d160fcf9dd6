import Foundation
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// Migration 0050 (issue 15, bytes written per pushed event): no index heads with `completions.user_id`;
/// the completions lists' worker filter finds a worker's completions from the worker's devices'
/// `complete` events (`CompletionFilter.workerSQL`) and answers exactly what `user_id = worker` did.
@Suite(.serialized) struct WorkerFilterTests {
    static func ids(_ r: TestResponse) -> Set<String> {
        Set(((r.object["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
    }

    /// Two devices of one worker (enrolled twice), another worker, a rejected and a duplicate
    /// `complete`: the filter lists exactly each worker's completions, alone and with a region filter,
    /// in the list and the CSV export, and nothing for a worker without completions; on both engines.
    @Test(arguments: StoreEngine.allCases)
    func workerFilter_listsExactlyTheWorkersCompletions_fromEveryDevice(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let a = try s.enroll("worker111")
        let b = try s.enroll("worker111")
        let other = try s.enroll("worker112")
        let (item1, member1) = try s.addItem(service: 21)
        let (item2, member2) = try s.addItem(service: 22)
        let (item3, member3) = try s.addItem(worker: "worker112", service: 23)
        let (c1, c2, c3) = (SyncFixture.uuid(), SyncFixture.uuid(), SyncFixture.uuid())
        let first = SyncFixture.complete(a, item: item1, member: member1, completion: c1)
        #expect(try s.results(a, [first]).map { $0["outcome"] as? String } == ["accepted"])
        var again = first
        again["device_seq"] = b.nextSeq()
        let unknownItem = SyncFixture.complete(
            b, item: SyncFixture.uuid(), member: member2, completion: SyncFixture.uuid())
        let second = SyncFixture.complete(b, item: item2, member: member2, completion: c2)
        #expect(
            try s.results(b, [again, unknownItem, second]).map { $0["outcome"] as? String } == [
                "duplicate", "rejected", "accepted",
            ])
        let third = SyncFixture.complete(other, item: item3, member: member3, completion: c3)
        #expect(try s.results(other, [third]).map { $0["outcome"] as? String } == ["accepted"])

        let admin = try s.server.login("admin")
        let all = Self.ids(try admin.get("/v1/admin/completions?limit=500"))
        #expect(all == [c1, c2, c3])
        // A region holding completions (any of them: the three families may be in one or in several).
        var region: String?
        for candidate in ((try admin.get("/v1/admin/regions").object["items"] as? [[String: Any]]) ?? []).compactMap({
            $0["id"] as? String
        }) {
            let ids = Self.ids(try admin.get("/v1/admin/completions?region_id=\(candidate)&limit=500"))
            if !ids.isEmpty { region = candidate }
        }
        let inRegion = Self.ids(try admin.get("/v1/admin/completions?region_id=\(try #require(region))&limit=500"))
        #expect(!inRegion.isEmpty)
        for (worker, expected) in [
            (s.base.user("worker111"), Set([c1, c2])), (s.base.user("worker112"), Set([c3])),
            (SyncFixture.uuid(), Set<String>()),
        ] {
            let list = try admin.get("/v1/admin/completions?worker_id=\(worker)&limit=500")
            #expect(list.status == 200 && Self.ids(list) == expected, "\(list)")
            let narrowed = try admin.get(
                "/v1/admin/completions?worker_id=\(worker)&region_id=\(region ?? "")&limit=500")
            #expect(Self.ids(narrowed) == expected.intersection(inRegion), "\(narrowed)")
            let export = try admin.get("/v1/admin/exports/completions.csv?worker_id=\(worker)")
            let csv = String(decoding: export.body, as: UTF8.self)
            #expect(Set(all.filter { csv.contains($0) }) == expected, "\(csv)")
        }
        guard engine == .sqlite else { return }
        // The ground truth, from the store: each completion's user_id.
        s.server.stop()
        let db = try Connection(path: s.server.databasePath)
        let byUser = try db.query("SELECT id, ktext(user_id) AS u FROM completions ORDER BY id").map {
            [try $0.string("id"), try $0.string("u")]
        }
        #expect(
            Set(byUser.filter { $0[1] == s.base.user("worker111") }.map { $0[0] }) == [c1, c2], "\(byUser)")
    }

    /// The filter reads the worker's devices (`devices_user`) and their events by device; a national
    /// admin's page then reads the completions by primary key, a region admin's walks the region's
    /// (`completions_region`, newest first) checking each against that list: never a scan of `completions`.
    @Test func workerFilter_readsDevicesAndEvents_neverScansCompletions() throws {
        let store = try ScratchStore()
        defer { store.remove() }
        let db = SQLiteConnectionAdapter(store.db)
        let region = Principal(
            kind: .user, userID: "u", role: .regionAdmin, regionID: SyncFixture.uuid(), careerCentreID: nil,
            deviceID: nil, tokenHash: "")
        for (p, completions) in [
            (CompletionFilterTests.admin, "SEARCH c USING INDEX sqlite_autoindex_completions_1 (id=?)"),
            (region, "SEARCH c USING INDEX completions_region (region_id=?"),
        ] {
            let filter = try CompletionFilter({ $0 == "worker_id" ? SyncFixture.uuid() : nil }, for: p)
            let plan = try db.query(
                "EXPLAIN QUERY PLAN " + CompletionStore.consolePageSQL(filter),
                values: filter.args + [.integer(Int64.max), .integer(50)]
            ).map { try $0.string("detail") }
            #expect(plan.contains { $0.contains("SEARCH d USING INDEX devices_user (user_id=?)") }, "\(plan)")
            #expect(
                plan.contains { $0.contains("SEARCH e USING INDEX sqlite_autoindex_device_events_1 (device_id=?)") },
                "\(plan)")
            #expect(plan.contains { $0.hasPrefix(completions) }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        }
    }

    /// 0050 drops `completions_user` (a store of the previous release has it) and nothing else.
    @Test func migration0050_dropsTheUserIndexOnly() throws {
        let old = try ScratchStore(before: "0050")
        defer { old.remove() }
        let indexes = "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'completions' ORDER BY name"
        let before = try old.db.query(indexes).map { try $0.string("name") }
        #expect(before.contains("completions_user"))
        #expect(try Schema.migrator.migrate(old.db).first == "0050-worker-filter-via-devices")
        #expect(try old.db.query(indexes).map { try $0.string("name") } == before.filter { $0 != "completions_user" })
    }
}
