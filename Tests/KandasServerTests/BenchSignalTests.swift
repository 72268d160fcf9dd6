import Foundation
import KandasTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kandas-bench pg` killed in the middle of a run stops what it started (issue 12): before, its
/// `kandas-server` child kept running after a SIGTERM and the cluster waited for its watchdog.
@Suite struct BenchSignalTests {
    @Test func postgresBenchKilledWithSIGTERM_stopsItsServersAndItsClusterBeforeItExits() throws {
        let bench = URL(fileURLWithPath: try ServerProcess.binary()).deletingLastPathComponent()
            .appendingPathComponent("kandas-bench").path
        try #require(
            FileManager.default.isExecutableFile(atPath: bench), "kandas-bench not built next to kandas-server")
        // Long enough to be killed in the middle of its push.
        let process = try ProcessRunner.spawn(
            bench, ["pg", "--events", "100000", "--batch", "500", "--only", "replay"])
        // A `kandas-server` child of the bench, and the cluster's port from its `--database-url`.
        var port: Int?
        var servers: [Int32] = []
        defer {
            // Whatever failed: SIGTERM (the bench stops its children itself), then nothing of it is left.
            process.stop(graceSeconds: 60)
            for pid in servers where Self.alive(pid) { kill(pid, SIGKILL) }
        }
        for _ in 0..<1200 where port == nil {
            usleep(100_000)
            servers = Self.children(of: process.pid, named: "kandas-server")
            for pid in servers {
                let arguments = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map {
                    String(decoding: $0.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
                }
                if let arguments, arguments.contains(" serve "), let range = arguments.range(of: "@127.0.0.1:") {
                    port = Int(arguments[range.upperBound...].prefix { $0.isNumber })
                }
            }
            guard process.isRunning else { break }
        }
        let clusterPort = try #require(port, "no kandas-server child serving the bench's cluster appeared")
        #expect(Self.postmasterRunning(port: clusterPort))

        kill(process.pid, SIGTERM)
        try #require(process.wait(timeoutSeconds: 60) != nil, "the bench did not stop within 60 s of SIGTERM")
        #expect(process.terminatingSignal == SIGTERM, "the bench died of the signal it caught")
        for pid in servers {
            #expect(!Self.alive(pid), "kandas-server \(pid) outlived the bench")
        }
        #expect(!Self.postmasterRunning(port: clusterPort), "the cluster outlived the bench")
    }

    /// The load bench's nginx (the peer of the poll) was started without being tracked: a SIGTERM
    /// during the poll left it running, with wrk still hammering it.
    @Test func loadBenchKilledWithSIGTERM_duringThePoll_stopsNginxWrkAndItsServer() throws {
        let bench = URL(fileURLWithPath: try ServerProcess.binary()).deletingLastPathComponent()
            .appendingPathComponent("kandas-bench").path
        try #require(
            FileManager.default.isExecutableFile(atPath: bench), "kandas-bench not built next to kandas-server")
        let process = try ProcessRunner.spawn(
            bench, ["load", "--devices", "2", "--events", "2", "--batch", "2", "--poll-seconds", "120"])
        var started: [Int32] = []
        defer {
            process.stop(graceSeconds: 60)
            // SIGTERM first: an nginx master stops its workers only when it is not SIGKILLed.
            for pid in started where Self.alive(pid) { kill(pid, SIGTERM) }
            for _ in 0..<60 where started.contains(where: Self.alive) { usleep(50_000) }
            for pid in started where Self.alive(pid) { kill(pid, SIGKILL) }
        }
        // Its nginx, once up; the server and the shell running `timeout wrk` beside it.
        var nginx: [Int32] = []
        for _ in 0..<1200 where nginx.isEmpty && process.isRunning {
            usleep(100_000)
            nginx = Self.children(of: process.pid, named: "nginx")
        }
        try #require(!nginx.isEmpty, "no nginx child of the load bench appeared")
        usleep(300_000)
        let servers = Self.children(of: process.pid, named: "kandas-server")
        let timeouts = Self.children(of: process.pid, named: "timeout")
        let wrks = timeouts.flatMap { Self.children(of: $0, named: "wrk") }
        let workers = nginx.flatMap { Self.children(of: $0, named: "nginx") }
        started = nginx + workers + servers + timeouts + wrks
        #expect(!servers.isEmpty)

        kill(process.pid, SIGTERM)
        try #require(process.wait(timeoutSeconds: 60) != nil, "the bench did not stop within 60 s of SIGTERM")
        #expect(process.terminatingSignal == SIGTERM, "the bench died of the signal it caught")
        // nginx's master stops its workers as it goes; timeout passes the signal on to wrk.
        for _ in 0..<100 where started.contains(where: Self.alive) { usleep(50_000) }
        for pid in started {
            #expect(!Self.alive(pid), "\(pid) outlived the bench")
        }
    }

    /// Live children of `parent` whose command name is `name`.
    static func children(of parent: Int32, named name: String) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
            else { return nil }
            let comm = stat[stat.index(after: open)..<close]
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard comm == name, fields.count > 1, Int32(fields[1]) == parent, fields[0] != "Z" else { return nil }
            return pid
        }
    }

    /// Running and not a zombie.
    static func alive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    /// A `postgres` process started with `-p port`.
    static func postmasterRunning(port: Int) -> Bool {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).contains { entry in
            guard Int32(entry) != nil,
                let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !data.isEmpty
            else { return false }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains("postgres") && line.contains(" -p \(port) ")
        }
    }
}
