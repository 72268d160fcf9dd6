import Foundation
import KandasProtocol
import KandasStore
import KandasTestSupport
import SQLiteKit
import Testing

@testable import KandasServer

/// Batched page loading (one query per entity kind) answers byte for byte what loading each
/// change on its own answered (the implementation it replaced, kept below as the reference).
@Suite(.serialized) struct ChangeLoaderTests {
    static let now: Int64 = 1_795_000_000_000

    @Test func batchedPages_equalPerRowLoads_forEveryEntityKind() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let (d, deviceKinds) = try Self.seed(s)
        let db = SQLiteConnectionAdapter(
            try Connection(path: s.server.databasePath, options: .init(readOnly: true, journalMode: nil)))
        let userID = s.base.user("worker111")
        try db.transaction(.deferred) {
            let whole = try PullHandler.pageBytes(
                db, cursor: nil, limit: 1000, deviceID: d.id, userID: userID, now: Self.now)
            let expected = try JSONCoding.encodeBytes(
                try Reference.page(db, cursor: nil, limit: 1000, deviceID: d.id, userID: userID, now: Self.now))
            #expect(String(decoding: whole, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            let kinds = Set(try JSONCoding.decode(PullResponse.self, from: Data(whole)).changes.map(\.entity))
            #expect(kinds.isSuperset(of: deviceKinds), "the seeded store lacks a kind: \(kinds)")
            // Small pages: every chunk and cursor step agrees too.
            for limit in [1, 3, 7] {
                var cursor: String?
                var pages = 0
                repeat {
                    let bytes = try PullHandler.pageBytes(
                        db, cursor: cursor, limit: limit, deviceID: d.id, userID: userID, now: Self.now)
                    let reference = try Reference.page(
                        db, cursor: cursor, limit: limit, deviceID: d.id, userID: userID, now: Self.now)
                    #expect(bytes == (try JSONCoding.encodeBytes(reference)), "limit \(limit), page \(pages)")
                    cursor = reference.hasMore ? reference.cursor : nil
                    pages += 1
                } while cursor != nil && pages < 500
            }
        }
    }

    @Test func changesFromTheCache_areTheBytesEncodedAfresh_andOnlyStoredKindsAreKept() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let (d, _) = try Self.seed(s)
        let db = SQLiteConnectionAdapter(
            try Connection(path: s.server.databasePath, options: .init(readOnly: true, journalMode: nil)))
        let userID = s.base.user("worker111")
        let cache = ChangeCache(capacity: 1 << 20)
        try db.transaction(.deferred) {
            let fresh = try PullHandler.pageBytes(
                db, cursor: nil, limit: 1000, deviceID: d.id, userID: userID, now: Self.now, cache: cache)
            #expect(cache.counts.hits == 0)
            #expect(cache.size > 0)
            // Receipts carry the time of the pull: a later pull must not get the earlier stamp.
            let later = try PullHandler.pageBytes(
                db, cursor: nil, limit: 1000, deviceID: d.id, userID: userID, now: Self.now + 60_000, cache: cache)
            #expect(cache.counts.hits > 0)
            let expected = try JSONCoding.encodeBytes(
                try Reference.page(db, cursor: nil, limit: 1000, deviceID: d.id, userID: userID, now: Self.now + 60_000)
            )
            #expect(later == expected)
            #expect(!fresh.isEmpty)
            // A cache too small to keep anything answers the same bytes.
            let tiny = try PullHandler.pageBytes(
                db, cursor: nil, limit: 1000, deviceID: d.id, userID: userID, now: Self.now + 60_000,
                cache: ChangeCache(capacity: 16))
            #expect(tiny == expected)
        }
    }

    @Test func cacheKeys_includeTheEpoch_soARestoredStoreNeverGetsAnotherStoresBytes() {
        let cache = ChangeCache(capacity: 1 << 20)
        cache.put(ChangeCache.Key(epoch: "a", seq: 1), Array("one".utf8))
        #expect(cache.get(ChangeCache.Key(epoch: "b", seq: 1)) == nil)
        #expect(cache.get(ChangeCache.Key(epoch: "a", seq: 1)) == Array("one".utf8))
        // Bounded by bytes: the oldest go first.
        let small = ChangeCache(capacity: 160)
        for n in 0..<20 { small.put(ChangeCache.Key(epoch: "a", seq: Int64(n)), [UInt8](repeating: 1, count: 10)) }
        #expect(small.size <= 160)
        #expect(small.get(ChangeCache.Key(epoch: "a", seq: 0)) == nil)
        #expect(small.get(ChangeCache.Key(epoch: "a", seq: 19)) != nil)
    }

    @Test func feedEntries_stopAtTheLimitAndSkipSupersededRows() throws {
        let db = SQLiteConnectionAdapter(try Connection(path: ":memory:"))
        try db.execute(
            """
            CREATE TABLE changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
              family_id TEXT NOT NULL, op TEXT NOT NULL, at INTEGER NOT NULL, device_id TEXT);
            CREATE TABLE family_workers(family_id TEXT NOT NULL, user_id TEXT NOT NULL);
            INSERT INTO family_workers VALUES('f1', 'u1');
            """)
        // 5000 rows of another family between two of ours: the window has to widen to find the second.
        _ = try db.run(
            "INSERT INTO changes(entity, entity_id, family_id, op, at) VALUES('family', 'a', 'f1', 'upsert', 0)")
        for n in 0..<5000 {
            _ = try db.run(
                "INSERT INTO changes(entity, entity_id, family_id, op, at) VALUES('family', ?, 'f2', 'upsert', 0)",
                "x\(n)")
        }
        _ = try db.run(
            "INSERT INTO changes(entity, entity_id, family_id, op, at) VALUES('family', 'b', 'f1', 'upsert', 0)")
        _ = try db.run(
            "INSERT INTO changes(entity, entity_id, family_id, op, at) VALUES('family', 'a', 'f1', 'delete', 0)")
        _ = try db.run(
            "INSERT INTO changes(entity, entity_id, family_id, op, at, device_id) VALUES('receipt', 'c', 'f2', 'upsert', 0, 'd1')"
        )
        let all = try SyncFeed.entries(db, after: 0, userID: "u1", deviceID: "d1", limit: 10)
        #expect(all.map(\.entityID) == ["b", "a", "c"])
        #expect(all.map(\.isDelete) == [false, true, false])
        let first = try SyncFeed.entries(db, after: 0, userID: "u1", deviceID: "d1", limit: 1)
        #expect(first.map(\.seq) == [5002])
        let rest = try SyncFeed.entries(db, after: 5002, userID: "u1", deviceID: "d1", limit: 10)
        #expect(rest.map(\.seq) == [5003, 5004])
        #expect(try SyncFeed.entries(db, after: 5004, userID: "u1", deviceID: "d1", limit: 10).isEmpty)
    }

    /// Fills the store with every kind a device pulls: families, members, published and draft plans
    /// and items, completions with files, an amend, a duplicate-completion conflict, a review, a
    /// rejected event, outcomes and receipts. Returns the device that pulls and the kinds it must see.
    static func seed(_ s: SyncFixture) throws -> (SyncFixture.Device, Set<String>) {
        let d = try s.enroll("worker111")
        let e = try s.enroll("worker111")
        let (recurring, member) = try s.addItem(service: 21)
        let (once, _) = try s.addItem(service: 9)
        let completion = SyncFixture.uuid()
        let files = [SyncFixture.file(), SyncFixture.file(kind: "document", type: "application/pdf", size: 2000)]
        _ = try s.results(
            d,
            [
                SyncFixture.complete(d, item: recurring, member: member, files: files, completion: completion),
                SyncFixture.complete(d, item: once, member: member),
                SyncFixture.complete(d, item: SyncFixture.uuid(), member: member),
            ])
        _ = try s.results(e, [SyncFixture.complete(e, item: once, member: member)])
        _ = try s.results(
            d, [SyncFixture.amend(d, item: recurring, completion: completion, baseRev: 1, changes: ["note": "later"])])
        let supervisor = try s.server.login("super11")
        let review = try supervisor.json(
            "POST", "/v1/admin/completions/\(completion)/reviews", "{\"decision\":\"approve\"}",
            idempotencyKey: s.base.key())
        #expect(review.status == 201, "\(review)")
        let families = try s.base.admin.get("/v1/admin/families?limit=500")
        let family = try #require(
            ((families.object["items"] as? [[String: Any]]) ?? []).first {
                ($0["assigned_worker_ids"] as? [String])?.contains(s.base.user("worker111")) == true
            }?["id"] as? String)
        let draft = try s.base.admin.json(
            "POST", "/v1/admin/plans",
            "{\"family_id\":\"\(family)\",\"items\":[{\"member_id\":\"\(member)\",\"service_code\":5,"
                + "\"due_date\":\"2026-12-20\"}]}", idempotencyKey: s.base.key())
        #expect(draft.status == 201, "\(draft)")
        let kinds: Set<String> = [
            "family", "member", "plan", "plan_item", "completion", "conflict", "review", "event_outcome", "receipt",
        ]
        return (d, kinds)
    }
}

