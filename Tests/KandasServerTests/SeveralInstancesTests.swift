import Foundation
import KandasTestSupport
import PostgresKit
import Synchronization
import Testing

/// Two `kandas-server` processes on one PostgreSQL store and one data folder (issue 12 item 2):
/// what one acknowledges the other serves, the change feed never lets a cursor skip a row that
/// committed late, one upload is written by one request at a time, and one instance dying leaves
/// the other serving.
@Suite(.serialized) struct SeveralInstancesTests {
    /// The first instance (seeded, with the fixture's helpers) and a second one sharing its store.
    private func pair() throws -> (SyncFixture, ServerProcess) {
        let s = try SyncFixture(engine: .postgresql)
        do {
            return (s, try ServerProcess(sharing: s.server))
        } catch {
            s.server.cleanup()
            throw error
        }
    }

    /// A PATCH of the whole photo at offset 0, sent up to its first 10,000 bytes and held open
    /// mid-body (its instance holds the upload's lock until the rest or a close arrives).
    private static func holdPatch(
        port: Int, _ location: String, _ d: SyncFixture.Device, _ photo: KandasAppUploadsTests.DeclaredPhoto
    ) throws -> RawClient {
        let held = try RawClient(port: port)
        held.send(
            "PATCH \(location) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(d.token)\r\nTus-Resumable: 1.0.0\r\n"
                + "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
                + "Content-Length: \(photo.bytes.count)\r\n\r\n")
        _ = held.send(Array(photo.bytes[0..<10_000]))
        return held
    }

    /// The photo's completion counts it verified, and `verify` finds the store and its blobs whole.
    private static func expectVerified(_ s: SyncFixture, _ photo: KandasAppUploadsTests.DeclaredPhoto) throws {
        let detail = try s.base.admin.get("/v1/admin/completions/\(photo.completion)")
        #expect(detail.object["files_verified"] as? Int == 1)
        let (status, output) = try ServerProcess.run(["verify"] + s.server.storeArguments)
        #expect(status == 0, "\(output)")
    }

    /// Enrolls `count` devices of worker111, every other one talking to `second`.
    private func devices(_ s: SyncFixture, _ second: ServerProcess, count: Int) throws -> [SyncFixture.Device] {
        try (0..<count).map { n in
            let d = try s.enroll("worker111")
            if n % 2 == 1 { d.client = second.client.authorized(d.token) }
            return d
        }
    }

    /// Pushes one batch until it is answered 200 (a refused connection or a 503 is retried, the
    /// same events resent, as a device does); returns the results.
    private func pushUntilAnswered(
        _ s: SyncFixture, _ d: SyncFixture.Device, _ events: [[String: Any]], fallback: ServerProcess? = nil
    ) -> [[String: Any]] {
        for attempt in 0..<40 {
            if let r = try? s.push(d, events), r.status == 200 { return r.object["results"] as? [[String: Any]] ?? [] }
            if attempt >= 1, let fallback { d.client = fallback.client.authorized(d.token) }
            usleep(100_000)
        }
        return []
    }

