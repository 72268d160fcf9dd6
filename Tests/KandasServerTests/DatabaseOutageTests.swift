import Foundation
import KandasTestSupport
import Testing

/// Issue 12, bad input: a PostgreSQL store that goes away while the server serves. Requests are
/// answered 503 with `Retry-After` (never 500, no crash, no hang), and when the database comes
/// back the same process serves again, with everything it acknowledged still there.
@Suite(.serialized) struct DatabaseOutageTests {
    @Test func aDatabaseThatGoesAwayGives503WithRetryAfter_andTheServerRecoversLosingNothingAcknowledged()
        throws
    {
        // A cluster of its own: the shared one serves other tests.
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let s = try SyncFixture(engine: .postgresql, cluster: cluster)
        defer { s.server.cleanup() }
        let (item, member) = try s.addItem(service: 21)
        let d = try s.enroll("worker111")
        var acknowledged: [String] = []
        for _ in 0..<3 {
            let completion = SyncFixture.uuid()
            let results = try s.results(
                d, [SyncFixture.complete(d, item: item, member: member, completion: completion)])
            #expect(results.first?["outcome"] as? String == "accepted")
            acknowledged.append(completion)
        }
        try s.pull(d)

        try cluster.pause()
        // Pushes, pulls and admin reads are refused as "try later", each answered (no hang).
        let completion = SyncFixture.uuid()
        let pending = [SyncFixture.complete(d, item: item, member: member, completion: completion)]
        let refused = [
            ("push", try s.push(d, pending)),
            ("push again", try s.push(d, pending)),
            ("pull", try d.client.get("/v1/sync/pull?limit=10")),
            ("admin", try s.base.admin.get("/v1/admin/completions?limit=10")),
        ]
        for (what, r) in refused {
            #expect(r.status == 503, "\(what): \(r)")
            #expect(r.headers["retry-after"] != nil, "\(what): \(r)")
            #expect(r.headers["content-type"]?.hasPrefix("application/problem+json") == true, "\(what): \(r)")
        }
        #expect(kill(s.server.pid, 0) == 0, "the server kept running")
        // A pull without a well-formed token is refused before it needs a handler or the database.
        let junk = try s.server.client.send("GET", "/v1/sync/pull?limit=10", headers: [("Authorization", "Bearer x")])
        #expect(junk.status == 401 && junk.code == "unauthenticated", "\(junk)")
        #expect(try s.server.client.get("/v1/sync/pull?limit=10").status == 401)

        try cluster.resume()
        // The same process serves again: the refused batch is resent, as a device does.
        var answered: [[String: Any]] = []
        for _ in 0..<100 {
            if let r = try? s.push(d, pending), r.status == 200 {
                answered = r.object["results"] as? [[String: Any]] ?? []
                break
            }
            usleep(100_000)
        }
        #expect(answered.first?["outcome"] as? String == "accepted", "\(answered)")
        acknowledged.append(completion)
        // Every acknowledged completion is stored, once.
        let stored = try s.base.admin.get("/v1/admin/completions?limit=500")
        #expect(stored.status == 200, "\(stored)")
        let ids = (stored.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(Set(ids) == Set(acknowledged), "\(ids)")
        #expect(ids.count == acknowledged.count)
        // An incremental pull from before the outage gets the one completion accepted after it.
        let later = SyncFixture.entities(try s.pull(d).changes, "completion").compactMap { $0["id"] as? String }
        #expect(later.contains(completion))
    }
}
