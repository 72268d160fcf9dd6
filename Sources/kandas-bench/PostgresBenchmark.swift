import Foundation
import KandasProtocol
import KandasTestSupport
import PostgresKit
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `kandas-bench pg`: the sync push and pull through `kandas-server` on PostgreSQL, and two
/// instances on one database against one.
///
/// A throw-away cluster (the test harness's ``PostgresCluster``, here with PostgreSQL's durable
/// defaults: `fsync`, `synchronous_commit` and `full_page_writes` on) is started on a free
/// loopback port, and stopped and removed at the end. One database is seeded and set up (a device
/// for the push, N more for the instances run) and copied (`CREATE DATABASE ... TEMPLATE`) for
/// every run, so each starts from the same rows.
///
/// 1. Push N events in batches of B through one server, against `psql` replaying the same rows in
///    the same transactions: the timed server runs with `--sql-trace-file` (PostgresKit's write
///    trace, whose cost counts against the server); every transaction it committed with a write
///    during the push (BEGIN, the writes and locks with their values filled in, COMMIT) then runs
///    through one `psql` on a second copy. The difference is what the server adds to PostgreSQL's
///    own work for the same rows: HTTP, JSON, validation, reads, conflict checks and outcomes.
///    Then a fresh device pulls everything. One push of N events, not two (the trace used to come
///    from a second, untimed push), and the default 100,000 finish in a few minutes.
///    `--profile N` prints where PostgreSQL's time went during the push (pg_stat_statements).
/// 2. The same kind of push (`--instance-events`, 20,000 by default to keep the bench short) spread
///    over D devices pushing in parallel, through one instance, then through two instances on the
///    same database and `--data` folder (device i to instance i % 2).
enum PostgresBenchmark {
    static let benchmark = Benchmark(
        name: "pg",
        usage:
            "pg [--events 100000] [--batch 500] [--devices 8] [--instance-events 20000] [--pull-limit 1000]"
            + " [--only all|replay|instances] [--profile N]",
        run: run)

    struct Setup {
        var seed: [String: Any]
        var device: String
        var token: String
        var item: String
        var member: String
        /// Each with an item of its own, as devices of different workers complete different items.
        var fleet: [(device: String, token: String, item: String)]
    }

    static func run(_ arguments: Arguments) throws {
        let count = try arguments.int("events", default: 100_000)
        let batch = try arguments.int("batch", default: 500)
        let devices = try arguments.int("devices", default: 8)
        // Fewer than the push's by default: the whole bench stays within a few minutes.
        let instanceEvents = try arguments.int("instance-events", default: 20_000)
        let pullLimit = try arguments.int("pull-limit", default: 1000)
        let only = try arguments.choice("only", ["all", "replay", "instances"], default: "all")
        // Where PostgreSQL's time goes during the timed push: its N costliest statements
        // (pg_stat_statements, nested ones in trigger functions included) and the trigger functions.
        let profile = try arguments.int("profile", default: 0)
        try arguments.checkAllUsed()
        guard count >= 1, instanceEvents >= devices, devices >= 2, batch >= 1 else {
            throw UsageError(description: "need --instance-events >= --devices >= 2, --events >= 1 and --batch >= 1")
        }
        try withScratchDirectory { directory in
            let cluster = try PostgresCluster(
                durable: true,
                settings: profile > 0
                    ? [
                        "shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track=all",
                        "track_functions=pl",
                    ] : [])
            // Killed (SIGTERM, Ctrl-C): the cluster stops now, not when its watchdog notices.
            let stopCluster = Children.onSignal { cluster.stop() }
            defer {
                Children.forget(stopCluster)
                cluster.stop()
            }
            let data = directory + "/data"
            let template = try cluster.createDatabase()
            let setup = try prepare(cluster: cluster, url: template, data: data, directory: directory, devices: devices)
            let urls = try (0..<4).map { _ in try copy(template, on: cluster) }
            print(
                "PostgreSQL \(cluster.serverVersion) on 127.0.0.1:\(cluster.port) (fsync, synchronous_commit and"
                    + " full_page_writes on); \(count) events, batches of \(batch)")
            if only != "instances" {
                try replayRun(
                    cluster: cluster, urls: Array(urls[0..<2]), data: data, directory: directory, setup: setup,
                    count: count, batch: batch, pullLimit: pullLimit, profile: profile)
            }
            if only != "replay" {
                try instancesRun(
                    cluster: cluster, urls: Array(urls[2..<4]), data: data, directory: directory, setup: setup,
                    count: instanceEvents, batch: batch)
            }
        }
    }