    @Test func fiftyDevicesPushingThroughTwoInstances_everyAcknowledgedEventIsStoredOnce_andAPullerMissesNone()
        throws
    {
        let (s, second) = try pair()
        defer {
            second.cleanup()
            s.server.cleanup()
        }
        let items = try [21, 22, 23, 24, 25].map { try s.addItem(service: $0) }
        let pushers = try devices(s, second, count: 50)
        let puller = try s.enroll("worker111")
        puller.client = second.client.authorized(puller.token)
        try s.pull(puller)

        let acknowledged = Mutex<[String: Int]>([:])
        let seen = Mutex<Set<String>>([])
        let pushing = Atomic<Bool>(true)
        let pullFailures = Mutex<[String]>([])
        let pullThread = Thread {
            while pushing.load(ordering: .acquiring) {
                do {
                    let ids = SyncFixture.entities(try s.pull(puller).changes, "completion").compactMap {
                        $0["id"] as? String
                    }
                    seen.withLock { $0.formUnion(ids) }
                } catch {
                    pullFailures.withLock { $0.append("\(error)") }
                }
            }
        }
        pullThread.start()
        DispatchQueue.concurrentPerform(iterations: pushers.count) { n in
            let d = pushers[n]
            for round in 0..<2 {
                let (item, member) = items[(n + round) % items.count]
                let completion = SyncFixture.uuid()
                let results = pushUntilAnswered(
                    s, d, [SyncFixture.complete(d, item: item, member: member, completion: completion)])
                if results.first?["outcome"] as? String == "accepted" {
                    acknowledged.withLock { $0[completion, default: 0] += 1 }
                }
            }
        }
        pushing.store(false, ordering: .releasing)
        while !pullThread.isFinished { usleep(10_000) }
        // One last incremental pull after every push was answered.
        let last = SyncFixture.entities(try s.pull(puller).changes, "completion").compactMap { $0["id"] as? String }
        seen.withLock { $0.formUnion(last) }

        let accepted = acknowledged.withLock { $0 }
        #expect(pullFailures.withLock { $0 }.isEmpty, "\(pullFailures.withLock { $0 })")
        #expect(accepted.count == 100, "every push was acknowledged as accepted")
        #expect(accepted.values.allSatisfy { $0 == 1 })
        // Every acknowledged completion reached the incremental puller (no cursor skipped a row).
        let missing = Set(accepted.keys).subtracting(seen.withLock { $0 })
        #expect(missing.isEmpty, "the puller missed \(missing.count) completions")
        // Stored exactly once, whichever instance took it.
        for (completion, _) in accepted {
            let r = try s.base.admin.get("/v1/admin/completions/\(completion)")
            #expect(r.status == 200)
        }
        let page = try second.login("admin").get("/v1/admin/completions?limit=500")
        let listed = (page.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(listed.count == Set(listed).count)
        #expect(Set(listed).isSuperset(of: accepted.keys))
    }

    @Test func sameDevicePushingThroughBothInstancesAtOnce_consumesEachDeviceSeqOnce() throws {
        let (s, second) = try pair()
        defer {
            second.cleanup()
            s.server.cleanup()
        }
        let (item, member) = try s.addItem(service: 21)
        let d = try s.enroll("worker111")
        let other = second.client.authorized(d.token)
        let first = s.server.client.authorized(d.token)
        // Both instances receive the same batch (a retry that went to the other instance) and a
        // batch with another event at the same device_seq, at the same time.
        let events = [SyncFixture.complete(d, item: item, member: member)]
        d.seq = 0
        let rival = [SyncFixture.complete(d, item: item, member: member)]
        let outcomes = Mutex<[String]>([])
        let bodies = [events, rival].map {
            SyncFixture.json(["device_id": d.id, "sent_at": "2026-11-25T04:20:12.904Z", "events": $0])
        }
        DispatchQueue.concurrentPerform(iterations: 4) { n in
            let client = n % 2 == 0 ? first : other
            if let r = try? client.json("POST", "/v1/sync/push", bodies[n < 2 ? 0 : 1]), r.status == 200 {
                let result = (r.object["results"] as? [[String: Any]] ?? []).first
                let outcome = (result?["outcome"] as? String ?? "?") + "/" + (result?["code"] as? String ?? "")
                outcomes.withLock { $0.append(outcome) }
            }
        }
        let all = outcomes.withLock { $0 }
        #expect(all.count == 4, "\(all)")
        #expect(all.filter { $0.hasPrefix("accepted/") }.count == 1, "\(all)")
        // The demo store has no completions of its own: exactly one is stored.
        let stored = try s.base.admin.get("/v1/admin/completions?limit=500")
        #expect((stored.object["items"] as? [[String: Any]] ?? []).count == 1, "\(stored.object)")
    }

    @Test func aPushWaitsOnlyForItsOwnDeviceRow_anotherDevicesPushCommitsMeanwhile() throws {
        let (s, second) = try pair()
        defer {
            second.cleanup()
            s.server.cleanup()
        }
        let (item, member) = try s.addItem(service: 21)
        let a = try s.enroll("worker111")
        let b = try s.enroll("worker111")
        b.client = second.client.authorized(b.token)
        // An open write transaction holds device A's row, as a push of A in progress does.
        let url = try #require(s.server.databaseURL)
        let holder = try PostgresConnection(url: url)
        try holder.execute("BEGIN")
        _ = try holder.query("SELECT last_device_seq FROM devices WHERE id = $1 FOR UPDATE", a.id)
        // A's own push waits for the row...
        let aAnswered = Atomic<Int>(0)
        let aBody = SyncFixture.json([
            "device_id": a.id, "sent_at": "2026-11-25T04:20:12.904Z",
            "events": [SyncFixture.complete(a, item: item, member: member)],
        ])
        let aClient = a.client
        let aPush = Thread {
            aAnswered.store((try? aClient.json("POST", "/v1/sync/push", aBody))?.status ?? -1, ordering: .releasing)
        }
        aPush.start()
        let lockWaiters = {
            try holder.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND application_name = 'kandas-server' AND datname = current_database()"
            ).first?.int("n") ?? 0
        }
        var polls = 0
        while try lockWaiters() == 0 && polls < 600 {
            usleep(50_000)
            polls += 1
        }
        #expect(try lockWaiters() == 1, "A's push waits on a lock")
        // ...while B's pushes, through the other instance and through A's, commit: there is no
        // store-wide write lock.
        let bFirst = try s.push(b, [SyncFixture.complete(b, item: item, member: member)])
        #expect(bFirst.status == 200, "\(bFirst)")
        b.client = s.server.client.authorized(b.token)
        let bSecond = try s.push(b, [SyncFixture.complete(b, item: item, member: member)])
        #expect(bSecond.status == 200, "\(bSecond)")
        #expect(aAnswered.load(ordering: .acquiring) == 0, "A's push still waits for its device's row")
        #expect(try lockWaiters() == 1)
        try holder.execute("ROLLBACK")
        while !aPush.isFinished { usleep(10_000) }
        #expect(aAnswered.load(ordering: .acquiring) == 200)
        let stored = try s.base.admin.get("/v1/admin/completions?limit=500")
        #expect((stored.object["items"] as? [[String: Any]] ?? []).count == 3, "\(stored.object)")
    }