/// The pull page as it was built before batching: one to three queries per feed row.
private enum Reference {
    static func page(
        _ db: any DatabaseConnection, cursor text: String?, limit: Int, deviceID: String, userID: String, now: Int64
    ) throws -> PullResponse {
        let keys = try PullCursor.Keys.load(db)
        let scope = try PullCursor.scopeHash(db, userID: userID)
        var after: Int64 = 0
        var reset = true
        if let text, let cursor = PullCursor.decode(text, keys), cursor.epoch == keys.epoch, cursor.scope == scope {
            after = cursor.seq
            reset = false
        }
        let rows = try db.query(
            "SELECT c.seq, c.entity, c.entity_id, c.op FROM changes c WHERE c.seq > ?1"
                + " AND ((c.device_id IS NULL AND c.family_id IN"
                + " (SELECT family_id FROM family_workers WHERE user_id = ?2)) OR c.device_id = ?3)"
                + " AND NOT EXISTS(SELECT 1 FROM changes l WHERE l.entity_id = c.entity_id AND l.seq > c.seq"
                + " AND l.entity = c.entity AND l.device_id IS c.device_id)"
                + " ORDER BY c.seq LIMIT ?4", after, userID, deviceID, limit + 1)
        var changes: [Change] = []
        var last = after
        for row in rows.prefix(limit) {
            last = try row.int("seq")
            if let change = try change(db, row, deviceID: deviceID, now: now) { changes.append(change) }
        }
        let lastDeviceSeq =
            try db.queryOne("SELECT last_device_seq FROM devices WHERE id = ?", deviceID)?.int("last_device_seq") ?? 0
        return PullResponse(
            reset: reset, changes: changes, cursor: PullCursor(epoch: keys.epoch, seq: last, scope: scope).encode(keys),
            hasMore: rows.count > limit, lastDeviceSeq: Int(lastDeviceSeq),
            serverTime: Timestamp(millisecondsSince1970: now))
    }

