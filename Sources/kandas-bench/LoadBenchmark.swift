import Foundation
import KandasProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `kandas-bench load`: many devices syncing at once against the release `kandas-server` (a child process).
///
/// Each simulated device is enrolled through the API (`POST /v1/auth/enroll` with a code the admin
/// created), pulls from scratch, pushes its `complete` events in batches and pulls again from its
/// cursor. Devices are spread over the demo store's eight field workers, so the devices of one worker
/// share its families and their second pulls carry the other devices' completions. Every device runs on
/// its own thread with its own keep-alive connection. A 503 is counted and retried after its
/// `Retry-After` (at most 1 s); any other failure is an error and ends that device.
///
/// Printed: requests, errors and 503s; latency p50/p90/p99/max per kind; the server's CPU seconds and
/// peak RSS; bytes on the wire per kind; and, after the server has stopped, the exactly-once check on the
/// store: every acknowledged event has one `device_events` row and its completion one `completions` row,
/// and the run added no other completions.
enum LoadBenchmark {
    static let benchmark = Benchmark(
        name: "load",
        usage: "load [--devices 200] [--events 50] [--batch 10] [--gzip 0|1] [--limit 1000] [--poll-seconds 5]",
        run: run)

    /// What one device did, merged after the run.
    struct Tally: Sendable {
        var latencies: [String: [Double]] = [:]
        var requests = 0
        var errors = 0
        var unavailable = 0
        var wireBytes: [String: Int] = [:]
        var bodyBytes: [String: Int] = [:]
        var firstPullChanges = 0
        var secondPullChanges = 0
        /// Each device's whole sync (enroll to the end of its second pull), as the worker waits for it.
        var syncSeconds: [Double] = []
        /// (event_id, completion_id) of every event the server acknowledged as accepted.
        var acknowledged: [(String, String)] = []
        var failures: [String] = []
        /// A device's token and final cursor: what a polling device sends (the wrk phase).
        var poll: (token: String, cursor: String)?

        mutating func merge(_ other: Tally) {
            if poll == nil { poll = other.poll }
            for (kind, values) in other.latencies { latencies[kind, default: []] += values }
            for (kind, n) in other.wireBytes { wireBytes[kind, default: 0] += n }
            for (kind, n) in other.bodyBytes { bodyBytes[kind, default: 0] += n }
            requests += other.requests
            errors += other.errors
            unavailable += other.unavailable
            firstPullChanges += other.firstPullChanges
            secondPullChanges += other.secondPullChanges
            syncSeconds += other.syncSeconds
            acknowledged += other.acknowledged
            failures += other.failures.prefix(3)
        }
    }

    struct Target: Sendable {
        var user: String
        var code: String
        var item: String
        var member: String
    }