    @Test func onePatchAtATimeAcrossInstances_theOtherIsToldToRetry_andTheFileVerifies() throws {
        let (s, second) = try pair()
        defer {
            second.cleanup()
            s.server.cleanup()
        }
        let d = try s.enroll("worker111")
        let photo = try KandasAppUploadsTests.DeclaredPhoto(s, d, size: 40_000)
        let created = try photo.create()
        let location = try #require(created.headers["location"], "\(created)")
        // A PATCH held open mid-body on the first instance.
        let held = try Self.holdPatch(port: s.server.port, location, d, photo)
        usleep(300_000)
        let through = TusCurl(base: "http://127.0.0.1:\(second.port)", token: d.token)
        let refused = try through.patch(location, offset: 0, Array(photo.bytes[0..<10_000]))
        #expect(refused.status == 503, "\(refused)")
        #expect(refused.headers["retry-after"] != nil)
        // The holder finishes; the file verifies.
        _ = held.send(Array(photo.bytes[10_000...]))
        let answer = held.readSome()
        #expect(answer.hasPrefix("HTTP/1.1 204"), "\(answer)")
        let head = try through.send("HEAD", location)
        #expect(head.headers["upload-offset"] == "40000", "\(head)")
        try Self.expectVerified(s, photo)
    }

    @Test func samePatchThroughTheReadmeNginxUpstreamTwiceAtOnce_oneWins_andTheFileVerifies() throws {
        guard NginxProxy.isInstalled else {
            Issue.record("nginx is not installed (make deps-test installs nginx-light)")
            return
        }
        let (s, second) = try pair()
        defer {
            second.cleanup()
            s.server.cleanup()
        }
        let proxy = try NginxProxy(block: try NginxProxy.readmeBlock(), upstreams: [s.server.port, second.port])
        defer { proxy.stop() }
        let d = try s.enroll("worker111")
        let photo = try KandasAppUploadsTests.DeclaredPhoto(s, d, size: 40_000)
        let created = try photo.create()
        let location = try #require(created.headers["location"], "\(created)")
        // A PATCH held open mid-body through nginx (round robin: one instance)...
        let held = try Self.holdPatch(port: proxy.port, location, d, photo)
        usleep(300_000)
        // ...and the same PATCH again through nginx (the other instance): never both written.
        let through = TusCurl(base: "http://127.0.0.1:\(proxy.port)", token: d.token)
        let rival = try through.patch(location, offset: 0, photo.bytes)
        _ = held.send(Array(photo.bytes[10_000...]))
        let answer = held.readSome()
        let heldStatus = Int(answer.split(separator: " ").dropFirst().first ?? "") ?? 0
        // Every answer is one the protocol gives (§10.4): done, "retry later" with Retry-After,
        // or "resume from the offset"; none is an error of the server, and at most one wrote it all.
        for (what, status) in [("held", heldStatus), ("rival", rival.status)] {
            #expect([0, 204, 409, 503].contains(status), "\(what): \(status) \(answer) \(rival)")
        }
        #expect(!(heldStatus == 204 && rival.status == 204), "\(answer) \(rival)")
        if rival.status == 503 { #expect(rival.headers["retry-after"] != nil, "\(rival)") }
        // The client resumes from HEAD through nginx until the upload is complete; the file verifies.
        for _ in 0..<20 {
            let head = try through.send("HEAD", location)
            let offset = try #require(head.headers["upload-offset"].flatMap { Int($0) }, "\(head)")
            if offset == photo.bytes.count { break }
            let rest = try through.patch(location, offset: offset, Array(photo.bytes[offset...]))
            if rest.status != 204 { usleep(200_000) }
        }
        #expect(try through.send("HEAD", location).headers["upload-offset"] == "40000")
        try Self.expectVerified(s, photo)
    }

    @Test func aPatchWhoseUploadLockConnectionDies_stopsWith503_andTheClientResumesFromHead() throws {
        let (s, second) = try pair()
        defer {
            second.cleanup()
            s.server.cleanup()
        }
        let d = try s.enroll("worker111")
        let photo = try KandasAppUploadsTests.DeclaredPhoto(s, d, size: 40_000)
        let created = try photo.create()
        let location = try #require(created.headers["location"], "\(created)")
        // A slow PATCH holds the upload's lock on the first instance, mid-body.
        let held = try Self.holdPatch(port: s.server.port, location, d, photo)
        // The connection holding the instance's upload locks dies (as when PostgreSQL restarts or
        // a network path breaks): the server releases the lock; the other instance could take it.
        let url = try #require(s.server.databaseURL)
        let admin = try PostgresConnection(url: url)
        var holders: [Int64] = []
        for _ in 0..<100 where holders.isEmpty {
            holders = try admin.query(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    + " AND pid != pg_backend_pid()"
            ).map { try $0.int("pid") }
            if holders.isEmpty { usleep(50_000) }
        }
        #expect(holders.count == 1, "the upload's lock connection holds the only advisory lock: \(holders)")
        let holder = try #require(holders.first)
        _ = try admin.query("SELECT pg_terminate_backend(CAST($1 AS integer))", holder)
        // pg_terminate_backend only signals: wait until that backend is gone.
        for _ in 0..<200
        where try !admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = CAST($1 AS integer)", holder).isEmpty {
            usleep(20_000)
        }
        // The PATCH in flight stops before it writes or commits more: 503 with Retry-After.
        _ = held.send(Array(photo.bytes[10_000...]))
        let answer = held.readSome()
        #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer)")
        #expect(answer.lowercased().contains("retry-after:"), "\(answer)")
        // The client resumes from HEAD, here through the other instance; the file verifies.
        let through = TusCurl(base: "http://127.0.0.1:\(second.port)", token: d.token)
        let head = try through.send("HEAD", location)
        let offset = try #require(head.headers["upload-offset"].flatMap { Int($0) }, "\(head)")
        #expect(offset == 0, "nothing was committed under the lost lock")
        let rest = try through.patch(location, offset: offset, Array(photo.bytes[offset...]))
        #expect(rest.status == 204, "\(rest)")
        try Self.expectVerified(s, photo)
        // The first instance takes upload locks again on a fresh connection.
        let again = try TusCurl(base: "http://127.0.0.1:\(s.server.port)", token: d.token).send("HEAD", location)
        #expect(again.headers["upload-offset"] == "40000", "\(again)")
    }

