import Foundation
import KandasProtocol

#if canImport(Glibc)
import Glibc
#endif

/// `kandas-bench sync`: push and pull through the real `kandas-server` (a child process).
///
/// Push: N `complete` events in batches of B, against the `sqlite3` CLI inserting the same event
/// rows in the same batches with the same durability (WAL, `synchronous=FULL`). Pull: a fresh
/// device pulls every change (the reset snapshot: the plan plus N completions and N outcomes).
/// Reports the child's peak RSS (VmHWM) with the server's own malloc and SQLite defaults, and the
/// anonymous/file split of the largest sampled RSS of each phase.
///
/// Event and completion IDs come from the project's own generators, as the client core makes them:
/// `--ids v7` by default (`WireID.timeOrdered()`, time-ordered UUIDv7, what the client core sends) or
/// `--ids v4` (`WireID.random()`, what older clients sent; Protocol §1 allows both). The sqlite3 CLI inserts
/// the very same rows, so both sides get the same key order and the comparison stays fair.
enum SyncBenchmark {
    static let benchmark = Benchmark(
        name: "sync", usage: "sync [--events 100000] [--batch 500] [--pull-limit 1000] [--pull-runs 3] [--ids v7|v4]",
        run: run)

    static func run(_ arguments: Arguments) throws {
        let count = try arguments.int("events", default: 100_000)
        let batch = try arguments.int("batch", default: 500)
        let pullLimit = try arguments.int("pull-limit", default: 1000)
        let pullRuns = try arguments.int("pull-runs", default: 3)
        guard pullRuns >= 1 else { throw BenchmarkFailure(description: "--pull-runs must be 1 or more") }
        let ids = try arguments.choice("ids", ["v4", "v7"], default: "v7")
        try arguments.checkAllUsed()
        let timeOrdered = ids == "v7"
        let newID: () -> WireID = { timeOrdered ? WireID.timeOrdered() : WireID.random() }
        try withScratchDirectory { directory in
            let server = try ChildServer(directory: directory)
            defer { server.stop() }
            let setup = try server.setUp()
            let batches = makeBatches(
                count: count, batch: batch, device: setup.deviceID, item: setup.item,
                member: setup.member, newID: newID)
            // Push through the server.
            let device = BenchHTTPClient(port: server.port)
            device.token = setup.deviceToken
            var accepted = 0
            let cpuBefore = server.cpuSeconds()
            // Which memory the peak is made of (heap or mapped libraries), sampled on its own thread.
            let pushSampler = RealClientRun.Sampler(pid: server.process.processIdentifier)
            let push = try measure {
                for body in batches.bodies {
                    let r = try device.request("POST", "/v1/sync/push", body: body)
                    guard r.status == 200 else {
                        throw BenchmarkFailure(
                            description: "push: \(r.status) \(String(decoding: r.body, as: UTF8.self))")
                    }
                    accepted += try acceptedCount(r.body)
                }
            }.seconds
            guard accepted == count else { throw BenchmarkFailure(description: "accepted \(accepted) of \(count)") }
            let pushCPU = server.cpuSeconds() - cpuBefore
            let pushSplit = pushSampler.stop()
            let pushHWM = server.peakRSSKiB()
            let pushWritten = server.bytesWritten()
            let pushDisk = server.diskBytesWritten()
            // What the push still owes the disk: the WAL frames no checkpoint copied yet. A checkpoint
            // by the sqlite3 CLI (another process, beside the running server) copies them now.
            let owed = try checkpointBytes(directory + "/data/kandas.sqlite")
            // The same rows through the sqlite3 CLI, same batches, same durability.
            let script = directory + "/peer.sql"
            try peerScript(batches.rows, batch: batch).write(toFile: script, atomically: false, encoding: .utf8)
            let peerRun = try runCommand("sqlite3", [directory + "/peer.sqlite", ".read \(script)"])
            let peer = peerRun.seconds
            let peerDisk = Self.writeBytes(peerRun.standardOutput)
            // The server's own writes for the same push, replayed by the sqlite3 CLI (another server,
            // traced, so the timed push above pays nothing for the trace).
            let replay = try SyncReplayPeer.run(
                directory: directory + "/replay", count: count, batch: batch, newID: newID)
            // Pull everything with fresh devices of the same worker, plain and as the client core asks
            // for it (`Accept-Encoding: gzip`: the server compresses every page, the bench decompresses
            // it), alternately; the shortest of `pullRuns` of each, as for the peer below (the machine
            // is shared, and one run's wall time is mostly its neighbours').
            var changes = 0
            var pages = 0
            var gzipChanges = 0
            var pull = Double.infinity
            var gzipPull = Double.infinity
            let pullSampler = RealClientRun.Sampler(pid: server.process.processIdentifier)
            for _ in 0..<pullRuns {
                let puller = BenchHTTPClient(port: server.port)
                puller.token = try server.enroll()
                pull = min(pull, try measure { (changes, pages) = try puller.pullEverything(limit: pullLimit) }.seconds)
                let gzipPuller = BenchHTTPClient(port: server.port)
                gzipPuller.token = try server.enroll()
                gzipPuller.acceptGzip = true
                gzipPull = min(
                    gzipPull,
                    try measure { gzipChanges = try gzipPuller.pullEverything(limit: pullLimit).changes }.seconds)
            }
            let pullSplit = pullSampler.stop()
            let hwm = server.peakRSSKiB()
            // The peer of the pull: the sqlite3 CLI printing the same rows as JSON from a copy of the store.
            let json = try PullPeer.run(
                database: directory + "/data/kandas.sqlite", directory: directory, userID: server.worker,
                runs: pullRuns)
            var report = Report(
                title:
                    "Sync through kandas-server (\(count) events, batches of \(batch), \(ids) IDs"
                    + (ids == "v7" ? " as the client core sends them" : " as older clients sent them")
                    + ", synchronous=FULL)",
                columns: ["step", "who", "seconds", "rate"])
            report.add([
                "push", "kandas-server (child, HTTP)", Report.format(push, 2),
                Report.format(Double(count) / push, 0) + " events/s",
            ])
            report.add([
                "insert same rows", "sqlite3 CLI", Report.format(peer, 2),
                Report.format(Double(count) / peer, 0) + " rows/s",
            ])
            report.add([
                "replay the server's writes", "sqlite3 CLI", Report.format(replay.seconds, 2),
                Report.format(Double(count) / replay.seconds, 0)
                    + " events/s (\(replay.statements) statements, \(replay.transactions) transactions)",
            ])
            report.add([
                "pull (\(pages) pages, best of \(pullRuns))", "kandas-server (child, HTTP)", Report.format(pull, 2),
                Report.format(Double(changes) / pull, 0) + " changes/s (\(changes) changes)",
            ])
            report.add([
                "pull, gzip (as the client core asks)", "kandas-server (child, HTTP)", Report.format(gzipPull, 2),
                Report.format(Double(gzipChanges) / gzipPull, 0) + " changes/s (\(gzipChanges) changes)",
            ])
            report.add([
                "select the pulled rows (.mode json, best of \(pullRuns))", "sqlite3 CLI",
                Report.format(json.seconds, 2),
                Report.format(Double(json.rows) / json.seconds, 0) + " rows/s (\(json.rows) rows)",
            ])
            report.print()
            print(
                Report.ratioLine(
                    "pull/sqlite3 -json", ours: Double(changes) / pull, peer: Double(json.rows) / json.seconds,
                    target: 0.5))
            print(
                Report.ratioLine(
                    "pull gzip/sqlite3 -json", ours: Double(gzipChanges) / gzipPull,
                    peer: Double(json.rows) / json.seconds, target: 0.5))
            print(Report.ratioLine("push/sqlite3 event rows, same batches", ours: peer, peer: push, target: 0.3))
            print(
                Report.ratioLine(
                    "push/sqlite3 replaying the same writes, same transactions", ours: replay.seconds, peer: push,
                    target: 0.5))
            // Write amplification: what the server's write calls passed to the kernel per pushed event
            // (WAL frames and checkpoints), against the sqlite3 CLI's database for the same rows.
            let peerBytes =
                (try? FileManager.default.attributesOfItem(atPath: directory + "/peer.sqlite")[.size] as? Int)
                .flatMap { $0 } ?? 0
            print(
                "server wrote \(pushWritten / 1_048_576) MiB during push (\(pushWritten / max(1, count)) B/event);"
                    + " the sqlite3 CLI's database is \(peerBytes / 1_048_576) MiB")
            // What reaches the disk (write_bytes: whole pages of the WAL and of the database file, no
            // socket or log writes), including the checkpoint the push still owed when it ended.
            let perEvent = (pushDisk + owed) / max(1, count)
            print(
                "bytes written to disk per pushed event: \(perEvent) B (target <= 2048): during the push"
                    + " \(pushDisk / max(1, count)) B, checkpoint still owed \(owed / max(1, count)) B;"
                    + " the sqlite3 CLI inserting the event rows \(peerDisk / max(1, count)) B")
            print(
                "server CPU during push: \(Report.format(pushCPU, 2)) s user+system"
                    + " (\(Report.format(pushCPU * 1_000_000 / Double(max(1, count)), 1)) µs/event)")
            print(
                "server peak RSS (VmHWM) \(pushHWM / 1024) MiB after push, \(hwm / 1024) MiB after pull"
                    + " (target < 64 MiB); at the largest sample: push anonymous \(pushSplit.anon / 1024) MiB,"
                    + " files \(pushSplit.file / 1024) MiB; pull anonymous \(pullSplit.anon / 1024) MiB,"
                    + " files \(pullSplit.file / 1024) MiB")
        }
    }

