import Foundation
import KandasTestSupport
import SQLiteKit
import Testing

/// `GET /v1/sync/pull` against the live server (Protocol §7).
@Suite(.serialized) struct PullHandlerTests {
    @Test(arguments: StoreEngine.allCases) func firstPull_isAResetSnapshotOfTheWorkersFamiliesOnly(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (changes, reset, _) = try s.pull(d)
        #expect(reset)
        let families = Set(SyncFixture.entities(changes, "family").compactMap { $0["id"] as? String })
        #expect(families.count == 2)
        let workers = SyncFixture.entities(changes, "family").compactMap {
            ($0["data"] as? [String: Any])?["assigned_worker_ids"] as? [String]
        }
        #expect(workers.allSatisfy { $0.contains(s.base.user("worker111")) })
        #expect(!SyncFixture.entities(changes, "member").isEmpty)
        #expect(SyncFixture.entities(changes, "plan").count == 2)
        #expect(!SyncFixture.entities(changes, "plan_item").isEmpty)
        let ids = changes.map { "\($0["entity"] ?? "")/\($0["id"] ?? "")" }
        #expect(Set(ids).count == ids.count, "an object was sent twice")
        let seqs = changes.compactMap { $0["seq"] as? Int }
        #expect(seqs == seqs.sorted())
        let (again, secondReset, _) = try s.pull(d)
        #expect(!secondReset && again.isEmpty)
    }

    @Test(arguments: StoreEngine.allCases) func pagesOfOne_deliverTheSameSnapshot(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let whole = try s.pull(d).changes.compactMap { $0["seq"] as? Int }
        let e = try s.enroll("worker111")
        let (paged, reset, pages) = try s.pull(e, limit: 1)
        #expect(reset)
        #expect(pages == whole.count + 1 || pages == whole.count)
        #expect(paged.compactMap { $0["seq"] as? Int } == whole)
    }

