import Foundation
import KandasProtocol
import KandasStore
import KandasTestSupport
import SQLiteKit
import Synchronization
import Testing

@testable import KandasServer

/// The forwarding queue's claims (services.md §7.2): several server instances share the queue in
/// the store through leases, never through memory.
@Suite struct CardForwardStoreTests {
    static func count(_ db: any DatabaseConnection, _ sql: String) throws -> Int64 {
        guard case .integer(let n) = try db.scalar(sql, values: []) else { return -1 }
        return n
    }

    @Test func para37_twoInstancesNeverHoldTheSameDelivery_andALapsedLeaseIsClaimedAgain() throws {
        let s = try SyncSchemaTests.OldStore()
        try Schema.migrator.migrate(s.db)
        let db = SQLiteConnectionAdapter(s.db)
        // 0018 queued what already qualified: nothing, since no old completion has its evidence.
        #expect(try Self.count(db, "SELECT count(*) FROM card_forwards") == 0)
        let approved = try db.query(
            "SELECT id FROM completions WHERE review_state = 'approved' ORDER BY rowid LIMIT 3", values: []
        ).map { try $0.string("id") }
        for id in approved {
            _ = try db.run("UPDATE completions SET missing_bits = 0, updated_at = 1000 WHERE id = ?", id)
            try CardForwardStore.enqueueIfEligible(db, completionID: id)
            try CardForwardStore.enqueueIfEligible(db, completionID: id)
        }
        // A pending review does not qualify, whatever its evidence.
        let pending = try db.queryOne("SELECT id FROM completions WHERE review_state = 'pending'")?.string("id") ?? ""
        _ = try db.run("UPDATE completions SET missing_bits = 0 WHERE id = ?", pending)
        try CardForwardStore.enqueueIfEligible(db, completionID: pending)
        #expect(try Self.count(db, "SELECT count(*) FROM card_forwards") == 3)

        let lease: Int64 = 60_000
        let a = try CardForwardStore.claim(db, token: "a", now: 2000, lease: lease, limit: 2)
        let b = try CardForwardStore.claim(db, token: "b", now: 2000, lease: lease, limit: 5)
        let c = try CardForwardStore.claim(db, token: "c", now: 2000, lease: lease, limit: 5)
        #expect(a.count == 2 && b.count == 1 && c.isEmpty)
        #expect(Set(a.map(\.id)).isDisjoint(with: b.map(\.id)))
        #expect(Set((a + b).map(\.completionID)) == Set(approved))
        #expect((a + b).allSatisfy { $0.attempt == 1 })

        let none: (Int) -> Int64 = { _ in 100 }
        #expect(
            try CardForwardStore.finish(
                db, a[0], token: "a", outcome: .delivered(status: 200), now: 3000, maxAttempts: 3, backoff: none)
                == .delivered)
        // Instance a stalls past its lease on a[1]; instance d claims it (and b's, lapsed too).
        let d = try CardForwardStore.claim(db, token: "d", now: 2000 + lease + 1, lease: lease, limit: 5)
        #expect(Set(d.map(\.id)) == Set([a[1].id, b[0].id]))
        #expect(d.allSatisfy { $0.attempt == 2 })
        // a's late outcome no longer counts; d's does.
        #expect(
            try CardForwardStore.finish(
                db, a[1], token: "a", outcome: .delivered(status: 200), now: 70_000, maxAttempts: 3, backoff: none)
                == nil)
        for claim in d {
            #expect(
                try CardForwardStore.finish(
                    db, claim, token: "d", outcome: .failed(status: 503, reason: "http_503"), now: 70_000,
                    maxAttempts: 3, backoff: none) == .pending)
        }
        // Not due before its backoff; due after; the delivered one is never claimed again.
        #expect(try CardForwardStore.claim(db, token: "e", now: 70_099, lease: lease, limit: 5).isEmpty)
        let e = try CardForwardStore.claim(db, token: "e", now: 70_100, lease: lease, limit: 5)
        #expect(Set(e.map(\.id)) == Set(d.map(\.id)) && e.allSatisfy { $0.attempt == 3 })
        // The last allowed attempt fails: dead, and no longer claimed.
        #expect(
            try CardForwardStore.finish(
                db, e[0], token: "e", outcome: .failed(status: nil, reason: "timeout"), now: 80_000, maxAttempts: 3,
                backoff: none) == .dead)
        // A completion voided before its delivery is withdrawn, not sent.
        _ = try db.run("UPDATE completions SET state = 'voided' WHERE id = ?", e[1].completionID)
        #expect(try CardForwardStore.record(db, e[1]) == nil)
        #expect(
            try CardForwardStore.finish(
                db, e[1], token: "e", outcome: .withdrawn, now: 80_000, maxAttempts: 3, backoff: none) == .withdrawn)
        #expect(try CardForwardStore.claim(db, token: "f", now: Int64.max / 2, lease: lease, limit: 5).isEmpty)
        #expect(
            try Self.count(db, "SELECT count(*) FROM card_forwards WHERE state IN ('delivered','dead','withdrawn')")
                == 3)
    }
}