    @Test func killingOneInstanceMidPush_theOtherServesEveryDeviceAndNothingIsLostOrDoubled() throws {
        let (s, second) = try pair()
        defer {
            second.cleanup()
            s.server.cleanup()
        }
        let (item, member) = try s.addItem(service: 21)
        let pushers = try devices(s, second, count: 10)
        for d in pushers { d.client = s.server.client.authorized(d.token) }
        let acknowledged = Mutex<[String: String]>([:])
        let killer = Thread {
            // Mid-push: after the first answers, with most pushes still to come.
            while acknowledged.withLock({ $0.count }) < 5 { usleep(2_000) }
            s.server.crash()
        }
        killer.start()
        DispatchQueue.concurrentPerform(iterations: pushers.count) { n in
            let d = pushers[n]
            for _ in 0..<3 {
                let completion = SyncFixture.uuid()
                let results = pushUntilAnswered(
                    s, d, [SyncFixture.complete(d, item: item, member: member, completion: completion)],
                    fallback: second)
                acknowledged.withLock { $0[completion] = results.first?["outcome"] as? String ?? "unanswered" }
            }
        }
        while !killer.isFinished { usleep(10_000) }
        let outcomes = acknowledged.withLock { $0 }
        #expect(outcomes.count == 30)
        #expect(outcomes.values.allSatisfy { $0 == "accepted" || $0 == "duplicate" }, "\(outcomes)")
        let admin = try second.login("admin")
        let page = try admin.get("/v1/admin/completions?limit=500")
        let listed = (page.object["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(listed.count == Set(listed).count)
        #expect(Set(listed).isSuperset(of: outcomes.keys), "every acknowledged completion is stored once")
    }

    @Test func failedLogins_countedOnOneInstance_lockTheAccountOnTheOther() throws {
        let (s, second) = try pair()
        defer {
            second.cleanup()
            s.server.cleanup()
        }
        for n in 0..<5 {
            let instance = n % 2 == 0 ? s.server : second
            let r = try instance.client.json(
                "POST", "/v1/auth/login", "{\"username\":\"super11\",\"password\":\"wrong-wrong-1\"}")
            #expect(r.status == 401)
        }
        let limited = try second.client.json(
            "POST", "/v1/auth/login", "{\"username\":\"super11\",\"password\":\"\(s.base.seed.password)\"}")
        #expect(limited.status == 429 && limited.code == "rate_limited")
        #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 > 0)
    }
}