    @Test(arguments: StoreEngine.allCases) func onlyTheLatestStateOfAnObject_isSent(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, _) = try s.addItem(service: 21)
        try s.pull(d)
        try s.changeItem(item, ["action": "reschedule", "due_date": "2026-12-28", "reason": "later"])
        try s.changeItem(item, ["action": "reschedule", "due_date": "2026-12-29", "reason": "later still"])
        let changes = try s.pull(d).changes
        let items = SyncFixture.entities(changes, "plan_item")
        #expect(items.count == 1)
        #expect((items.first?["data"] as? [String: Any])?["due_date"] as? String == "2026-12-29")
    }

    @Test(arguments: StoreEngine.allCases) func pollWithNothingNew_answersTheCursorItWasSent(engine: StoreEngine) throws
    {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        try s.pull(d)
        let cursor = try #require(d.cursor)
        let r = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        #expect(r.status == 200)
        #expect((r.object["changes"] as? [Any])?.isEmpty == true)
        #expect(r.object["cursor"] as? String == cursor)
        #expect(r.object["has_more"] as? Bool == false)
        #expect(r.object["reset"] as? Bool == false)
        // The answered cursor is a working one: the next change arrives after it.
        _ = try s.addItem(service: 21)
        #expect(!SyncFixture.entities(try s.pull(d).changes, "plan_item").isEmpty)
    }

    /// A poll after other families' changes (newer rows of the feed, none of the scope) has nothing
    /// new and keeps its cursor; the next change of the scope, a family row or this device's own
    /// outcome, still arrives after it.
    @Test(arguments: StoreEngine.allCases) func pollAfterOtherFamiliesChanges_hasNothingNew_untilTheScopeChanges(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let other = try s.enroll("worker112")
        try s.pull(d)
        try s.pull(other)
        let cursor = try #require(d.cursor)
        let (item, _) = try s.addItem(worker: "worker112", service: 21)
        let otherChanges = try s.pull(other).changes
        #expect(SyncFixture.entities(otherChanges, "plan_item").contains { $0["id"] as? String == item })
        let poll = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        let shared = SyncFixture.entities(poll.object["changes"] as? [[String: Any]] ?? [], "plan_item")
        try #require(shared.isEmpty, "worker111 and worker112 share the family; the test needs separate ones")
        #expect(poll.status == 200 && poll.object["cursor"] as? String == cursor)
        let (mine, _) = try s.addItem(service: 22)
        let next = try s.pull(d).changes
        #expect(SyncFixture.entities(next, "plan_item").map { $0["id"] as? String } == [mine])
    }

    /// The poll authenticates in its own read (one connection): a revoked device, a disabled
    /// worker, a session instead of a device token and no token at all are refused at once, each
    /// with its code, and a refused poll with a body gets its 401 without the body being read.
    @Test(arguments: StoreEngine.allCases) func poll_refusesRevokedDevicesDisabledUsersAndSessions_atOnce(
        engine: StoreEngine
    ) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let e = try s.enroll("worker112")
        try s.pull(d)
        let cursor = try #require(d.cursor)
        #expect(try d.client.get("/v1/sync/pull?cursor=" + cursor).status == 200)
        let none = try s.server.client.get("/v1/sync/pull?cursor=" + cursor)
        #expect(none.status == 401 && none.code == "unauthenticated")
        let session = try s.server.login("super11").get("/v1/sync/pull")
        #expect(session.status == 403 && session.code == "forbidden")
        let withBody = try s.server.client.authorized("kda_nonsense").json("GET", "/v1/sync/pull", "{}")
        #expect(withBody.status == 401)
        let revoke = try s.base.admin.json(
            "POST", "/v1/admin/devices/\(d.id)/revoke", "{\"reason\":\"phone lost\"}", idempotencyKey: s.base.key())
        #expect(revoke.status == 200)
        let revoked = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        #expect(revoked.status == 401 && revoked.code == "device_revoked")
        #expect(try e.client.get("/v1/sync/pull").status == 200)
        let user = try s.base.admin.get("/v1/admin/users/\(s.base.user("worker112"))")
        let patch = try s.base.admin.json(
            "PATCH", "/v1/admin/users/\(s.base.user("worker112"))",
            "{\"version\":\(user.object["version"] as? Int ?? 0),\"active\":false}", idempotencyKey: s.base.key())
        #expect(patch.status == 200)
        let disabled = try e.client.get("/v1/sync/pull")
        #expect(disabled.status == 403 && disabled.code == "account_disabled")
    }

    /// Bad query parameters are refused after authentication, as before: 401 first, then 400.
    @Test func poll_checksTheTokenBeforeTheQuery() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        #expect(try s.server.client.get("/v1/sync/pull?limit=0").status == 401)
        for query in ["limit=0", "limit=x", "cursor=a&cursor=b", "limit=1&limit=2", "since=1"] {
            let r = try d.client.get("/v1/sync/pull?" + query)
            #expect(r.status == 400 && r.code == "invalid_parameter", "\(query)")
        }
        #expect(try d.client.get("/v1/sync/pull?cursor=x").code == "invalid_cursor")
    }

    @Test(arguments: StoreEngine.allCases) func tamperedCursor_isInvalidCursor(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        try s.pull(d)
        var cursor = Array(try #require(d.cursor))
        cursor[3] = cursor[3] == "A" ? "B" : "A"
        let r = try d.client.get("/v1/sync/pull?cursor=" + String(cursor))
        #expect(r.status == 400 && r.code == "invalid_cursor")
        #expect(try d.client.get("/v1/sync/pull?limit=0").code == "invalid_parameter")
        #expect(try d.client.get("/v1/sync/pull?since=1").code == "invalid_parameter")
    }

    @Test(arguments: StoreEngine.allCases) func scopeChange_startsWithReset(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        try s.pull(d)
        let families = try s.base.admin.get("/v1/admin/families?limit=500")
        let other = try #require(
            ((families.object["items"] as? [[String: Any]]) ?? []).first {
                ($0["assigned_worker_ids"] as? [String])?.contains(s.base.user("worker112")) == true
            })
        let id = try #require(other["id"] as? String)
        let body = SyncFixture.json([
            "version": other["version"] as? Int ?? 1,
            "assigned_worker_ids": [s.base.user("worker112"), s.base.user("worker111")],
        ])
        let r = try s.base.admin.json("PATCH", "/v1/admin/families/\(id)", body, idempotencyKey: s.base.key())
        #expect(r.status == 200, "\(r)")
        let (changes, reset, _) = try s.pull(d)
        #expect(reset)
        #expect(SyncFixture.entities(changes, "family").count == 3)
    }

    @Test(arguments: StoreEngine.allCases) func outcomesAndLastDeviceSeq_comeBackByPull(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        try s.pull(d)
        let event = SyncFixture.complete(d, item: item, member: member, files: [SyncFixture.file()])
        _ = try s.results(d, [event])
        let r = try d.client.get("/v1/sync/pull?cursor=" + (d.cursor ?? ""))
        #expect(r.object["last_device_seq"] as? Int == 1)
        let changes = r.object["changes"] as? [[String: Any]] ?? []
        let outcome = SyncFixture.entities(changes, "event_outcome").first?["data"] as? [String: Any]
        #expect(outcome?["outcome"] as? String == "accepted")
        let receipt = SyncFixture.entities(changes, "receipt").first?["data"] as? [String: Any]
        #expect(receipt?["files_declared"] as? Int == 1 && receipt?["files_verified"] as? Int == 0)
        let completion = SyncFixture.entities(changes, "completion").first?["data"] as? [String: Any]
        #expect(completion?["completeness"] as? String == "incomplete")
        // Another device of another worker sees none of this device's outcomes.
        let other = try s.enroll("worker112")
        let theirs = try s.pull(other).changes
        #expect(SyncFixture.entities(theirs, "event_outcome").isEmpty)
        #expect(SyncFixture.entities(theirs, "receipt").isEmpty)
    }

    @Test(arguments: StoreEngine.allCases) func reviewDecision_reachesTheDeviceByPull(engine: StoreEngine) throws {
        let s = try SyncFixture(engine: engine)
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        let completion = try #require(
            try s.results(d, [SyncFixture.complete(d, item: item, member: member)]).first?["completion_id"] as? String)
        try s.pull(d)
        let supervisor = try s.server.login("super11")
        let noComment = try supervisor.json(
            "POST", "/v1/admin/completions/\(completion)/reviews", "{\"decision\":\"has_issues\"}",
            idempotencyKey: s.base.key())
        #expect(noComment.status == 422)
        let review = try supervisor.json(
            "POST", "/v1/admin/completions/\(completion)/reviews",
            "{\"decision\":\"has_issues\",\"comment\":\"photo is blurred\"}", idempotencyKey: s.base.key())
        #expect(review.status == 201, "\(review)")
        let auditor = try s.server.login("auditor")
        #expect(
            try auditor.json(
                "POST", "/v1/admin/completions/\(completion)/reviews", "{\"decision\":\"approve\"}",
                idempotencyKey: s.base.key()
            ).status == 403)
        let changes = try s.pull(d).changes
        let pulled = SyncFixture.entities(changes, "review").first?["data"] as? [String: Any]
        #expect(pulled?["comment"] as? String == "photo is blurred")
        let state = (SyncFixture.entities(changes, "completion").first?["data"] as? [String: Any])?["review_state"]
        #expect(state as? String == "has_issues")
        let audit = try s.base.admin.get("/v1/admin/audit?action=completion.review")
        #expect((audit.object["items"] as? [[String: Any]])?.count == 1)
    }

    @Test func restoredBackup_startsEveryDeviceWithReset() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        try s.pull(d)
        let copy = s.server.dataDirectory + "/backup.sqlite"
        let (status, output) = try ServerProcess.run(["backup", "--data", s.server.dataDirectory, "--to", copy])
        #expect(status == 0, "\(output)")
        s.server.stop()
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: s.server.databasePath + suffix)
        }
        try FileManager.default.moveItem(atPath: copy, toPath: s.server.databasePath)
        try s.server.restart()
        s.reconnect(d)
        let (_, reset, _) = try s.pull(d)
        #expect(reset, "a cursor from before the restore must not skip the restored store's changes")
    }
}

