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

    /// The direct completion writer (``ChangeLoader/writeCompletion(_:files:conflicts:to:)``) gives the
    /// bytes of the generic encoder for odd stored values: strings that need escapes (quotes, backslash,
    /// control characters, non-ASCII, emoji), absent and present optionals, doubles in shortest form,
    /// timestamps before 1970 and after 9999, unknown enum values, file location text the store did
    /// not write in the wire form, and completion columns the store does not write (unknown bits and codes).
    @Test func directCompletionBytes_equalTheGenericEncoder_forOddStoredValues() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let (d, _) = try Self.seed(s)
        let userID = s.base.user("worker111")
        let writer = SQLiteConnectionAdapter(try Connection(path: s.server.databasePath))
        let completions = try writer.query("SELECT id FROM completions ORDER BY id").map { try $0.string("id") }
        #expect(completions.count >= 3)
        // Completions store numbers since 0040: odd ones are a location with an altitude of -0 and
        // extreme values, one whose provider code is unknown (no location), masks with bits no name has.
        let fix = Timestamp(millisecondsSince1970: -1)
        let odd:
            [(
                note: String?, location: String?, columns: [DatabaseValue], flags: Int64, missing: Int64, state: String,
                time: Int64
            )] = [
                (
                    "\"quoted\" back\\slash / \u{01}\u{1F}\n\r\t\u{08}\u{0C}\u{7F} Қазақ тілі 😀👩‍👩‍👧",
                    #"{"accuracy_m":0.1,"altitude_m":-12.5,"fix_time":"2026-11-20T10:15:30.123Z","latitude":51.169392,"#
                        + #""longitude":71.449074,"mock":false,"provider":"gps"}"#,
                    StoredLocation.values(
                        Geolocation(
                            latitude: 51.169392, longitude: -0.0, accuracyMeters: 0.30000000000000004, fixTime: fix,
                            provider: .manual, mock: true, altitudeMeters: -0.0)),
                    1 << 40 | 0b1_0000_0011, 0, "voided", -1
                ),
                (
                    "",
                    #"{ "latitude": 1e-7, "longitude": -180, "accuracy_m": 1.0e3, "fix_time": "1969-12-31T23:59:59.999Z","#
                        + #" "provider": "manual", "mock": true, "extra": [1] }"#,
                    [
                        .real(1e-7), .integer(-180), .real(1e3), .null, .integer(253_402_300_800_000), .integer(2),
                        .integer(0),
                    ],
                    0, 1 << 4 | 1, "active", 253_402_300_800_000
                ),
                (
                    nil, #"{"latitude":"north"}"#,
                    [.real(1), .real(2), .real(3), .null, .integer(0), .integer(7), .integer(0)], 1 << 62, 1 << 20,
                    "active", 0
                ),
            ]
        for (n, id) in completions.enumerated() {
            let o = odd[n % odd.count]
            _ = try writer.run(
                "UPDATE completions SET note = ?, \(StoredLocation.assignments), flag_bits = ?, missing_bits = ?,"
                    + " state = ?, review_state = ?, received_at = ? WHERE id = ?",
                values: [o.note.map { .text($0) } ?? .null] + o.columns + [
                    .integer(o.flags), .integer(o.missing), .text(o.state),
                    .text(n % 2 == 0 ? "has_issues" : "rejected"),
                    .integer(o.time), .text(id),
                ])
        }
        let files = try writer.query("SELECT id FROM attachments ORDER BY id").map { try $0.string("id") }
        #expect(!files.isEmpty)
        for (n, id) in files.enumerated() {
            let o = odd[(n + 1) % odd.count]
            _ = try writer.run(
                "UPDATE attachments SET file_name = ?, location = ?, verified_at = ?, kind = ?, source = ?,"
                    + " content_type = ? WHERE id = ?", o.note, o.location, n % 2 == 0 ? nil : o.time,
                n % 2 == 0 ? "hologram" : "video", n % 2 == 0 ? "scan" : "fax", o.note ?? "text/plain", id)
        }
        let db = SQLiteConnectionAdapter(
            try Connection(path: s.server.databasePath, options: .init(readOnly: true, journalMode: nil)))
        try db.transaction(.deferred) {
            let page = try PullHandler.pageBytes(
                db, cursor: nil, limit: 1000, deviceID: d.id, userID: userID, now: Self.now)
            let expected = try JSONCoding.encodeBytes(
                try Reference.page(db, cursor: nil, limit: 1000, deviceID: d.id, userID: userID, now: Self.now))
            #expect(String(decoding: page, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
            // And the bytes decode to the values the generic path builds.
            let decoded = try JSONCoding.decode(PullResponse.self, from: Data(page))
            let reference = try JSONCoding.decode(PullResponse.self, from: Data(expected))
            #expect(decoded == reference)
            #expect(decoded.changes.contains { $0.entity == "completion" && $0.op == .put })
        }
    }

    /// Stored location text is written as the decode-and-encode path writes it (or omitted when that
    /// path cannot decode it), whether the fast reader takes it or hands it to the generic decoder.
    @Test func storedLocations_areWrittenAsTheDecoderAndEncoderWriteThem() throws {
        let texts = [
            #"{"accuracy_m":8,"fix_time":"2026-11-20T05:29:00.000Z","latitude":43.25,"longitude":76.95,"mock":false,"#
                + #""provider":"gps"}"#,
            #"{"accuracy_m":0.30000000000000004,"altitude_m":-0,"fix_time":"1969-12-31T23:59:59.999Z","#
                + #""latitude":-89.99999999999999,"longitude":1e-7,"mock":true,"provider":"fused"}"#,
            #"{"accuracy_m":1.50,"fix_time":"2026-11-20T05:29:00.1+05:00","latitude":1E2,"longitude":123456789012345678,"#
                + #""mock":false,"provider":"network"}"#,
            #"{"accuracy_m":1e400,"fix_time":"2026-11-20T05:29:00.000Z","latitude":1,"longitude":2,"mock":false,"#
                + #""provider":"gps"}"#,
            #"{"accuracy_m":1,"fix_time":"2026-13-20T05:29:00.000Z","latitude":1,"longitude":2,"mock":false,"#
                + #""provider":"gps"}"#,
            #"{"accuracy_m":1,"fix_time":"2026-11-20T05:29:00.000Z","latitude":1,"longitude":2,"mock":false,"#
                + #""provider":"satellite"}"#,
            #"{"accuracy_m":1,"altitude_m":null,"fix_time":"2026-11-20T05:29:00.000Z","latitude":1,"longitude":2,"#
                + #""mock":false,"provider":"manual"}"#,
            #"{"provider":"gps","mock":false,"longitude":2,"latitude":1,"fix_time":"2026-11-20T05:29:00.000Z","#
                + #""accuracy_m":1,"extra":{"a":[1,2]}}"#,
            #"{"accuracy_m":1,"fix_time":"2026-11-20T05:29:00.000Z","latitude":1,"longitude":2,"mock":false,"#
                + #""provider":"gps"} "#,
            #"{"accuracy_m":01,"fix_time":"2026-11-20T05:29:00.000Z","latitude":1,"longitude":2,"mock":false,"#
                + #""provider":"gps"}"#,
            "", "null", "{}", #"{"latitude":"north"}"#,
        ]
        for text in texts {
            var fast: [UInt8] = []
            ChangeLoader.writeStoredLocation(text, to: &fast)
            var expected: [UInt8] = []
            if let location = decodeJSON(Geolocation.self, text) {
                expected = Array(#","location":"#.utf8) + (try JSONCoding.encodeBytes(location))
            }
            #expect(String(decoding: fast, as: UTF8.self) == String(decoding: expected, as: UTF8.self), "\(text)")
        }
    }

    @Test func feedEntries_stopAtTheLimitAndSkipSupersededRows() throws {
        let db = SQLiteConnectionAdapter(try Connection(path: ":memory:"))
        try db.execute(
            """
            CREATE TABLE changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, entity INTEGER NOT NULL, entity_id TEXT NOT NULL,
              family_id TEXT NOT NULL, op INTEGER NOT NULL, device_id TEXT);
            CREATE TABLE family_workers(family_id TEXT NOT NULL, user_id TEXT NOT NULL);
            INSERT INTO family_workers VALUES('f1', 'u1');
            """)
        // 5000 rows of another family between two of ours: the window has to widen to find the second.
        let insert = "INSERT INTO changes(entity, entity_id, family_id, op, device_id) VALUES(?, ?, ?, ?, ?)"
        let (family, receipt) = (FeedCodes.code(.family), FeedCodes.code(.receipt))
        let (upsert, delete) = (FeedOp.upsert.rawValue, FeedOp.delete.rawValue)
        _ = try db.run(insert, family, "a", "f1", upsert, String?.none)
        for n in 0..<5000 {
            _ = try db.run(insert, family, "x\(n)", "f2", upsert, String?.none)
        }
        _ = try db.run(insert, family, "b", "f1", upsert, String?.none)
        _ = try db.run(insert, family, "a", "f1", delete, String?.none)
        _ = try db.run(insert, receipt, "c", "f2", upsert, "d1")
        let all = try SyncFeed.entries(db, after: 0, userID: "u1", deviceID: "d1", limit: 10)
        #expect(all.map(\.entityID) == ["b", "a", "c"])
        #expect(all.map(\.entity) == [.family, .family, .receipt])
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
            "SELECT c.seq, c.entity, ktext(c.entity_id) AS entity_id, c.op FROM changes c WHERE c.seq > ?1"
                + " AND ((c.device_id IS NULL AND c.family_id IN"
                + " (SELECT kid(family_id) FROM family_workers WHERE user_id = ?2)) OR c.device_id = kid(?3))"
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
        guard let id = WireID(idText), let kind = FeedCodes.entity(try row.int("entity")) else { return nil }
        if FeedOp(rawValue: try row.int("op")) == .delete { return .delete(seq: seq, entity: kind, id: id) }
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