    static func change(_ db: any DatabaseConnection, _ row: DatabaseRow, deviceID: String, now: Int64) throws -> Change?
    {
        let seq = Int(try row.int("seq"))
        let idText = try row.string("entity_id")
        guard let id = WireID(idText), let kind = ChangeEntity(rawValue: try row.string("entity")) else { return nil }
        if try row.string("op") == "delete" { return .delete(seq: seq, entity: kind, id: id) }
        let data: ChangeData?
        switch kind {
        case .family:
            data = try db.queryOne("SELECT \(FamilyStore.familyColumns) FROM families f WHERE f.id = ?", idText).map {
                .family(try FamilyStore.family(db, $0))
            }
        case .member:
            data = try db.queryOne("SELECT \(FamilyStore.memberColumns) FROM members m WHERE m.id = ?", idText).map {
                .member(try FamilyStore.member($0))
            }
        case .plan:
            guard
                let plan = try db.queryOne(
                    "SELECT \(PlanStore.planColumns) FROM plans p WHERE p.id = ? AND p.status = 'published'", idText)
            else { return nil }
            data = .plan(try PlanStore.plan(plan))
        case .planItem:
            guard
                let item = try db.queryOne(
                    "SELECT \(PlanStore.itemColumns) FROM plan_items i JOIN plans p ON p.id = i.plan_id"
                        + " WHERE i.id = ? AND p.status = 'published'", idText)
            else { return nil }
            data = .planItem(try PlanStore.item(item))
        case .completion: data = try CompletionStore.load(db, id: idText).map { .completion($0) }
        case .conflict: data = try ConflictStore.load(db, id: idText).map { .conflict($0) }
        case .review: data = try ReviewStore.load(db, id: idText).map { .review($0) }
        case .eventOutcome: data = .eventOutcome(try EventOutcomes.result(db, deviceID: deviceID, eventID: idText))
        case .receipt: data = try AttachmentStore.receipt(db, completionID: idText, now: now).map { .receipt($0) }
        }
        guard let data else { return .delete(seq: seq, entity: kind, id: id) }
        return .put(seq: seq, id: id, data)
    }
}
