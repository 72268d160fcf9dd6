import CurlTransport
import Dispatch
import Foundation
import KandasClient
import KandasProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The field-day sync run by the real `kandas` binary as a child process, so its peak RSS is the client's alone.
///
/// The in-process figure of `field-day` includes the benchmark's own work (evidence files generated, the
/// server's seed read, the Foundation it loads) before the client opens; a field device runs only the client.
/// The home is prepared by the client API (enroll, the backlog and the day recorded offline), then
/// `kandas sync --home HOME --json` runs as a child spawned with `posix_spawn` and reaped with `wait4`.
///
/// The child's peak is its `VmHWM` (the kernel's high-water mark of the child's own address space), read from
/// `/proc/PID/status` every 10 ms; it only grows, so the last reading misses at most the final 10 ms. The
/// `ru_maxrss` that `wait4` returns is not the child's alone: when a process execs, Linux folds the high-water
/// mark of the address space it leaves (here the bench's own, shared by the spawn) into the process's
/// `maxrss`, so after a 64 MiB in-process run every child "peaked" at 64 MiB.
enum RealClientRun {
    /// What the child did: its peak RSS, wall time, exit status and the summary it printed.
    struct Outcome: Sendable {
        /// The child's own peak: its last `VmHWM` reading.
        var peakRSSKiB: Int
        /// `wait4`'s `ru_maxrss`: at least the bench's own high-water mark when it spawned the child (see above).
        var waitMaxRSSKiB = 0
        /// The split of the largest sampled `VmRSS` (polled every 10 ms): heap and stacks versus mapped
        /// files, mostly the shared libraries (Swift runtime, Foundation, ICU, libcrypto, libcurl), whose
        /// pages a device shares with every other process using them.
        var sampledAnonKiB = 0
        var sampledFileKiB = 0
        var seconds: Double
        var status: Int32
        var output: String
    }

    /// Enrolls a device in `home` and records the backlog and the day offline, without syncing them.
    static func prepareHome(
        home: String, server: String, code: String, recurringItem: String, day: FieldDayBenchmark.Day,
        files: [(path: String, kind: FileKind)]
    ) async throws {
        let transport = CurlTransport(configuration: .init(userAgent: "kandas-bench/field-day"))
        let client = try await KandasClient.open(
            home: home, transport: transport, options: ClientOptions(appVersion: "kandas-bench/1"))
        defer { client.close() }
        _ = try await client.enroll(serverURL: server, code: code, deviceName: "field-day-cli")
        try await client.sync()
        guard let itemID = WireID(recurringItem) else {
            throw BenchmarkFailure(description: "the recurring item id is not a wire id")
        }
        let location = Geolocation(
            latitude: 43.25, longitude: 76.95, accuracyMeters: 8, fixTime: .now(), provider: .gps, mock: false)
        for index in 0..<day.backlog {
            try await client.complete(
                CompletionDraft(
                    itemID: itemID, performedAt: .now(), note: "backlog \(index): consultation given",
                    location: location))
        }
        for index in 0..<day.completions {
            let share = files.indices.filter { $0 % day.completions == index }
            try await client.complete(
                CompletionDraft(
                    itemID: itemID, performedAt: .now(), note: "field visit \(index)", location: location,
                    files: share.map { EvidenceInput(path: files[$0].path, kind: files[$0].kind, source: .camera) }))
        }
    }

    /// Runs `kandas sync --home HOME --json` (the binary next to this one) and reaps it with `wait4`.
    ///
    /// - Parameter environment: extra variables for the child (e.g. `MALLOC_ARENA_MAX` to compare).
    /// - Throws: `BenchmarkFailure` when the child cannot start or exits non-zero (with its stderr).
    static func sync(home: String, outputPath: String, environment: [String: String] = [:]) throws -> Outcome {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("kandas").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchmarkFailure(description: "\(binary) is missing: swift build --product kandas")
        }
        // FIELD_DAY_CLIENT_WRAPPER (e.g. "heaptrack -o /tmp/sync") runs the client under a profiler.
        let wrapper = ProcessInfo.processInfo.environment["FIELD_DAY_CLIENT_WRAPPER"].map {
            $0.split(separator: " ").map(String.init)
        }
        let arguments = (wrapper ?? []) + [binary, "sync", "--home", home, "--json"]
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { $1 }
        let environmentLines = variables.map { "\($0.key)=\($0.value)" }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, outputPath + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environmentLines.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw BenchmarkFailure(description: "posix_spawn kandas: errno \(spawned)") }
        let sampler = Sampler(pid: pid)
        var status: Int32 = 0
        var usage = rusage()
        defer { sampler.stop() }
        while wait4(pid, &status, 0, &usage) == -1 {
            guard errno == EINTR else { throw BenchmarkFailure(description: "wait4 kandas: errno \(errno)") }
        }
        let seconds = ClientBenchmark.seconds(start.duration(to: .now))
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let split = sampler.stop()
        guard exited == 0 else {
            let errors = (try? String(contentsOfFile: outputPath + ".err", encoding: .utf8)) ?? ""
            throw BenchmarkFailure(description: "kandas sync --home \(home) exited \(exited): \(errors.prefix(2000))")
        }
        return Outcome(
            peakRSSKiB: split.hwm, waitMaxRSSKiB: Int(usage.ru_maxrss), sampledAnonKiB: split.anon,
            sampledFileKiB: split.file, seconds: seconds, status: exited, output: output)
    }

    /// Polls `/proc/PID/status` on its own thread: the last `VmHWM` read, and the `RssAnon`/`RssFile` split of
    /// the largest `VmRSS`.
    final class Sampler: Sendable {
        let state = Mutex<(running: Bool, rss: Int, anon: Int, file: Int, hwm: Int)>((true, 0, 0, 0, 0))
        let done = DispatchSemaphore(value: 0)

        init(pid: pid_t) {
            Thread.detachNewThread { [self] in
                while state.withLock({ $0.running }) {
                    let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
                    var fields: [Substring: Int] = [:]
                    for line in text.split(separator: "\n") {
                        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                        if parts.count >= 2, let value = Int(parts[1]) { fields[parts[0].dropLast()] = value }
                    }
                    let rss = fields["VmRSS"] ?? 0
                    state.withLock {
                        // A zombie's status has no VmHWM: keep the last real reading.
                        $0.hwm = max($0.hwm, fields["VmHWM"] ?? 0)
                        if rss > $0.rss {
                            ($0.rss, $0.anon, $0.file) = (rss, fields["RssAnon"] ?? 0, fields["RssFile"] ?? 0)
                        }
                    }
                    usleep(10_000)
                }
                done.signal()
            }
        }

        /// Stops polling (once) and returns the split at the largest sample and the last high-water mark.
        @discardableResult
        func stop() -> (anon: Int, file: Int, hwm: Int) {
            let wasRunning = state.withLock { state in
                defer { state.running = false }
                return state.running
            }
            if wasRunning { done.wait() }
            return state.withLock { ($0.anon, $0.file, $0.hwm) }
        }
    }
}