    static func text(_ cluster: PostgresCluster, _ url: PostgresURL) -> String {
        "postgresql://kandas@127.0.0.1:\(cluster.port)/\(url.database)"
    }

    /// Seeds `url`, enrolls the push device and `devices` more, adds the item they complete.
    static func prepare(
        cluster: PostgresCluster, url: PostgresURL, data: String, directory: String, devices: Int
    ) throws -> Setup {
        let server = try ChildServer(directory: directory + "/setup", data: data, databaseURL: text(cluster, url))
        defer { server.stop() }
        let first = try server.setUp()
        var fleet: [(String, String, String)] = []
        for _ in 0..<devices {
            let token = try server.enroll()
            let item =
                try server.adminRequest(
                    "POST", "/v1/admin/plans/\(server.lastPlan)/items",
                    ["member_id": first.member, "service_code": 21, "due_date": "2026-12-20"])["id"] as? String ?? ""
            fleet.append((server.lastDeviceID, token, item))
        }
        return Setup(
            seed: server.seed, device: first.deviceID, token: first.deviceToken, item: first.item,
            member: first.member, fleet: fleet)
    }

    // MARK: 1. push against psql replaying the same writes, and pull

    static func replayRun(
        cluster: PostgresCluster, urls: [PostgresURL], data: String, directory: String, setup: Setup,
        count: Int, batch: Int, pullLimit: Int, profile: Int
    ) throws {
        let batches = SyncBenchmark.makeBatches(
            count: count, batch: batch, device: setup.device, item: setup.item, member: setup.member,
            newID: { WireID.timeOrdered() })
        // The timed push, traced: the server writes each committed write transaction to `trace` as
        // it goes (its cost counts against the server, never for it), so the peer's input comes from
        // this very push instead of a second, untimed one on another copy.
        let trace = directory + "/writes.sql"
        let server = try ChildServer(
            directory: directory + "/push", extraArguments: ["--sql-trace-file", trace], data: data,
            databaseURL: text(cluster, urls[0]), seeded: setup.seed)
        defer { server.stop() }
        // The server appends (O_APPEND): emptied here, the file holds exactly the push's writes.
        guard truncate(trace, 0) == 0 || errno == ENOENT else {
            throw BenchmarkFailure(description: "cannot empty \(trace)")
        }
        if profile > 0 {
            _ = try psqlText(
                cluster, text(cluster, urls[0]),
                "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset(); SELECT pg_stat_reset();"
            )
        }
        let cpuBefore = server.cpuSeconds()
        let pgBefore = cluster.cpuSeconds()
        let push = try measure { try pushAll(batches.bodies, port: server.port, token: setup.token) }
        guard push.value == count else { throw BenchmarkFailure(description: "accepted \(push.value) of \(count)") }
        let pushCPU = server.cpuSeconds() - cpuBefore
        let pushPG = cluster.cpuSeconds() - pgBefore
        let pushHWM = server.peakRSSKiB()
        if profile > 0 { try printProfile(cluster, text(cluster, urls[0]), top: profile, events: count) }
        // Everything the push committed is in the trace; the pull's writes (login, enrollment) are not
        // the peer's work. The copy for psql is the template as it was before the push.
        let pushedBytes = (try? FileManager.default.attributesOfItem(atPath: trace)[.size] as? Int) ?? 0
        let replayTrace = directory + "/replay.sql"
        try FileManager.default.copyItem(atPath: trace, toPath: replayTrace)
        guard pushedBytes > 0 else { throw BenchmarkFailure(description: "the push left no trace") }
        // The pull of a fresh device of the same worker.
        try server.logIn()
        let puller = BenchHTTPClient(port: server.port)
        puller.token = try server.enroll()
        var changes = 0
        var pages = 0
        let pull = try measure {
            (changes, pages) = try puller.pullEverything(limit: pullLimit)
        }.seconds
        let hwm = server.peakRSSKiB()
        server.stop()
        // The copy of the file may have caught a transaction being written: keep whole lines up to the
        // last COMMIT only (every push transaction committed before its answer, so none is lost).
        try keepThroughLastCommit(replayTrace)
        let transactions = try lineCount(replayTrace, matching: "^COMMIT;$")
        let statements = try lineCount(replayTrace, matching: "")
        guard transactions >= batches.bodies.count else {
            throw BenchmarkFailure(
                description: "the trace holds \(transactions) commits for \(batches.bodies.count) pushes")
        }
        // psql replays it on the second copy: one process, one connection, the server's durability.
        let replayURL = text(cluster, urls[1])
        let before = try psqlScalar(cluster, replayURL, "SELECT count(*) FROM completions")
        let pgReplayBefore = cluster.cpuSeconds()
        let replay = try runCommand(
            cluster.binDirectory + "/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", replayURL, "-f", replayTrace]
        ).seconds
        let after = try psqlScalar(cluster, replayURL, "SELECT count(*) FROM completions")
        // Read once psql's session has ended and the postmaster has counted its CPU time (cutime).
        usleep(200_000)
        let replayPG = cluster.cpuSeconds() - pgReplayBefore
        guard after - before == count else {
            throw BenchmarkFailure(description: "the replay added \(after - before) completions, not \(count)")
        }
        var report = Report(
            title: "Sync through kandas-server on PostgreSQL (\(count) events, batches of \(batch))",
            columns: ["step", "who", "seconds", "rate"])
        report.add([
            "push", "kandas-server (child, HTTP)", Report.format(push.seconds, 2),
            Report.format(Double(count) / push.seconds, 0) + " events/s",
        ])
        report.add([
            "replay the server's writes", "psql", Report.format(replay, 2),
            Report.format(Double(count) / replay, 0)
                + " events/s (\(statements) statements, \(transactions) transactions)",
        ])
        report.add([
            "pull (\(pages) pages)", "kandas-server (child, HTTP)", Report.format(pull, 2),
            Report.format(Double(changes) / pull, 0) + " changes/s (\(changes) changes)",
        ])
        report.print()
        print(Report.ratioLine("push/psql replay", ours: replay, peer: push.seconds, target: 1.0))
        print(
            "pull rate = \(Report.format(Double(changes) / pull, 0)) changes/s"
                + " (\(Report.format(Double(count) / pull, 0)) pushed events/s)")
        print(
            "CPU during push: kandas-server \(perEvent(pushCPU, count)), PostgreSQL \(perEvent(pushPG, count));"
                + " PostgreSQL during the psql replay \(perEvent(replayPG, count))")
        print("kandas-server peak RSS (VmHWM) \(pushHWM / 1024) MiB after push, \(hwm / 1024) MiB after pull")
    }

    // MARK: 2. two instances against one

    static func instancesRun(
        cluster: PostgresCluster, urls: [PostgresURL], data: String, directory: String, setup: Setup,
        count: Int, batch: Int
    ) throws {
        let perDevice = count / setup.fleet.count
        let work = setup.fleet.map { device in
            (
                token: device.token,
                bodies: SyncBenchmark.makeBatches(
                    count: perDevice, batch: batch, device: device.device, item: device.item, member: setup.member,
                    newID: { WireID.timeOrdered() }
                ).bodies
            )
        }
        let total = perDevice * setup.fleet.count
        struct Run {
            var seconds: Double
            var cpu: [Double]
            var postgresCPU: Double
            var hwm: [Int]
        }
        func pushThrough(_ instances: Int, url: PostgresURL, name: String) throws -> Run {
            var servers: [ChildServer] = []
            defer { for server in servers { server.stop() } }
            for index in 0..<instances {
                servers.append(
                    try ChildServer(
                        directory: directory + "/\(name)-\(index)", data: data, databaseURL: text(cluster, url),
                        seeded: setup.seed))
            }
            let cpuBefore = servers.map { $0.cpuSeconds() }
            let pgBefore = cluster.cpuSeconds()
            let accepted = Mutex(0)
            let failure = Mutex<String?>(nil)
            let seconds = try measure {
                try runOnThreads(
                    work.enumerated().map { index, device in
                        let port = servers[index % instances].port
                        return {
                            do {
                                let n = try pushAll(device.bodies, port: port, token: device.token)
                                accepted.withLock { $0 += n }
                            } catch {
                                failure.withLock { $0 = "\(error)" }
                            }
                        }
                    })
            }.seconds
            if let failure = failure.withLock({ $0 }) { throw BenchmarkFailure(description: failure) }
            let acceptedCount = accepted.withLock { $0 }
            guard acceptedCount == total else {
                throw BenchmarkFailure(description: "\(name): accepted \(acceptedCount) of \(total)")
            }
            let run = Run(
                seconds: seconds, cpu: zip(servers, cpuBefore).map { $0.cpuSeconds() - $1 },
                postgresCPU: cluster.cpuSeconds() - pgBefore, hwm: servers.map { $0.peakRSSKiB() })
            return run
        }
        let one = try pushThrough(1, url: urls[0], name: "one")
        let two = try pushThrough(2, url: urls[1], name: "two")
        var report = Report(
            title:
                "\(total) events from \(setup.fleet.count) devices in parallel (batches of \(batch)), one database,"
                + " one --data folder",
            columns: ["instances", "seconds", "rate", "kandas-server CPU", "PostgreSQL CPU", "peak RSS (VmHWM)"])
        for (n, run) in [(1, one), (2, two)] {
            report.add([
                "\(n)", Report.format(run.seconds, 2), Report.format(Double(total) / run.seconds, 0) + " events/s",
                run.cpu.map { perEvent($0, total) }.joined(separator: " + "), perEvent(run.postgresCPU, total),
                run.hwm.map { "\($0 / 1024) MiB" }.joined(separator: ", "),
            ])
        }
        report.print()
        print(Report.ratioLine("2 instances/1 instance", ours: one.seconds, peer: two.seconds, target: 1.3))
        let peak = (one.hwm + two.hwm).max() ?? 0
        print(
            "peak RSS of each instance: " + (one.hwm + two.hwm).map { "\($0 / 1024) MiB" }.joined(separator: ", ")
                + " (target < 64 MiB: \(peak < 64 * 1024 ? "ok" : "ABOVE TARGET"))")
    }

    // MARK: Helpers

    /// A copy of `template`, once the sessions of the server that just stopped have ended.
    static func copy(_ template: PostgresURL, on cluster: PostgresCluster) throws -> PostgresURL {
        var attempt = 0
        while true {
            do {
                return try cluster.createDatabase(template: template)
            } catch {
                attempt += 1
                guard attempt < 100 else { throw error }
                usleep(100_000)
            }
        }
    }

    /// Pushes `bodies` in order as one device; returns the accepted count.
    static func pushAll(_ bodies: [[UInt8]], port: Int, token: String) throws -> Int {
        let device = BenchHTTPClient(port: port)
        device.token = token
        var accepted = 0
        for body in bodies {
            let r = try device.request("POST", "/v1/sync/push", body: body)
            guard r.status == 200 else {
                throw BenchmarkFailure(description: "push: \(r.status) \(String(decoding: r.body, as: UTF8.self))")
            }
            accepted += try SyncBenchmark.acceptedCount(r.body)
        }
        return accepted
    }

    static func perEvent(_ seconds: Double, _ count: Int) -> String {
        "\(Report.format(seconds, 2)) s (\(Report.format(seconds * 1_000_000 / Double(max(1, count)), 0)) µs/event)"
    }

    static func psqlScalar(_ cluster: PostgresCluster, _ url: String, _ sql: String) throws -> Int {
        let output = try runCommand(cluster.binDirectory + "/psql", ["-X", "-tA", "-d", url, "-c", sql]).standardOutput
        guard let value = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchmarkFailure(description: "psql \(sql): \(output)")
        }
        return value
    }

    /// The `top` statements by execution time since the reset, with calls and µs per pushed event,
    /// and the trigger functions' own time.
    static func printProfile(_ cluster: PostgresCluster, _ url: String, top: Int, events: Int) throws {
        let perEvent = "round((total_exec_time * 1000 / \(events))::numeric, 1)"
        print("PostgreSQL statements during the push, by execution time (nested: inside a trigger function):")
        print(
            try psqlText(
                cluster, url,
                "SELECT \(perEvent) AS us_per_event, calls, round((total_exec_time * 1000 / calls)::numeric, 1)"
                    + " AS us_per_call, CASE WHEN toplevel THEN '' ELSE 'nested' END AS level,"
                    + " left(regexp_replace(query, '\\s+', ' ', 'g'), 150) AS query FROM pg_stat_statements"
                    + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    + " ORDER BY total_exec_time DESC LIMIT \(top)", aligned: true))
        print(
            try psqlText(
                cluster, url,
                "SELECT funcname, calls, round((self_time * 1000 / \(events))::numeric, 1) AS self_us_per_event,"
                    + " round((total_time * 1000 / \(events))::numeric, 1) AS total_us_per_event"
                    + " FROM pg_stat_user_functions ORDER BY total_time DESC", aligned: true))
    }

    static func psqlText(
        _ cluster: PostgresCluster, _ url: String, _ sql: String, aligned: Bool = false
    ) throws
        -> String
    {
        try runCommand(
            cluster.binDirectory + "/psql",
            ["-X", aligned ? "-P" : "-tA", aligned ? "pager=off" : "-q", "-d", url, "-c", sql]
        )
        .standardOutput
    }

    /// Cuts `path` after its last `COMMIT;` line.
    static func keepThroughLastCommit(_ path: String) throws {
        // A torn tail is at most one transaction: the last 16 MiB hold the last COMMIT.
        let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? file.close() }
        let size = try file.seekToEnd()
        let start = size > 16 << 20 ? size - (16 << 20) : 0
        try file.seek(toOffset: start)
        let bytes = [UInt8](try file.readToEnd() ?? Data())
        let marker = Array("\nCOMMIT;\n".utf8)
        var end = bytes.count
        while end >= marker.count, !bytes[(end - marker.count)..<end].elementsEqual(marker) { end -= 1 }
        guard end >= marker.count else { throw BenchmarkFailure(description: "no COMMIT in \(path)") }
        guard truncate(path, off_t(start) + off_t(end)) == 0 else {
            throw BenchmarkFailure(description: "cannot cut \(path)")
        }
    }

    /// Lines of `path` matching the extended regular expression `pattern` (`grep -c`).
    static func lineCount(_ path: String, matching pattern: String) throws -> Int {
        let output = try runCommand("grep", ["-c", "-E", pattern, path]).standardOutput
        guard let n = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchmarkFailure(description: "grep -c \(pattern) \(path): \(output)")
        }
        return n
    }
}
