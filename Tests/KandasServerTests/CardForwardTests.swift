import Foundation
import KandasTestSupport
import Testing

@testable import KandasServer

/// Rules 2, para 37: completions are "shown in the Kandas AIS and the family's digital card". Each
/// complete, approved completion is forwarded to the configured receiver as signed JSON; failures
/// are retried with backoff from queue rows in the store (so a restart loses nothing), a delivery
/// that keeps failing is dead and visible, and the receiver records each completion once.
@Suite(.serialized) struct CardForwardTests {
    static let secret = "test-card-secret-0123456789abcdef-0123456789"

    /// The Python receiver (`card_receiver.py`) on 127.0.0.1 and a free port; stopped by `stop()`.
    final class Receiver: @unchecked Sendable {
        // @unchecked: owned by one test, used from its thread.
        let process: ChildProcess
        let log: String
        let port: Int

        init(failFirst: Int) throws {
            log =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "card-\(UUID().uuidString.prefix(8)).jsonl"
                ).path
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "card_receiver.py")
            process = try ProcessRunner.spawn(
                "python3", [script.path, log, String(failFirst)],
                environment: ProcessInfo.processInfo.environment.merging(["CARD_SECRET": CardForwardTests.secret]) {
                    $1
                }, input: .pipe, output: .pipe)
            guard let port = process.readLine().flatMap({ Int($0) }) else {
                process.stop()
                throw TestSupportError("card_receiver.py did not print its port")
            }
            self.port = port
        }

        var url: String { "http://127.0.0.1:\(port)/cards" }

        /// Switches a mode (`down`: answer 503; `hold`: hold the answer after recording) on or off.
        func set(_ mode: String, _ on: Bool) throws {
            if on {
                try Data().write(to: URL(fileURLWithPath: log + "." + mode))
            } else {
                try? FileManager.default.removeItem(atPath: log + "." + mode)
            }
        }

        func stop() {
            process.stop()
            for suffix in ["", ".down", ".hold"] { try? FileManager.default.removeItem(atPath: log + suffix) }
        }

        /// Every request the receiver saw, in order.
        func entries() -> [[String: String]] {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String]
            }
        }

        /// Waits (polling, no timing assertion) until `done` holds for the entries; gives up after 2 minutes.
        func wait(_ what: String, until done: ([[String: String]]) -> Bool) throws {
            for _ in 0..<1200 {
                if done(entries()) { return }
                usleep(100_000)
            }
            throw TestSupportError("receiver never saw \(what): \(entries())")
        }
    }

    static func serverArguments(_ receiver: Receiver, maxAttempts: Int = 12) -> [String] {
        [
            "--card-url", receiver.url, "--card-retry-base-ms", "50", "--card-poll-ms", "50", "--card-max-attempts",
            String(maxAttempts),
        ]
    }

    func review(_ data: ConsoleData, _ completion: String, _ decision: String = "approve") throws {
        let r = try data.admin.json(
            "POST", "/v1/admin/completions/\(completion)/reviews", "{\"decision\":\"\(decision)\"}",
            idempotencyKey: "rv-\(UUID().uuidString.prefix(12))")
        #expect(r.status == 201, "\(r)")
    }

    static func items(_ r: TestResponse) -> [[String: Any]] { r.object["items"] as? [[String: Any]] ?? [] }

    @Test func para37_completeApprovedCompletions_reachTheReceiverSignedAndOnce_acrossCrashesAndRestarts() throws {
        let receiver = try Receiver(failFirst: 0)
        defer { receiver.stop() }
        let f = try Fixture(arguments: Self.serverArguments(receiver), environment: ["KANDAS_CARD_SECRET": Self.secret])
        defer { f.server.cleanup() }
        // The receiver is down (503) while the completions are approved.
        try receiver.set("down", true)
        let data = try ConsoleData(f.server)
        let family = f.seed.families[0]
        let plan = try data.family(family)
        var forwarded: Set<String> = []
        for (n, item) in plan.items.prefix(3).enumerated() {
            let id = try data.completeWithEvidence(
                family: family, item: item, worker: plan.worker, performedAt: "2026-11-1\(n)T06:00:00.000Z")
            try review(data, id)
            forwarded.insert(id)
        }
        // Approved but without evidence: incomplete, never forwarded. Complete but not approved: not either.
        let bare = try data.complete(
            family: family, item: plan.items[0], worker: plan.worker, performedAt: "2026-11-15T06:00:00.000Z",
            note: nil, location: nil)
        try review(data, bare)
        let unreviewed = try data.completeWithEvidence(
            family: family, item: plan.items[1], worker: plan.worker, performedAt: "2026-11-16T06:00:00.000Z")
        try receiver.wait("a failed attempt of each") {
            Set($0.filter { $0["outcome"] == "failed" }.compactMap { $0["completion_id"] }) == forwarded
        }
        // Crash 1 (kill -9) with every delivery owed: the queue is in the store, not in memory.
        f.server.crash()
        try receiver.set("down", false)
        try receiver.set("hold", true)
        try f.server.restart()
        // Crash 2 in the middle of a POST: the receiver recorded it, the server never saw the answer.
        try receiver.wait("a record") { $0.contains { $0["outcome"] == "recorded" } }
        f.server.crash()
        let held = receiver.entries().first { $0["outcome"] == "recorded" }?["delivery_id"] ?? ""
        try receiver.set("hold", false)
        // Past the 60 s lease, so the next instance claims the interrupted delivery again.
        try f.server.setClockOffset(seconds: 120)
        try f.server.restart()
        try receiver.wait("three records and the repeat") {
            $0.filter { $0["outcome"] == "recorded" }.count == 3 && $0.contains { $0["outcome"] == "duplicate" }
        }
        let admin = try f.server.login("admin")
        for _ in 0..<1200 {
            if Self.items(try admin.get("/v1/admin/card-forwards?state=delivered")).count == 3 { break }
            usleep(100_000)
        }
        let entries = receiver.entries()
        #expect(!entries.contains { $0["outcome"] == "bad_signature" }, "\(entries)")
        let recorded = entries.filter { $0["outcome"] == "recorded" }
        #expect(recorded.count == 3)
        #expect(Set(recorded.compactMap { $0["completion_id"] }) == forwarded)
        // The repeat after the crash mid-POST carried the same delivery ID, so the receiver dropped it.
        #expect(entries.filter { $0["outcome"] == "duplicate" }.allSatisfy { $0["delivery_id"] == held })
        #expect(!entries.contains { $0["completion_id"] == bare || $0["completion_id"] == unreviewed })
        // One delivery ID per completion on every attempt, and the body names the same ID as the header.
        for id in forwarded {
            #expect(Set(entries.filter { $0["completion_id"] == id }.compactMap { $0["delivery_id"] }).count == 1)
        }
        #expect(entries.allSatisfy { $0["delivery_id"] == $0["body_delivery_id"] })
        let delivered = Self.items(try admin.get("/v1/admin/card-forwards?state=delivered"))
        #expect(Set(delivered.compactMap { $0["completion_id"] as? String }) == forwarded)
        #expect(Self.items(try admin.get("/v1/admin/card-forwards")).count == 3)
    }

    @Test func para37_aDeliveryThatKeepsFailing_isDead_visible_andAnAdministratorQueuesItAgain() throws {
        let receiver = try Receiver(failFirst: 2)
        defer { receiver.stop() }
        let f = try Fixture(
            arguments: Self.serverArguments(receiver, maxAttempts: 2), environment: ["KANDAS_CARD_SECRET": Self.secret])
        defer { f.server.cleanup() }
        let data = try ConsoleData(f.server)
        let family = f.seed.families[0]
        let plan = try data.family(family)
        let id = try data.completeWithEvidence(
            family: family, item: plan.items[0], worker: plan.worker, performedAt: "2026-11-10T06:00:00.000Z")
        try review(data, id)
        var dead: [String: Any] = [:]
        for _ in 0..<1200 {
            dead = Self.items(try f.admin.get("/v1/admin/card-forwards?state=dead")).first ?? [:]
            if !dead.isEmpty { break }
            usleep(100_000)
        }
        #expect(dead["completion_id"] as? String == id)
        #expect(dead["attempts"] as? Int == 2 && dead["last_status"] as? Int == 503)
        #expect(dead["last_error"] as? String == "http_503")
        let forward = dead["id"] as? String ?? ""
        let audit = try f.admin.get("/v1/admin/audit?action=card_forward.dead")
        #expect(Self.items(audit).count == 1)
        // Another centre's supervisor does not see it; the region's administrator does, and retries it.
        let other = try f.server.login("super12")
        #expect(Self.items(try other.get("/v1/admin/card-forwards")).isEmpty)
        #expect(try other.get("/v1/admin/card-forwards/\(forward)").status == 404)
        let region = try f.server.login("region1")
        let retried = try region.json(
            "POST", "/v1/admin/card-forwards/\(forward)/retry", "{}", idempotencyKey: f.key())
        #expect(retried.status == 200 && retried.object["attempts"] as? Int == 0, "\(retried)")
        try receiver.wait("the record after the retry") { $0.contains { $0["outcome"] == "recorded" } }
        for _ in 0..<1200 {
            if (try f.admin.get("/v1/admin/card-forwards/\(forward)")).object["state"] as? String == "delivered" {
                break
            }
            usleep(100_000)
        }
        let final = try f.admin.get("/v1/admin/card-forwards/\(forward)")
        #expect(final.object["state"] as? String == "delivered" && final.object["id"] as? String == forward)
        // Only a dead delivery is retried.
        let again = try region.json("POST", "/v1/admin/card-forwards/\(forward)/retry", "{}", idempotencyKey: f.key())
        #expect(again.status == 409 && again.code == "invalid_transition")
        #expect(Self.items(try f.admin.get("/v1/admin/audit?action=card_forward.retry")).count == 1)
        var console = ConsoleClient(port: f.server.port)
        _ = try console.login("admin")
        let page = try console.get("/console/card-forwards")
        #expect(page.status == 200 && page.text.contains(forward), "\(page.status)")
    }

    @Test func signature_isHMACSHA256OverTimestampDeliveryIDAndBody() {
        // Expected value from Python's hmac module (card_receiver.py computes the same).
        let secret = Array(repeating: UInt8(ascii: "k"), count: 32)
        let header = CardSignature.sign(
            secret: secret, timestamp: 1_700_000_000, deliveryID: "0b7c4a52-3b1f-4c44-9a0e-3f4a3c2d1e00",
            body: Array("{\"a\":1}".utf8))
        #expect(header == "v1=77c82ac6c4fdaf64a15e17386d52fd818d66abf2fdc1b4277bbe7d05f2afe6c7")
        #expect(
            !CardSignature.verify(
                header, secret: secret, timestamp: 1_700_000_001, deliveryID: "0b7c4a52-3b1f-4c44-9a0e-3f4a3c2d1e00",
                body: Array("{\"a\":1}".utf8)))
    }

    @Test func receiverSettings_needASecretFromTheEnvironment_andNeverPrintIt() throws {
        var c = ServerConfig()
        #expect(throws: CommandError.self) {
            _ = try ServerConfig.parse(
                arguments: ["--card-url", "https://card.example.kz/in"], environment: [:], into: &c, extraFlags: [])
        }
        #expect(throws: CommandError.self) {
            _ = try ServerConfig.parse(
                arguments: ["--card-url", "https://card.example.kz/in"], environment: ["KANDAS_CARD_SECRET": "short"],
                into: &c, extraFlags: [])
        }
        // Plain HTTP only to a loopback relay.
        #expect(throws: CommandError.self) {
            _ = try ServerConfig.parse(
                arguments: ["--card-url", "http://card.example.kz/in"],
                environment: ["KANDAS_CARD_SECRET": Self.secret],
                into: &c, extraFlags: [])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("card-secret-\(UUID())").path
        try Data((Self.secret + "\n").utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        var ok = ServerConfig()
        _ = try ServerConfig.parse(
            arguments: ["--card-url", "https://card.example.kz/in"], environment: ["KANDAS_CARD_SECRET_FILE": file],
            into: &ok, extraFlags: [])
        let settings = try #require(ok.digitalCard)
        #expect(settings.secret == Array(Self.secret.utf8))
        #expect(!"\(settings)".contains(Self.secret) && !"\(ok)".contains(Self.secret))
    }

    @Test func backoff_doublesFromTheBase_upToAnHour() {
        #expect((100...110).contains(CardForwarder.backoff(base: 100, attempt: 1)))
        #expect((400...440).contains(CardForwarder.backoff(base: 100, attempt: 3)))
        #expect(CardForwarder.backoff(base: 30_000, attempt: 40) <= CardForwarder.maxBackoffMilliseconds * 11 / 10)
    }
}