extension PullHandlerTests {
    /// The engine's counter of requests its event loops answered themselves.
    static func answeredOnLoop(_ s: SyncFixture) throws -> Int {
        let text = try s.server.client.get("/metrics").text
        let line = text.split(separator: "\n").first { $0.hasPrefix("kandas_engine_answered_on_loop_total ") }
        return Int(line?.split(separator: " ").last ?? "") ?? -1
    }

    /// A poll with nothing new is answered by the event loop (SQLite, a reader free, no last-use
    /// write due) with the bytes a handler thread gives; a poll it does not answer (the first one
    /// owes its last-use write, a revoked device, a page with changes) still gets its handler
    /// thread's answer, revocation included, at once.
    @Test func pollWithNothingNew_isAnsweredOnTheLoop_withTheHandlersAnswers() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        try s.pull(d)
        let cursor = try #require(d.cursor)
        let first = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        let before = try Self.answeredOnLoop(s)
        let polls = try (0..<3).map { _ in try d.client.get("/v1/sync/pull?cursor=" + cursor) }
        #expect(try Self.answeredOnLoop(s) >= before + 3)
        for poll in polls + [first] {
            #expect(poll.status == 200)
            #expect(poll.headers["content-type"] == "application/json")
            #expect(poll.headers["cache-control"] == "no-store")
            #expect(poll.object["cursor"] as? String == cursor)
            #expect((poll.object["changes"] as? [Any])?.isEmpty == true)
            #expect(poll.object["last_device_seq"] as? Int == first.object["last_device_seq"] as? Int)
            #expect(poll.object["reset"] as? Bool == false && poll.object["has_more"] as? Bool == false)
        }
        // A change of the scope: the page is a handler thread's, and it carries the change.
        _ = try s.addItem(service: 21)
        let page = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        #expect(!SyncFixture.entities(page.object["changes"] as? [[String: Any]] ?? [], "plan_item").isEmpty)
        // Junk, a wrong protocol version and a revoked device are refused as before.
        #expect(try s.server.client.authorized("kda_nonsense").get("/v1/sync/pull?cursor=" + cursor).status == 401)
        let otherVersion = try d.client.send(
            "GET", "/v1/sync/pull?cursor=" + cursor, headers: [("Kandas-Protocol", "999")])
        #expect(otherVersion.code == "unsupported_protocol_version")
        let revoke = try s.base.admin.json(
            "POST", "/v1/admin/devices/\(d.id)/revoke", "{\"reason\":\"phone lost\"}", idempotencyKey: s.base.key())
        #expect(revoke.status == 200)
        let revoked = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        #expect(revoked.status == 401 && revoked.code == "device_revoked")
    }
}

