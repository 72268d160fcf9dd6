import CurlTransport
import Foundation
import KandasClient
import KandasProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The field-day sync run by the real `kandas` binary as a child process, so its peak RSS is the client's alone.
///
/// The in-process figure of `field-day` includes the benchmark's own work (evidence files generated, the
/// server's seed read, the Foundation it loads) before the client opens; a field device runs only the client.
/// The home is prepared by the client API (enroll, the backlog and the day recorded offline), then
/// `kandas sync --home HOME --json` runs as a child spawned with `posix_spawn` and reaped with `wait4`, whose
/// `ru_maxrss` is that child's own peak (never another child's, unlike `RUSAGE_CHILDREN`).
enum RealClientRun {
    /// What the child did: its peak RSS, wall time, exit status and the summary it printed.
    struct Outcome: Sendable {
        var peakRSSKiB: Int
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
    static func sync(home: String, outputPath: String, environment: [String: String] = [:]) throws -> Outcome {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("kandas").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchmarkFailure(description: "\(binary) is missing: swift build --product kandas")
        }
        let arguments = [binary, "sync", "--home", home, "--json"]
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
        let spawned = posix_spawn(&pid, binary, &actions, nil, argv, envp)
        guard spawned == 0 else { throw BenchmarkFailure(description: "posix_spawn kandas: errno \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 {
            guard errno == EINTR else { throw BenchmarkFailure(description: "wait4 kandas: errno \(errno)") }
        }
        let seconds = ClientBenchmark.seconds(start.duration(to: .now))
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Outcome(peakRSSKiB: Int(usage.ru_maxrss), seconds: seconds, status: exited, output: output)
    }
}
