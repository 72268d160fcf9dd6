import Dispatch
import Foundation
import KandasClient
import KandasProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The client core's own cost for a backlog: recording N completions offline (one durable transaction
/// each) against the `sqlite3` CLI inserting N rows one per transaction with the same durability, then
/// pushing the backlog in batches of 500 to an in-process server that accepts everything (so the
/// figure is the client's JSON, SQLite and bookkeeping work, not the network's). Reports peak RSS.
enum ClientBenchmark {
    static let benchmark = Benchmark(
        name: "client-backlog", usage: "client-backlog [--events 10000]", run: run)

    static func run(_ arguments: Arguments) throws {
        let events = try arguments.int("events", default: 10_000)
        try arguments.checkAllUsed()
        try withScratchDirectory { directory in
            let script = directory + "/peer.sql"
            var sql = "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n"
            sql += "CREATE TABLE outbox(id INTEGER PRIMARY KEY, event_id TEXT UNIQUE, body TEXT) STRICT;\n"
            let body = String(repeating: "x", count: 600)
            for index in 0..<events {
                sql +=
                    "INSERT INTO outbox(event_id, body) VALUES ('\(UUID().uuidString.lowercased())-\(index)', '\(body)');\n"
            }
            try sql.write(toFile: script, atomically: false, encoding: .utf8)
            let peer = try runCommand("sqlite3", [directory + "/peer.sqlite", ".read \(script)"]).seconds
            let (record, push) = try blocking { try await measureClient(home: directory + "/home", events: events) }
            var report = Report(
                title: "Client backlog (\(events) events, synchronous=FULL)",
                columns: ["step", "who", "seconds", "events/s"])
            let rate = { (seconds: Double) in Report.format(Double(events) / seconds, 0) }
            report.add(["durable insert", "sqlite3 CLI, one row per transaction", Report.format(peer, 2), rate(peer)])
            report.add(["record completion", "KandasClient.complete", Report.format(record, 2), rate(record)])
            report.add([
                "push in batches of 500", "KandasClient.sync (in-process server)", Report.format(push, 2), rate(push),
            ])
            report.print()
            print(Report.ratioLine("record/sqlite3 durable insert", ours: peer, peer: record, target: 0.5))
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            print("peak RSS \(usage.ru_maxrss / 1024) MiB (target < 64 MiB)")
        }
    }

    static func measureClient(home: String, events: Int) async throws -> (record: Double, push: Double) {
        let server = AcceptAllServer()
        let client = try await KandasClient.open(home: home, transport: server)
        defer { client.close() }
        try await client.enroll(serverURL: AcceptAllServer.base, code: "AAAABBBBCCCCDDDDEEEEFFFFGG")
        try await client.sync()
        guard let item = try await client.items().first else { throw BenchmarkFailure(description: "no item pulled") }
        let location = Geolocation(
            latitude: 43.25, longitude: 76.95, accuracyMeters: 8, fixTime: .now(), provider: .gps, mock: false)
        let clock = ContinuousClock()
        var start = clock.now
        for index in 0..<events {
            try await client.complete(
                CompletionDraft(
                    itemID: item.item.id, performedAt: .now(), note: "visit \(index): documents checked",
                    location: location))
        }
        let record = seconds(start.duration(to: clock.now))
        start = clock.now
        let report = try await client.sync()
        let push = seconds(start.duration(to: clock.now))
        guard report.eventsAccepted == events else {
            throw BenchmarkFailure(description: "pushed \(report.eventsAccepted) of \(events) events")
        }
        return (record, push)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Runs async work from the benchmark's synchronous entry point (the main thread, not the pool).
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value: Result<T, any Error>
            do { value = .success(try await body()) } catch { value = .failure(error) }
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }
}

/// An in-process server that enrolls, serves one family with one recurring item, and accepts every event.
final class AcceptAllServer: Transport {
    static let base = "http://bench.invalid"
    private let lastSeq = Mutex(0)
    let device = WireID.random()
    let user = WireID.random()

