import Foundation
import KandasTestSupport
import SQLiteKit
import Synchronization
import Testing

/// `kill -9` at random moments while a client pushes batches; after a restart the client resends
/// everything: nothing acknowledged is lost, nothing is duplicated, `device_seq` stays gap-free.
///
/// Odd trials kill at a random moment; even ones at a random byte offset of a push request (the
/// batches before it answered, that one cut after a random number of its bytes arrived).
/// 20 trials in the normal run; `KANDAS_SOAK_TRIALS=500` (`make soak`) runs a soak and prints the
/// trials and the losses (acknowledged events not stored: always 0, or the test fails).
@Suite(.serialized) struct SyncCrashTests {
    static var trials: Int { Int(ProcessInfo.processInfo.environment["KANDAS_SOAK_TRIALS"] ?? "") ?? 20 }
    static let eventsPerTrial = 40
    static let batch = 8

    @Test func killDuringPushes_losesNothingAcknowledgedAndDuplicatesNothing() throws {
        let s = try SyncFixture()
        defer { s.server.cleanup() }
        let d = try s.enroll("worker111")
        let (item, member) = try s.addItem(service: 21)
        var acknowledged: Set<String> = []
        var sent: [[String: Any]] = []
        var crashesMidPush = 0
        var byteOffsetKills = 0
        var losses = 0
        for trial in 1...Self.trials {
            let events = (0..<Self.eventsPerTrial).map { _ in SyncFixture.complete(d, item: item, member: member) }
            sent += events
            let acks = Mutex<[String]>([])
            let failed = Mutex(false)
            let done = DispatchSemaphore(value: 0)
            let client = d.client
            let deviceID = d.id
            let bodies = stride(from: 0, to: events.count, by: Self.batch).map { start in
                SyncFixture.json([
                    "device_id": deviceID, "sent_at": "2026-11-25T04:20:12.904Z",
                    "events": Array(events[start..<min(start + Self.batch, events.count)]),
                ])
            }
            if trial % 2 == 0 {
                // Kill at a random byte offset: earlier batches answered, this one partly sent.
                let cut = Int.random(in: 0..<bodies.count)
                for body in bodies[..<cut] {
                    let r = try client.json("POST", "/v1/sync/push", body)
                    try #require(r.status == 200, "trial \(trial): \(r)")
                    let ids = (r.object["results"] as? [[String: Any]] ?? []).compactMap { $0["event_id"] as? String }
                    acknowledged.formUnion(ids)
                }
                let body = Array(bodies[cut].utf8)
                let offset = Int.random(in: 0...body.count)
                let raw = try RawClient(port: s.server.port)
                raw.send(
                    Array(
                        ("POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(d.token)\r\n"
                            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n").utf8)
                        + body[..<offset])
                usleep(UInt32.random(in: 0...20_000))
                s.server.crash()
                byteOffsetKills += 1
                crashesMidPush += 1
                try s.server.restart()
                s.reconnect(d)
                try resend(s, d, events, trial: trial)
                losses = max(losses, try check(s, deviceID: d.id, sent: sent, acknowledged: acknowledged, trial: trial))
                continue
            }
            let thread = Thread {
                for body in bodies {
                    guard let r = try? client.json("POST", "/v1/sync/push", body), r.status == 200 else {
                        failed.withLock { $0 = true }
                        break
                    }
                    let ids = (r.object["results"] as? [[String: Any]] ?? []).compactMap { result -> String? in
                        ["accepted", "duplicate"].contains(result["outcome"] as? String ?? "")
                            ? result["event_id"] as? String : nil
                    }
                    acks.withLock { $0 += ids }
                }
                done.signal()
            }
            thread.start()
            usleep(UInt32.random(in: 0...70_000))
            s.server.crash()
            done.wait()
            if failed.withLock({ $0 }) { crashesMidPush += 1 }
            acknowledged.formUnion(acks.withLock { $0 })
            try s.server.restart()
            s.reconnect(d)
            try resend(s, d, events, trial: trial)
            losses = max(losses, try check(s, deviceID: d.id, sent: sent, acknowledged: acknowledged, trial: trial))
        }
        print(
            "sync crash trials: \(Self.trials) (\(byteOffsetKills) at a random byte offset), killed mid-push:"
                + " \(crashesMidPush), events: \(sent.count), losses: \(losses)")
        #expect(crashesMidPush > 0, "no crash hit a push in flight: the test did not test anything")
    }

    /// Resends every event of a trial, as a client that lost every response would.
    func resend(_ s: SyncFixture, _ d: SyncFixture.Device, _ events: [[String: Any]], trial: Int) throws {
        for start in stride(from: 0, to: events.count, by: Self.batch) {
            let chunk = Array(events[start..<min(start + Self.batch, events.count)])
            let results = try s.results(d, chunk)
            #expect(
                results.allSatisfy { ["accepted", "duplicate"].contains($0["outcome"] as? String ?? "") },
                "trial \(trial): \(results)")
        }
    }

    /// Checks the store after a trial; returns how many acknowledged events it lacks (the soak's losses).
    @discardableResult
    func check(
        _ s: SyncFixture, deviceID: String, sent: [[String: Any]], acknowledged: Set<String>, trial: Int
    ) throws
        -> Int
    {
        let db = try Connection(path: s.server.databasePath, options: .init(readOnly: true, journalMode: nil))
        let stored = try db.query(
            "SELECT ktext(event_id) AS event_id, device_seq FROM device_events WHERE device_id = kid(?)"
                + " ORDER BY device_seq",
            deviceID)
        let ids = try stored.map { try $0.string("event_id") }
        let seqs = try stored.map { Int(try $0.int("device_seq")) }
        #expect(seqs == Array(1...sent.count), "trial \(trial): device_seq not gap-free")
        #expect(ids == sent.compactMap { $0["event_id"] as? String }, "trial \(trial): stored events differ")
        let missing = acknowledged.subtracting(ids)
        #expect(missing.isEmpty, "trial \(trial): \(missing.count) acknowledged events were lost")
        let completions = try db.queryOne(
            // A completion's device is its `complete` event's (migration 0041).
            "SELECT count(*) AS n FROM completions c JOIN device_events e ON e.seq = c.event_seq"
                + " WHERE e.device_id = kid(?)",
            deviceID)
        #expect(try completions?.int("n") == Int64(sent.count), "trial \(trial): completions duplicated or lost")
        let last = try db.queryOne("SELECT last_device_seq FROM devices WHERE id = ?", deviceID)
        #expect(try last?.int("last_device_seq") == Int64(sent.count))
        return missing.count
    }
}