    /// Bytes a `PASSIVE` checkpoint of `database` (WAL mode, the server may keep running) writes,
    /// read from the sqlite3 CLI's own `/proc/PID/io` after the checkpoint.
    static func checkpointBytes(_ database: String) throws -> Int {
        let run = try runCommand("sqlite3", [database, "PRAGMA wal_checkpoint(PASSIVE)", ".shell cat /proc/$PPID/io"])
        return writeBytes(run.standardOutput)
    }

    /// The `write_bytes:` value of `/proc/PID/io` text printed by the sqlite3 CLI (`.shell cat
    /// /proc/$PPID/io`: the shell's parent is the CLI), 0 when absent.
    static func writeBytes(_ output: String) -> Int {
        for line in output.split(separator: "\n") where line.hasPrefix("write_bytes:") {
            return Int(line.dropFirst(12).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }

    /// Accepted results in a push response, read with the client core's one-pass parser: Foundation's
    /// `JSONSerialization` took a third of the measured push time on the bench's side of the socket.
    static func acceptedCount(_ body: [UInt8]) throws -> Int {
        guard case .object(let response) = try JSONValue.parse(body), case .array(let results)? = response["results"]
        else { throw BenchmarkFailure(description: "push: no results") }
        return results.filter {
            if case .object(let result) = $0, result["outcome"] == .string("accepted") { return true }
            return false
        }.count
    }

    struct Batches {
        var bodies: [[UInt8]] = []
        /// (event_id, device_seq, body) for the peer.
        var rows: [(String, Int, String)] = []
    }

    static func makeBatches(
        count: Int, batch: Int, device: String, item: String, member: String, newID: () -> WireID
    ) -> Batches {
        var out = Batches()
        var events: [String] = []
        for seq in 1...count {
            let id = newID().description
            let event =
                "{\"event_id\":\"\(id)\",\"device_seq\":\(seq),\"type\":\"complete\",\"item_id\":\"\(item)\","
                + "\"base_version\":1,\"recorded_at\":\"2026-11-20T06:00:00.000Z\",\"payload\":{\"completion_id\":\""
                + newID().description + "\",\"member_id\":\"\(member)\","
                + "\"performed_at\":\"2026-11-20T05:30:00.000Z\",\"note\":\"visit \(seq): documents checked\","
                + "\"location\":{\"latitude\":43.25,\"longitude\":76.95,\"accuracy_m\":8,"
                + "\"fix_time\":\"2026-11-20T05:29:00.000Z\",\"provider\":\"gps\",\"mock\":false},\"files\":[]}}"
            out.rows.append((id, seq, event))
            events.append(event)
            if events.count == batch || seq == count {
                let body =
                    "{\"device_id\":\"\(device)\",\"sent_at\":\"2026-11-20T06:00:00.000Z\",\"events\":["
                    + events.joined(separator: ",") + "]}"
                out.bodies.append(Array(body.utf8))
                events = []
            }
        }
        return out
    }

    static func peerScript(_ rows: [(String, Int, String)], batch: Int) -> String {
        var script = "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=FULL;\n"
        script += "CREATE TABLE device_events(seq INTEGER PRIMARY KEY, device_id TEXT NOT NULL, device_seq INTEGER"
        script +=
            " NOT NULL, event_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL, UNIQUE(device_id, device_seq)) STRICT;\n"
        for start in stride(from: 0, to: rows.count, by: batch) {
            script += "BEGIN IMMEDIATE;\n"
            for (id, seq, body) in rows[start..<min(start + batch, rows.count)] {
                script +=
                    "INSERT INTO device_events(device_id, device_seq, event_id, body) VALUES('d', \(seq), '\(id)', '"
                script += body.replacingOccurrences(of: "'", with: "''") + "');\n"
            }
            script += "COMMIT;\n"
        }
        // What the rows cost the disk, the closing checkpoint included (read by `writeBytes`).
        script += "PRAGMA wal_checkpoint(TRUNCATE);\n.shell cat /proc/$PPID/io\n"
        return script
    }
}

/// `kandas-server` as a child: seeded demo store, `serve` on port 0.
final class ChildServer {
    let directory: String
    let process = Process()
    private(set) var port = 0
    private(set) var seed: [String: Any] = [:]
    let admin: BenchHTTPClient

    /// Seeds a demo store in `directory/data` (or `data`; in PostgreSQL at `databaseURL` when given)
    /// and serves it. With `seeded` (the `seed` of an earlier server) the store is already there and
    /// only served: a second instance, or a server restarted on a copy.
    init(
        directory: String, extraArguments: [String] = [], data: String? = nil, databaseURL: String? = nil,
        seeded: [String: Any]? = nil
    ) throws {
        self.directory = directory
        // KANDAS_BENCH_SERVER runs another build (e.g. the one before a change) against this bench.
        let binary =
            ProcessInfo.processInfo.environment["KANDAS_BENCH_SERVER"]
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("kandas-server").path
        let data = data ?? directory + "/data"
        let database = databaseURL.map { ["--database-url", $0] } ?? []
        if let seeded {
            seed = seeded
        } else {
            let output = try runCommand(
                binary,
                [
                    "seed-demo", "--json", "--password", "bench-password-1", "--data", data,
                    "--password-iterations", "1000", "--log-level", "warning",
                ] + database)
            seed = (try? JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8))) as? [String: Any] ?? [:]
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments =
            [
                "serve", "--data", data, "--listen", "127.0.0.1:0", "--port-file", directory + "/port",
                "--log-level", "warning",
            ] + database + extraArguments
        process.standardOutput = FileHandle.nullDevice
        // No malloc tuning here: the server sets its own (`--malloc-arenas`, ProcessMemory), and the
        // figure must be the one operators get with the server's defaults.
        try Children.start(process)
        for _ in 0..<400 where port == 0 {
            usleep(25_000)
            port =
                Int(
                    (try? String(contentsOfFile: directory + "/port", encoding: .utf8))?
                        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        }
        guard port > 0 else { throw BenchmarkFailure(description: "kandas-server did not start") }
        admin = BenchHTTPClient(port: port)
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        Children.release(process.processIdentifier)
    }

    func peakRSSKiB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// CPU seconds (user + system) the child used so far, from /proc/PID/stat: steadier than wall time
    /// on a machine shared with other work.
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        // Fields after "(comm)": state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Bytes the child passed to write calls so far (`wchar` of /proc/PID/io).
    func bytesWritten() -> Int { io("wchar:") }

    /// Bytes of files the child dirtied so far, in whole pages (`write_bytes` of /proc/PID/io): what
    /// its writes cost the disk, without socket or pipe writes.
    func diskBytesWritten() -> Int { io("write_bytes:") }

    private func io(_ field: String) -> Int {
        guard let io = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/io", encoding: .utf8) else {
            return 0
        }
        for line in io.split(separator: "\n") where line.hasPrefix(field) {
            return Int(line.dropFirst(field.count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }

    func adminRequest(_ method: String, _ target: String, _ body: [String: Any]? = nil) throws -> [String: Any] {
        let bytes = try body.map { [UInt8](try JSONSerialization.data(withJSONObject: $0)) } ?? []
        let r = try admin.request(
            method, target, body: bytes, headers: method == "GET" ? [:] : ["Idempotency-Key": UUID().uuidString])
        guard r.status < 300 else {
            throw BenchmarkFailure(
                description: "\(method) \(target): \(r.status) \(String(decoding: r.body, as: UTF8.self))")
        }
        return r.json
    }

    var seedUsers: [String: Any] { seed["users"] as? [String: Any] ?? [:] }

    var worker: String { ((seed["users"] as? [String: Any])?["worker111"] as? [String: Any])?["id"] as? String ?? "" }

    /// Enrolls a new device of worker111; returns its access token.
    func enroll() throws -> String {
        let code = try adminRequest("POST", "/v1/admin/enrollment-codes", ["user_id": worker])["code"] as? String ?? ""
        let client = BenchHTTPClient(port: port)
        let body = try JSONSerialization.data(withJSONObject: [
            "code": code, "device_uuid": UUID().uuidString.lowercased(), "platform": "cli", "app_version": "1.0.0",
        ])
        let r = try client.request(
            "POST", "/v1/auth/enroll", body: [UInt8](body), headers: ["Idempotency-Key": UUID().uuidString])
        lastDeviceID = r.json["device_id"] as? String ?? ""
        return r.json["access_token"] as? String ?? ""
    }

    private(set) var lastDeviceID = ""
    /// The plan `setUp` added its item to.
    private(set) var lastPlan = ""

    /// Logs the admin client in (the seeded administrator).
    func logIn() throws {
        let login = try JSONSerialization.data(withJSONObject: ["username": "admin", "password": "bench-password-1"])
        admin.token = try admin.request("POST", "/v1/auth/login", body: [UInt8](login)).json["access_token"] as? String
    }

    /// Logs in as admin, enrolls a device and adds a recurring item to one of worker111's families.
    func setUp() throws -> (deviceID: String, deviceToken: String, item: String, member: String) {
        try logIn()
        let token = try enroll()
        let families = try adminRequest("GET", "/v1/admin/families?limit=500")["items"] as? [[String: Any]] ?? []
        guard
            let family = families.first(where: { ($0["assigned_worker_ids"] as? [String])?.contains(worker) == true }),
            let familyID = family["id"] as? String
        else { throw BenchmarkFailure(description: "no family for worker111") }
        let detail = try adminRequest("GET", "/v1/admin/families/\(familyID)")
        let member = (detail["members"] as? [[String: Any]])?.first?["id"] as? String ?? ""
        let plans = try adminRequest("GET", "/v1/admin/plans?family_id=\(familyID)")["items"] as? [[String: Any]] ?? []
        let plan = plans.first?["id"] as? String ?? ""
        lastPlan = plan
        let item =
            try adminRequest(
                "POST", "/v1/admin/plans/\(plan)/items",
                ["member_id": member, "service_code": 21, "due_date": "2026-12-20"])["id"] as? String ?? ""
        return (lastDeviceID, token, item, member)
    }
}