    static func run(_ arguments: Arguments) throws {
        let devices = try arguments.int("devices", default: 200)
        let events = try arguments.int("events", default: 50)
        let batch = try arguments.int("batch", default: 10)
        let gzip = try arguments.choice("gzip", ["0", "1"], default: "1") == "1"
        let pollSeconds = try arguments.int("poll-seconds", default: 5)
        let limit = try arguments.int("limit", default: 1000)
        try arguments.checkAllUsed()
        try withScratchDirectory { directory in
            let server = try ChildServer(directory: directory)
            defer { server.stop() }
            _ = try server.setUp()
            let workers = server.fieldWorkers
            guard !workers.isEmpty else { throw BenchmarkFailure(description: "the demo store has no field workers") }
            // One recurring item per worker (in one of its families), and one enrollment code per device.
            var items: [String: (item: String, member: String)] = [:]
            for worker in workers { items[worker] = try server.recurringItem(for: worker) }
            var targets: [Target] = []
            for n in 0..<devices {
                let worker = workers[n % workers.count]
                let code =
                    try server.adminRequest("POST", "/v1/admin/enrollment-codes", ["user_id": worker])["code"]
                    as? String ?? ""
                targets.append(
                    Target(user: worker, code: code, item: items[worker]!.item, member: items[worker]!.member))
            }
            let completionsBefore = try server.completionCount()
            let cpuBefore = server.cpuSeconds()
            let benchCPUBefore = Self.ownCPUSeconds()
            let total = Mutex(Tally())
            let wall = try measure {
                let port = server.port
                try runOnThreads(
                    targets.map { target in
                        {
                            let tally = Device(
                                port: port, target: target, events: events, batch: batch, gzip: gzip, limit: limit
                            ).run()
                            total.withLock { $0.merge(tally) }
                        }
                    })
            }.seconds
            let cpu = server.cpuSeconds() - cpuBefore
            let benchCPU = Self.ownCPUSeconds() - benchCPUBefore
            let peak = server.peakRSSKiB()
            let serverSide = Self.serverLatencies(try server.admin.request("GET", "/metrics").body)
            let tally = total.withLock { $0 }
            // A device polling with nothing new, under wrk, against nginx's small static answer.
            let polling = try tally.poll.map {
                try Self.pollAgainstNginx(
                    port: server.port, token: $0.token, cursor: $0.cursor, seconds: pollSeconds, directory: directory)
            }
            server.stop()
            let check = try exactlyOnce(
                database: directory + "/data/kandas.sqlite", acknowledged: tally.acknowledged,
                completionsBefore: completionsBefore, scratch: directory)

            var report = Report(
                title:
                    "Load: \(devices) devices (enroll, pull, \(events) events in batches of \(batch), pull again)"
                    + (gzip ? ", Accept-Encoding: gzip" : ""),
                columns: ["kind", "requests", "p50 ms", "p90 ms", "p99 ms", "max ms", "wire bytes", "body bytes"])
            for kind in ["enroll", "pull", "push"] {
                let values = (tally.latencies[kind] ?? []).sorted()
                guard !values.isEmpty else { continue }
                report.add([
                    kind, String(values.count), ms(percentile(values, 0.50)), ms(percentile(values, 0.90)),
                    ms(percentile(values, 0.99)), ms(values.last ?? 0), String(tally.wireBytes[kind] ?? 0),
                    String(tally.bodyBytes[kind] ?? 0),
                ])
            }
            report.print()
            let all = tally.latencies.values.flatMap { $0 }.sorted()
            print(
                "wall \(Report.format(wall, 2)) s; requests \(tally.requests), errors \(tally.errors),"
                    + " 503s \(tally.unavailable); p99 over all requests \(ms(percentile(all, 0.99))) ms"
                    + " (goal <= 2000)")
            print(
                "changes pulled: first pulls \(tally.firstPullChanges)"
                    + " (\(tally.firstPullChanges / max(1, devices))/device), second pulls \(tally.secondPullChanges)"
                    + " (\(tally.secondPullChanges / max(1, devices))/device)")
            print(
                "server CPU \(Report.format(cpu, 2)) s user+system (goal <= 15); peak RSS (VmHWM) \(peak / 1024) MiB (goal < 64)"
            )
            print(
                "bench CPU \(Report.format(benchCPU, 2)) s user+system for the \(devices) simulated devices"
                    + " (the machine's other work shares the same 2 cores)")
            let syncs = tally.syncSeconds.sorted()
            print(
                "a device's whole sync (enroll to the end of its second pull): p50 \(ms(percentile(syncs, 0.5))) ms,"
                    + " p99 \(ms(percentile(syncs, 0.99))) ms, max \(ms(syncs.last ?? 0)) ms")
            for (kind, route) in [("enroll", "/v1/auth/enroll"), ("pull", "/v1/sync/pull"), ("push", "/v1/sync/push")] {
                guard let s = serverSide[route], s.count > 0 else { continue }
                print(
                    "server-side \(kind) (head read to response sent): mean \(Report.format(s.sum / Double(s.count), 0)) ms,"
                        + " p99 <= \(s.p99Bound) ms (histogram bucket) over \(s.count) requests")
            }
            print(
                "exactly once: \(tally.acknowledged.count) acknowledged events, lost \(check.lost),"
                    + " duplicated \(check.duplicated), unexpected completions \(check.extra)")
            if let polling {
                print(
                    "authenticated pull with nothing new, wrk -t2 -c64 -d\(pollSeconds)s: \(Report.format(polling.ours, 0))"
                        + " req/s; nginx small static JSON: \(Report.format(polling.nginx, 0)) req/s")
                print(Report.ratioLine("poll/nginx", ours: polling.ours, peer: polling.nginx, target: 0.3))
            }
            for failure in tally.failures.prefix(5) { print("failure: \(failure)") }
            guard check.lost == 0, check.duplicated == 0, check.extra == 0 else {
                throw BenchmarkFailure(description: "acknowledged events were lost or stored twice")
            }
            guard tally.errors == 0 else { throw BenchmarkFailure(description: "\(tally.errors) requests failed") }
        }
    }

