import Foundation
import KandasProtocol
import KandasStore
import SQLiteKit
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
            _ = try db.run("UPDATE completions SET evidence_missing = '[]', updated_at = 1000 WHERE id = ?", id)
            try CardForwardStore.enqueueIfEligible(db, completionID: id)
            try CardForwardStore.enqueueIfEligible(db, completionID: id)
        }
        // A pending review does not qualify, whatever its evidence.
        let pending = try db.queryOne("SELECT id FROM completions WHERE review_state = 'pending'")?.string("id") ?? ""
        _ = try db.run("UPDATE completions SET evidence_missing = '[]' WHERE id = ?", pending)
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