/// The event loop's remembered polls (`PollMemo`): given again only while nothing was committed.
extension PullHandlerTests {
    /// A page's bytes with its `server_time` value blanked, and that value.
    static func splitTime(_ body: [UInt8]) throws -> (rest: String, time: Date) {
        let text = String(decoding: body, as: UTF8.self)
        let range = try #require(text.range(of: #""server_time":"[^"]*""#, options: .regularExpression))
        let value = String(text[range].dropFirst(#""server_time":""#.count).dropLast())
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let time = try #require(format.date(from: value))
        return (text.replacingCharacters(in: range, with: #""server_time":"""#), time)
    }

    /// Remembered answers are a handler thread's bytes with the server time of now.
    @Test func rememberedPolls_areTheHandlersBytes_withTheServerTimeOfNow() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        try s.pull(d)
        let cursor = try #require(d.cursor)
        let first = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        let (firstRest, firstTime) = try Self.splitTime(first.body)
        let before = try Self.answeredOnLoop(s)
        var answers = [firstRest]
        for _ in 0..<3 {
            let poll = try d.client.get("/v1/sync/pull?cursor=" + cursor)
            #expect(poll.status == 200)
            answers.append(try Self.splitTime(poll.body).rest)
        }
        #expect(try Self.answeredOnLoop(s) == before + 3)
        // Half a minute later (no last-use write due yet): still the loop's, with the time of then.
        try s.server.setClockOffset(seconds: 30)
        let later = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        #expect(try Self.answeredOnLoop(s) == before + 4)
        let (laterRest, laterTime) = try Self.splitTime(later.body)
        answers.append(laterRest)
        #expect(laterTime.timeIntervalSince(firstTime) >= 30)
        // A minute after the last write the device owes one: a handler thread answers, the same bytes.
        try s.server.setClockOffset(seconds: 61)
        let owing = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        #expect(owing.status == 200)
        #expect(try Self.answeredOnLoop(s) == before + 4)
        let handlers = try Self.splitTime(owing.body).rest
        #expect(answers.allSatisfy { $0 == handlers })
        #expect(handlers.contains(#""cursor":"\#(cursor)""#))
    }

    /// A commit by another process (here the test's own SQLite connection) is seen by the next poll
    /// at once: a scope change gives `reset`, a disabled account its refusal.
    @Test func rememberedPolls_seeCommitsOfOtherProcesses_atOnce() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let worker = s.base.user("worker111")
        try s.pull(d)
        var cursor = try #require(d.cursor)
        _ = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        let before = try Self.answeredOnLoop(s)
        for _ in 0..<2 {
            let poll = try d.client.get("/v1/sync/pull?cursor=" + cursor)
            #expect(poll.status == 200 && poll.object["reset"] as? Bool == false)
        }
        #expect(try Self.answeredOnLoop(s) == before + 2)
        let db = try Connection(path: s.server.databasePath)
        // One of the worker's families is taken away: another scope, so `reset`.
        try db.execute(
            "DELETE FROM family_workers WHERE user_id = '\(worker)' AND family_id ="
                + " (SELECT min(family_id) FROM family_workers WHERE user_id = '\(worker)')")
        let rescoped = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        #expect(rescoped.status == 200 && rescoped.object["reset"] as? Bool == true)
        try s.pull(d)
        cursor = try #require(d.cursor)
        for _ in 0..<2 {
            let poll = try d.client.get("/v1/sync/pull?cursor=" + cursor)
            #expect(poll.status == 200 && poll.object["reset"] as? Bool == false)
        }
        try db.execute("UPDATE users SET active = 0 WHERE id = '\(worker)'")
        let disabled = try d.client.get("/v1/sync/pull?cursor=" + cursor)
        #expect(disabled.status == 403 && disabled.code == "account_disabled")
    }
}