extension CardForwardStoreTests {
    /// One family of one centre with `n` approved completions whose evidence is complete.
    static func fill(_ db: any DatabaseConnection, completions n: Int) throws {
        func id(_ a: Int, _ b: Int) -> String { String(format: "%08x-0000-4000-8000-%012x", a, b) }
        let region = try db.queryOne("SELECT id FROM regions ORDER BY code LIMIT 1")?.string("id") ?? ""
        _ = try db.run(
            "INSERT INTO users(id, username, display_name, role, active, password_hash, version, created_at,"
                + " updated_at) VALUES(?, 'w1', 'Worker', 'field_worker', 1, 'x', 1, 0, 0)", id(0, 0))
        _ = try db.run(
            "INSERT INTO career_centres(id, region_id, name, version, created_at, updated_at)"
                + " VALUES(?, ?, 'Centre', 1, 0, 0)", id(0, 1), region)
        _ = try db.run(
            "INSERT INTO families(id, region_id, career_centre_id, settlement_name, quota_inclusion_date,"
                + " consent_recorded, version, created_at, updated_at) VALUES(?, ?, ?, 'Aksu', '2026-01-01', 1, 1, 0, 0)",
            id(0, 2), region, id(0, 1))
        _ = try db.run(
            "INSERT INTO members(id, family_id, iin, last_name, first_name, birth_date, relation, version,"
                + " created_at, updated_at) VALUES(?, ?, '900101300015', 'L', 'F', '1990-01-01', 'head', 1, 0, 0)",
            id(0, 3), id(0, 2))
        _ = try db.run(
            "INSERT INTO plans(id, family_id, status, version, created_at, updated_at) VALUES(?, ?, 'published', 1, 0, 0)",
            id(0, 4), id(0, 2))
        _ = try db.run(
            "INSERT INTO plan_items(id, bin_id, plan_id, family_id, member_id, service_code, due_date, status, version,"
                + " created_at, updated_at) VALUES(?, kid(?), ?, ?, ?, 7, '2026-12-01', 'open', 1, 0, 0)", id(0, 5),
            id(0, 5), id(0, 4), id(0, 2), id(0, 3))
        for k in 0..<n {
            _ = try db.run(
                "INSERT INTO completions(id, item_id, region_id, career_centre_id,"
                    + " service_code, user_id, state, rev, is_primary, performed_at, recorded_at,"
                    + " received_at, clock_skew_ms, review_state, missing_bits, event_seq, updated_at)"
                    + " VALUES(?, kid(?), kid(?), kid(?), 7, kid(?), 'active', 1, 1, 0, 0, 0, 0, 'approved', 0, ?, 0)",
                id(1000 + k, 9), id(0, 5), region, id(0, 1), id(0, 0), k + 1)
            try CardForwardStore.enqueueIfEligible(db, completionID: id(1000 + k, 9))
        }
        // Rows inserted by hand, not by a push: SQLite has no completion insert trigger (0031).
        if db.dialect.name == .sqlite { try ConsoleRollups.recount(db) }
    }

    @Test func para37_onPostgreSQL_fourConcurrentInstancesDeliverEachRowOnce() throws {
        try PostgresCluster.withDatabase { url in
            let engine = try PostgresEngine(url: url, connections: 4, migrations: PostgresSchema.migrations)
            defer { engine.close() }
            let n = 40
            try engine.writeSync { db in try Self.fill(db, completions: n) }
            let claimed = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { instance in
                let token = "instance-\(instance)"
                while true {
                    let got =
                        (try? engine.writeSync { db in
                            try CardForwardStore.claim(db, token: token, now: 1000, lease: 60_000, limit: 1)
                        }) ?? []
                    if got.isEmpty {
                        // A lost race claims nothing; stop only when nothing is owed any more.
                        let left =
                            (try? engine.readSync { db in
                                try Self.count(db, "SELECT count(*) FROM card_forwards WHERE state = 'pending'")
                            }) ?? 0
                        if left == 0 { return }
                        continue
                    }
                    for claim in got {
                        claimed.withLock { $0.append(claim.id) }
                        _ = try? engine.writeSync { db in
                            try CardForwardStore.finish(
                                db, claim, token: token, outcome: .delivered(status: 200), now: 1001, maxAttempts: 3,
                                backoff: { _ in 0 })
                        }
                    }
                }
            }
            let ids = claimed.withLock { $0 }
            #expect(ids.count == n && Set(ids).count == n)
            #expect(
                try engine.readSync { db in
                    try Self.count(db, "SELECT count(*) FROM card_forwards WHERE state = 'delivered'")
                } == Int64(n))
        }
    }
}