    func send(
        _ request: TransportRequest, progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws(TransportError) -> TransportResponse {
        let path = URLComponents(string: request.url)?.path ?? ""
        let now = Timestamp.now()
        switch path {
        case "/v1/limits":
            return TransportResponse(status: 200, body: Array(Self.limits.utf8))
        case "/v1/auth/enroll":
            return encode(
                TokenResponse(
                    deviceID: device, userID: user, tokenType: "Bearer", accessToken: "kda_bench", accessExpiresAt: now,
                    refreshToken: "kdr_bench", refreshExpiresAt: now))
        case "/v1/sync/push":
            guard case .bytes(let body) = request.body,
                let push = try? JSONCoding.decode(PushRequest.self, from: Data(body))
            else { return TransportResponse(status: 422) }
            let results = push.events.map {
                EventResult(eventID: $0.eventID, deviceSeq: $0.deviceSeq, outcome: .accepted, completionRev: 1)
            }
            let last = lastSeq.withLock { value in
                value = push.events.last?.deviceSeq ?? value
                return value
            }
            return encode(PushResponse(results: results, lastDeviceSeq: last, serverTime: now))
        case "/v1/sync/pull":
            let first = !request.url.contains("cursor=")
            return encode(
                PullResponse(
                    reset: first, changes: first ? snapshot(now) : [], cursor: "bench",
                    hasMore: false, lastDeviceSeq: lastSeq.withLock { $0 }, serverTime: now))
        default:
            return TransportResponse(status: 404)
        }
    }

    private func snapshot(_ now: Timestamp) -> [Change] {
        let family = Family(
            id: .random(), regionID: .random(), careerCentreID: .random(), assignedWorkerIDs: [user],
            settlement: Settlement(name: "Aqsu"), quotaInclusionDate: CalendarDate(year: 2026, month: 1, day: 1)!,
            consentRecorded: true, version: 1, createdAt: now, updatedAt: now)
        let member = Member(
            id: .random(), familyID: family.id, iin: "900101300123", lastName: "Bench", firstName: "Member",
            birthDate: CalendarDate(year: 1990, month: 1, day: 1)!, relation: .head, version: 1, createdAt: now,
            updatedAt: now)
        let plan = Plan(
            id: .random(), familyID: family.id, status: .published, version: 4, createdAt: now, updatedAt: now,
            publicationLate: false)
        let item = PlanItem(
            id: .random(), planID: plan.id, familyID: family.id, memberID: member.id, serviceCode: 19,
            dueDate: CalendarDate(year: 2026, month: 12, day: 1)!, status: .open, version: 1, completionCount: 0,
            createdAt: now, updatedAt: now)
        return [
            .put(seq: 1, id: family.id, .family(family)), .put(seq: 2, id: member.id, .member(member)),
            .put(seq: 3, id: plan.id, .plan(plan)), .put(seq: 4, id: item.id, .planItem(item)),
        ]
    }

    private func encode<T: Encodable>(_ value: T) -> TransportResponse {
        TransportResponse(status: 200, body: (try? [UInt8](JSONCoding.encode(value))) ?? [])
    }

    static let limits = """
        {"protocol_version":1,"features":[],"max_header_bytes":16384,"max_header_count":100,
        "max_json_body_bytes":1048576,"max_push_body_bytes":4194304,"max_push_events":500,
        "max_import_body_bytes":16777216,"max_import_rows":50000,"max_pull_limit":1000,"default_pull_limit":500,
        "max_page_limit":500,"default_page_limit":100,"max_file_bytes":4294967296,"max_chunk_bytes":16777216,
        "recommended_chunk_bytes":8388608,"max_files_per_completion":50,"max_note_chars":4000,
        "max_open_uploads_per_device":8,"upload_expiry_s":604800,"upload_max_age_s":2592000,
        "access_token_ttl_s":3600,"refresh_token_ttl_s":7776000,"refresh_token_max_age_s":31536000,
        "refresh_grace_s":600,"enrollment_code_ttl_s":900,"enrollment_code_max_ttl_s":259200,
        "session_ttl_s":28800,"session_idle_s":1800,"idempotency_retention_s":2592000}
        """
}