    /// Requests per second of `wrk -t2 -c64` on an authenticated pull with nothing new, and on nginx
    /// serving a small static JSON file (the same figure as `kandas-bench http`'s small JSON).
    static func pollAgainstNginx(
        port: Int, token: String, cursor: String, seconds: Int, directory: String
    ) throws
        -> (ours: Double, nginx: Double)
    {
        guard BenchShell.exists("wrk"),
            BenchShell.exists("nginx") || FileManager.default.fileExists(atPath: "/usr/sbin/nginx")
        else { throw BenchmarkFailure(description: "wrk and nginx are needed (make deps-bench)") }
        // Bring the device up to date first: the poll must have nothing new to carry.
        let device = BenchHTTPClient(port: port)
        device.token = token
        var cursor = cursor
        while true {
            let r = try device.request("GET", "/v1/sync/pull?limit=1000&cursor=" + cursor)
            guard r.status == 200 else { throw BenchmarkFailure(description: "poll: pull answered \(r.status)") }
            let (_, tail) = try Device.scanPage(r.body)
            guard case .object(let page) = try JSONValue.parse(tail), case .string(let next)? = page["cursor"] else {
                throw BenchmarkFailure(description: "poll: not a page")
            }
            cursor = next
            if page["has_more"] != .bool(true) { break }
        }
        let dir = directory + "/nginx"
        for sub in ["www", "body_temp", "logs"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(sub)", withIntermediateDirectories: true)
        }
        try Data(HTTPBenchChild.smallJSON).write(to: URL(fileURLWithPath: "\(dir)/www/small.json"))
        let nginxPort = try freePort()
        try HTTPBench.nginxConfig(dir: directory, port: nginxPort).write(
            toFile: "\(dir)/nginx.conf", atomically: true, encoding: .utf8)
        _ = try BenchShell.run("chmod -R 777 \(directory)")
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = ["-c", "\(dir)/nginx.conf", "-p", dir]
        nginx.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try Children.start(nginx)
        defer {
            kill(nginx.processIdentifier, SIGQUIT)
            nginx.waitUntilExit()
            Children.release(nginx.processIdentifier)
        }
        var up = false
        for _ in 0..<400 where !up {
            up =
                (try? BenchShell.run("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:\(nginxPort)/small.json"))
                == "200"
            if !up { usleep(50_000) }
        }
        guard up else {
            let log = (try? String(contentsOfFile: "\(dir)/logs/error.log", encoding: .utf8)) ?? ""
            throw BenchmarkFailure(description: "nginx did not answer on port \(nginxPort): \(log.suffix(500))")
        }
        func rate(_ extra: String, _ url: String) throws -> Double {
            // `exec`: the shell becomes `timeout`, which passes the SIGTERM of a stopping bench on to wrk.
            let out = try BenchShell.run("exec timeout \(seconds + 20) wrk -t2 -c64 -d\(seconds)s \(extra) '\(url)'")
            for line in out.split(separator: "\n") where line.contains("Non-2xx") || line.contains("Socket errors") {
                print("  wrk: \(line)")
            }
            for line in out.split(separator: "\n") {
                let parts = line.split(separator: " ", omittingEmptySubsequences: true)
                if parts.first == "Requests/sec:", parts.count > 1 { return Double(parts[1]) ?? 0 }
            }
            return 0
        }
        let ours = try rate(
            "-H 'Authorization: Bearer \(token)'", "http://127.0.0.1:\(port)/v1/sync/pull?cursor=\(cursor)")
        let peer = try rate("", "http://127.0.0.1:\(nginxPort)/small.json")
        return (ours, peer)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (bound to port 0, then released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw BenchmarkFailure(description: "no free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// CPU seconds (user + system) this process (the bench and its simulated devices) used so far.
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The server's own latency per route from its `/metrics` histogram (time from the request head
    /// to the last response byte written): sum and count in ms, and the bucket bound holding the 99th
    /// percentile.
    static func serverLatencies(_ text: [UInt8]) -> [String: (sum: Double, count: Int, p99Bound: String)] {
        var sums: [String: Double] = [:]
        var buckets: [String: [(bound: String, cumulative: Int)]] = [:]
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
            guard line.hasPrefix("kandas_http_request_duration_ms"),
                let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}")
            else { continue }
            let labels = line[line.index(after: open)..<close]
            let value = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
            func label(_ name: String) -> String? {
                guard let r = labels.range(of: name + "=\"") else { return nil }
                return String(labels[r.upperBound...].prefix { $0 != "\"" })
            }
            guard let route = label("route") else { continue }
            if line.hasPrefix("kandas_http_request_duration_ms_sum") {
                sums[route] = Double(value) ?? 0
            } else if line.hasPrefix("kandas_http_request_duration_ms_bucket"), let le = label("le") {
                buckets[route, default: []].append((le, Int(value) ?? 0))
            }
        }
        var out: [String: (sum: Double, count: Int, p99Bound: String)] = [:]
        for (route, list) in buckets {
            let count = list.last?.cumulative ?? 0
            let p99 = list.first { Double($0.cumulative) >= Double(count) * 0.99 }?.bound ?? "+Inf"
            out[route] = (sums[route] ?? 0, count, p99)
        }
        return out
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((Double(sorted.count) * p).rounded(.up)) - 1
        return sorted[max(0, min(sorted.count - 1, rank))]
    }

    static func ms(_ seconds: Double) -> String { Report.format(seconds * 1000, 0) }

    /// The store after the run, read with the `sqlite3` CLI: acknowledged events missing or stored twice.
    /// `device_events.event_id` is a 16-byte blob since migration 0046 and the CLI has no `ktext`: the
    /// stored IDs are formatted back into their text (``PullPeer/text(_:)``) in an indexed temporary table.
    static func exactlyOnce(
        database: String, acknowledged: [(String, String)], completionsBefore: Int, scratch: String
    ) throws -> (lost: Int, duplicated: Int, extra: Int) {
        let csv = scratch + "/acknowledged.csv"
        try acknowledged.map { "\($0.0),\($0.1)" }.joined(separator: "\n").appending("\n")
            .write(toFile: csv, atomically: false, encoding: .utf8)
        let script = scratch + "/check.sql"
        try """
        CREATE TEMP TABLE acked(event_id TEXT, completion_id TEXT);
        .import --csv \(csv) acked
        CREATE TEMP TABLE stored(event_id TEXT);
        INSERT INTO stored SELECT \(PullPeer.text("event_id")) FROM device_events;
        CREATE INDEX temp.stored_event ON stored(event_id);
        SELECT (SELECT count(*) FROM acked a WHERE NOT EXISTS(SELECT 1 FROM stored e WHERE e.event_id = a.event_id)
                  OR NOT EXISTS(SELECT 1 FROM completions c WHERE c.id = a.completion_id))
          || ' ' || (SELECT count(*) FROM acked a WHERE (SELECT count(*) FROM stored e WHERE e.event_id = a.event_id) > 1
                  OR (SELECT count(*) FROM completions c WHERE c.id = a.completion_id) > 1)
          || ' ' || ((SELECT count(*) FROM completions) - \(completionsBefore) - (SELECT count(DISTINCT completion_id) FROM acked));
        """.write(toFile: script, atomically: false, encoding: .utf8)
        let output = try runCommand("sqlite3", ["-bail", database, ".read \(script)"]).standardOutput
        let numbers = output.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        guard numbers.count == 3 else { throw BenchmarkFailure(description: "exactly-once check printed \(output)") }
        return (numbers[0], numbers[1], numbers[2])
    }

    /// One simulated device on its own connection.
    struct Device {
        let port: Int
        let target: Target
        let events: Int
        let batch: Int
        let gzip: Bool
        /// The `limit` a device asks its pull pages for (the server may send fewer).
        let limit: Int

        func run() -> Tally {
            var tally = Tally()
            let client = BenchHTTPClient(port: port)
            client.acceptGzip = gzip
            let clock = ContinuousClock()
            let started = clock.now
            do {
                let enroll = try JSONSerialization.data(withJSONObject: [
                    "code": target.code, "device_uuid": UUID().uuidString.lowercased(), "platform": "cli",
                    "app_version": "1.0.0",
                ])
                let enrolled = try send(
                    client, "enroll", "POST", "/v1/auth/enroll", body: [UInt8](enroll),
                    headers: ["Idempotency-Key": UUID().uuidString], into: &tally)
                guard case .object(let answer) = try JSONValue.parse(enrolled.body),
                    case .string(let token)? = answer["access_token"], case .string(let deviceID)? = answer["device_id"]
                else { throw BenchmarkFailure(description: "enroll: no token") }
                client.token = token
                var cursor: String? = nil
                tally.firstPullChanges += try pull(client, cursor: &cursor, into: &tally)
                let batches = SyncBenchmark.makeBatches(
                    count: events, batch: batch, device: deviceID, item: target.item, member: target.member,
                    newID: { WireID.timeOrdered() })
                var completionOf: [String: String] = [:]
                for (eventID, _, body) in batches.rows {
                    if let range = body.range(of: "\"completion_id\":\"") {
                        completionOf[eventID] = String(body[range.upperBound...].prefix(36))
                    }
                }
                for body in batches.bodies {
                    let r = try send(client, "push", "POST", "/v1/sync/push", body: body, into: &tally)
                    guard case .object(let response) = try JSONValue.parse(r.body),
                        case .array(let results)? = response["results"]
                    else { throw BenchmarkFailure(description: "push: no results") }
                    for case .object(let result) in results {
                        guard case .string(let eventID)? = result["event_id"] else { continue }
                        guard result["outcome"] == .string("accepted") else {
                            throw BenchmarkFailure(description: "push: event not accepted: \(result)")
                        }
                        tally.acknowledged.append((eventID, completionOf[eventID] ?? ""))
                    }
                }
                tally.secondPullChanges += try pull(client, cursor: &cursor, into: &tally)
                if let cursor { tally.poll = (token, cursor) }
                tally.syncSeconds.append(started.duration(to: clock.now).seconds)
            } catch {
                tally.errors += 1
                tally.failures.append("\(error)")
            }
            return tally
        }

        /// Pulls every page after `cursor`; returns the number of changes.
        func pull(_ client: BenchHTTPClient, cursor: inout String?, into tally: inout Tally) throws -> Int {
            var changes = 0
            while true {
                let r = try send(
                    client, "pull", "GET", "/v1/sync/pull?limit=\(limit)" + (cursor.map { "&cursor=" + $0 } ?? ""),
                    into: &tally)
                // Only the envelope is parsed (the bench shares the machine's two cores with the server):
                // keys are sorted, so everything after the changes is `"cursor"...`, and each change
                // ends with its `"seq":N}`.
                let (count, tail) = try Self.scanPage(r.body)
                guard case .object(let page) = try JSONValue.parse(tail), case .string(let next)? = page["cursor"]
                else { throw BenchmarkFailure(description: "pull: not a page") }
                changes += count
                cursor = next
                guard page["has_more"] == .bool(true) else { return changes }
            }
        }

        /// The number of changes in a pull page and its envelope after the changes, as a JSON object.
        ///
        /// A simulated device must cost the shared machine as little as possible (a real one spends its
        /// own phone's CPU): the page is searched with `memchr`, not parsed; the count is the number of
        /// `,"seq":` keys (each change ends with its `"seq":N}`).
        static func scanPage(_ body: [UInt8]) throws -> (changes: Int, tail: [UInt8]) {
            let head = Array(#"{"changes":["#.utf8)
            let marker = Array(#"],"cursor":"#.utf8)
            let seqKey = Array(#","seq":"#.utf8)
            guard body.starts(with: head) else { throw BenchmarkFailure(description: "pull: not a page") }
            // The envelope after the changes is short: look for its marker in the last few hundred bytes.
            let from = max(head.count, body.count - 1024)
            let end: Int? = body.withUnsafeBytes { page in
                var last: Int?
                var at = from
                while at < page.count, let found = find(marker, in: page, from: at) {
                    last = found
                    at = found + 1
                }
                return last
            }
            guard let end else { throw BenchmarkFailure(description: "pull: not a page") }
            let count = body.withUnsafeBytes { page in
                var count = 0
                var at = head.count
                while let found = find(seqKey, in: UnsafeRawBufferPointer(rebasing: page[..<end]), from: at) {
                    count += 1
                    at = found + seqKey.count
                }
                return count
            }
            return (count, [UInt8(ascii: "{")] + body[(end + 2)...])
        }

        /// The offset of `needle` in `haystack` at or after `from` (`memchr` for its first byte, then `memcmp`;
        /// Swift's Glibc module does not export `memmem`).
        static func find(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer, from: Int) -> Int? {
            guard let base = haystack.baseAddress, let first = needle.first else { return nil }
            return needle.withUnsafeBytes { n in
                var at = from
                while haystack.count - at >= n.count {
                    guard let hit = memchr(base + at, Int32(first), haystack.count - at - n.count + 1) else {
                        return nil
                    }
                    let offset = UnsafeRawPointer(hit) - base
                    if memcmp(hit, n.baseAddress!, n.count) == 0 { return offset }
                    at = offset + 1
                }
                return nil
            }
        }

        /// One request, timed; 503s are retried after `Retry-After` (capped at 1 s).
        func send(
            _ client: BenchHTTPClient, _ kind: String, _ method: String, _ target: String, body: [UInt8] = [],
            headers: [String: String] = [:], into tally: inout Tally
        ) throws -> BenchHTTPClient.Response {
            for _ in 0..<100 {
                let (r, seconds) = try measure { try client.request(method, target, body: body, headers: headers) }
                tally.requests += 1
                tally.latencies[kind, default: []].append(seconds)
                tally.wireBytes[kind, default: 0] += r.wireBytes
                tally.bodyBytes[kind, default: 0] += r.body.count
                if r.status == 503 {
                    tally.unavailable += 1
                    usleep(UInt32(min(1.0, Double(r.retryAfter ?? 1)) * 1_000_000))
                    continue
                }
                guard r.status == 200 || r.status == 201 else {
                    throw BenchmarkFailure(
                        description: "\(kind): \(r.status) \(String(decoding: r.body.prefix(300), as: UTF8.self))")
                }
                return r
            }
            throw BenchmarkFailure(description: "\(kind): 503 a hundred times")
        }
    }
}

extension ChildServer {
    /// The IDs of the demo store's field workers (`worker111`...), in name order.
    var fieldWorkers: [String] {
        let users = seedUsers
        return users.keys.filter { $0.hasPrefix("worker") }.sorted().compactMap {
            (users[$0] as? [String: Any])?["id"] as? String
        }
    }

    /// A new recurring item (service 21) in one of `worker`'s families, and the member it is for.
    func recurringItem(for worker: String) throws -> (item: String, member: String) {
        let families = try adminRequest("GET", "/v1/admin/families?limit=500")["items"] as? [[String: Any]] ?? []
        guard
            let family = families.first(where: { ($0["assigned_worker_ids"] as? [String])?.contains(worker) == true }),
            let familyID = family["id"] as? String
        else { throw BenchmarkFailure(description: "no family for worker \(worker)") }
        let detail = try adminRequest("GET", "/v1/admin/families/\(familyID)")
        let member = (detail["members"] as? [[String: Any]])?.first?["id"] as? String ?? ""
        let plans = try adminRequest("GET", "/v1/admin/plans?family_id=\(familyID)")["items"] as? [[String: Any]] ?? []
        let plan = plans.first?["id"] as? String ?? ""
        let item =
            try adminRequest(
                "POST", "/v1/admin/plans/\(plan)/items",
                ["member_id": member, "service_code": 21, "due_date": "2026-12-20"])["id"] as? String ?? ""
        return (item, member)
    }

    /// Completions in the store now (the `sqlite3` CLI; WAL readers do not disturb the server).
    func completionCount() throws -> Int {
        let output = try runCommand("sqlite3", [directory + "/data/kandas.sqlite", "SELECT count(*) FROM completions"])
        guard let n = Int(output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchmarkFailure(description: "cannot count completions: \(output.standardOutput)")
        }
        return n
    }
}
