import CurlTransport
import Dispatch
import Foundation
import KandasClient
import KandasProtocol
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `kandas-bench field-day`: a field worker's day and a backlog, synced by the client core over loopback
/// to the real `kandas-server` (a child process), against `curl` PUTting the same files to stock nginx.
///
/// The day is 20 completions with 60 photos of 3 MB and 3 videos of 200 MB (sizes adjustable); the
/// backlog is 10,000 completions without files recorded earlier. Everything is recorded offline first
/// (files copied into the client's store and hashed), then one `sync` pushes, pulls, uploads through
/// tus with per-chunk SHA-256 and waits for the receipts. The client first runs in this process through
/// `CurlTransport` (timed phases); then the same day is synced by the real `kandas` binary as a child
/// process against a fresh server, and that child's peak RSS is the "client peak RSS" (target under
/// 64 MiB): this process's own figure also holds the benchmark's work before the client opened.
enum FieldDayBenchmark {
    static let benchmark = Benchmark(
        name: "field-day",
        usage:
            "field-day [--backlog 10000] [--completions 20] [--photos 60] [--photo-mib 3] [--videos 3] [--video-mib 200]"
            + " [--real-runs 1] [--real-only 1] [--fresh-device 1]",
        run: run)

    /// What the day consists of.
    struct Day: Sendable {
        var backlog: Int
        var completions: Int
        var photos: Int
        var photoBytes: Int
        var videos: Int
        var videoBytes: Int
        var fileBytes: Int { photos * photoBytes + videos * videoBytes }
    }

    /// Timings of the client side.
    struct Measured: Sendable {
        var recordBacklog = 0.0
        var recordDay = 0.0
        var sync = 0.0
        var push = 0.0
        var upload = 0.0
        var report = SyncReport()
    }

    static func run(_ arguments: Arguments) throws {
        let day = Day(
            backlog: try arguments.int("backlog", default: 10_000),
            completions: try arguments.int("completions", default: 20),
            photos: try arguments.int("photos", default: 60),
            photoBytes: try arguments.int("photo-mib", default: 3) << 20,
            videos: try arguments.int("videos", default: 3),
            videoBytes: try arguments.int("video-mib", default: 200) << 20)
        // Peak RSS varies from run to run (allocation timing across threads): the median of several runs.
        let realRuns = try arguments.int("real-runs", default: 1)
        // Only the real client's runs (no in-process client, no nginx), for comparing client builds.
        let realOnly = try arguments.int("real-only", default: 0) > 0
        // After each real run, a second device of the same worker enrolls and syncs for the first time: its
        // pull is a reset snapshot of everything the day and the backlog put in scope.
        let freshDevice = try arguments.int("fresh-device", default: 0) > 0
        try arguments.checkAllUsed()
        guard day.completions > 0, day.photos >= 0, day.videos >= 0 else {
            throw UsageError(description: "completions must be positive, photos and videos not negative")
        }
        for tool in ["nginx", "curl"] where (try? runCommand("sh", ["-c", "command -v \(tool)"])) == nil {
            throw BenchmarkFailure(
                description: "\(tool) is missing: apt-get install nginx-light curl (make deps-bench)")
        }
        try withScratchDirectory { directory in
            let files = try makeEvidence(day, directory: directory + "/evidence")
            if realOnly {
                let runs = try (0..<realRuns).map { run in
                    try runRealClient(
                        day, files: files, directory: directory + "/real-\(run)", freshDevice: freshDevice)
                }
                printRealRuns(day, runs.map(\.day))
                let fresh = runs.compactMap(\.fresh)
                if !fresh.isEmpty {
                    print("a second device's first sync (reset snapshot of the worker's scope):")
                    printRealRuns(day, fresh)
                }
                return
            }
            let server = try ChildServer(directory: directory + "/server")
            defer { server.stop() }
            let setup = try server.setUp()
            let baselineKiB = residentKiB()
            let code =
                try server.adminRequest("POST", "/v1/admin/enrollment-codes", ["user_id": server.worker])["code"]
                as? String ?? ""
            let base = "http://127.0.0.1:\(server.port)"
            let measured = try ClientBenchmark.blocking {
                try await measureClient(
                    home: directory + "/home", server: base, code: code, recurringItem: setup.item, day: day,
                    files: files)
            }
            let serverRSS = server.peakRSSKiB()
            server.stop()
            let runs = try (0..<realRuns).map { run in
                try runRealClient(day, files: files, directory: directory + "/real-\(run)").day
            }
            let real = runs.sorted { $0.peakRSSKiB < $1.peakRSSKiB }[runs.count / 2]
            let peer = try putToNginx(files: files, directory: directory)
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            printReport(
                day, measured, peer: peer, clientRSSKiB: Int(usage.ru_maxrss), baselineKiB: baselineKiB,
                serverRSSKiB: serverRSS, real: real)
            if runs.count > 1 { printRealRuns(day, runs) }
        }
    }

    /// `changes_pulled` of the summary `kandas sync --json` printed ("?" when absent).
    static func pulled(_ output: String) -> String {
        let summary = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        return (summary?["changes_pulled"] as? Int).map(String.init) ?? "?"
    }

    /// The real client's runs: each one's peak RSS and time, then the median and range of both.
    static func printRealRuns(_ day: Day, _ runs: [RealClientRun.Outcome]) {
        print(
            "real `kandas sync`: backlog \(day.backlog) events, \(day.completions) completions, "
                + "\(day.photos + day.videos) files of \(day.fileBytes >> 20) MiB; \(runs.count) run(s)")
        for (index, run) in runs.enumerated() {
            print(
                "  run \(index + 1): peak RSS (VmHWM) \(Report.format(Double(run.peakRSSKiB) / 1024, 1)) MiB "
                    + "(\(run.sampledAnonKiB / 1024) MiB anon + \(run.sampledFileKiB / 1024) MiB file at the top sample; "
                    + "wait4 ru_maxrss \(run.waitMaxRSSKiB / 1024) MiB), \(Report.format(run.seconds, 2)) s, "
                    + "\(pulled(run.output)) changes pulled")
        }
        let peaks = runs.map { Double($0.peakRSSKiB) / 1024 }.sorted()
        let times = runs.map(\.seconds).sorted()
        print(
            "  median peak RSS \(Report.format(peaks[peaks.count / 2], 1)) MiB "
                + "(range \(Report.format(peaks[0], 1))-\(Report.format(peaks[peaks.count - 1], 1))), median time "
                + "\(Report.format(times[times.count / 2], 2)) s (range \(Report.format(times[0], 2))-"
                + "\(Report.format(times[times.count - 1], 2))); target < 64 MiB")
    }

    /// The same day synced by the real `kandas` binary against a fresh server (so its pull does not carry
    /// the in-process device's completions): its peak RSS is what a field device needs.
    ///
    /// With `freshDevice`, a second device of the same worker then enrolls and runs its first `kandas sync`.
    static func runRealClient(
        _ day: Day, files: [(path: String, kind: FileKind)], directory: String, freshDevice: Bool = false
    ) throws -> (day: RealClientRun.Outcome, fresh: RealClientRun.Outcome?) {
        // A run's copies of the day's files are removed with it, so several runs need no more disk than one.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ChildServer(directory: directory + "/server-cli")
        defer { server.stop() }
        let setup = try server.setUp()
        let code =
            try server.adminRequest("POST", "/v1/admin/enrollment-codes", ["user_id": server.worker])["code"]
            as? String ?? ""
        let home = directory + "/home-cli"
        let base = "http://127.0.0.1:\(server.port)"
        try ClientBenchmark.blocking {
            try await RealClientRun.prepareHome(
                home: home, server: base, code: code, recurringItem: setup.item,
                day: day, files: files)
        }
        let outcome = try RealClientRun.sync(home: home, outputPath: directory + "/kandas-sync.json")
        guard freshDevice else { return (outcome, nil) }
        let second =
            try server.adminRequest("POST", "/v1/admin/enrollment-codes", ["user_id": server.worker])["code"]
            as? String ?? ""
        try ClientBenchmark.blocking {
            let client = try await KandasClient.open(
                home: directory + "/home-fresh", transport: CurlTransport(configuration: .init(userAgent: "field-day")),
                options: ClientOptions(appVersion: "kandas-bench/1"))
            defer { client.close() }
            _ = try await client.enroll(serverURL: base, code: second, deviceName: "field-day-fresh")
        }
        let fresh = try RealClientRun.sync(home: directory + "/home-fresh", outputPath: directory + "/fresh.json")
        return (outcome, fresh)
    }

    /// This process's resident set now (`VmRSS`, KiB): the bench's own baseline before the client starts.
    static func residentKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// The evidence files: photos then videos, each with its kind's magic bytes and random content.
    static func makeEvidence(_ day: Day, directory: String) throws -> [(path: String, kind: FileKind)] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files: [(String, FileKind)] = []
        for index in 0..<day.photos {
            let path = directory + "/photo-\(index).jpg"
            try writeRandom(path, size: day.photoBytes, header: [0xFF, 0xD8, 0xFF, 0xE0], seed: UInt64(index))
            files.append((path, .photo))
        }
        for index in 0..<day.videos {
            let path = directory + "/video-\(index).mp4"
            let header: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isommp41".utf8)
            try writeRandom(path, size: day.videoBytes, header: header, seed: 1000 + UInt64(index))
            files.append((path, .video))
        }
        return files
    }

    /// Writes `size` pseudo-random bytes (incompressible, like real media) in 1 MiB blocks.
    static func writeRandom(_ path: String, size: Int, header: [UInt8], seed: UInt64) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw BenchmarkFailure(description: "cannot create \(path)") }
        defer { try? handle.close() }
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var written = 0
        var block = [UInt64](repeating: 0, count: (1 << 20) / 8)
        while written < size {
            for i in block.indices {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                block[i] = state
            }
            var bytes = block.withUnsafeBytes { Array($0.prefix(size - written)) }
            if written == 0 {
                bytes.replaceSubrange(0..<min(header.count, bytes.count), with: header.prefix(bytes.count))
            }
            try handle.write(contentsOf: bytes)
            written += bytes.count
        }
    }

    /// Enrolls, records the backlog and the day offline, then syncs once and times the phases.
    static func measureClient(
        home: String, server: String, code: String, recurringItem: String, day: Day,
        files: [(path: String, kind: FileKind)]
    ) async throws -> Measured {
        let transport = CurlTransport(configuration: .init(userAgent: "kandas-bench/field-day"))
        let client = try await KandasClient.open(
            home: home, transport: transport, options: ClientOptions(appVersion: "kandas-bench/1"))
        defer { client.close() }
        _ = try await client.enroll(serverURL: server, code: code, deviceName: "field-day")
        try await client.sync()
        guard let itemID = WireID(recurringItem), try await client.items().contains(where: { $0.item.id == itemID })
        else { throw BenchmarkFailure(description: "the recurring item did not reach the device") }
        let location = Geolocation(
            latitude: 43.25, longitude: 76.95, accuracyMeters: 8, fixTime: .now(), provider: .gps, mock: false)
        var measured = Measured()
        let clock = ContinuousClock()
        var start = clock.now
        for index in 0..<day.backlog {
            try await client.complete(
                CompletionDraft(
                    itemID: itemID, performedAt: .now(), note: "backlog \(index): consultation given",
                    location: location))
        }
        measured.recordBacklog = ClientBenchmark.seconds(start.duration(to: clock.now))

        // The day: files spread over the completions in order (3 photos each by default, videos on some).
        start = clock.now
        for index in 0..<day.completions {
            let share = files.indices.filter { $0 % day.completions == index }
            try await client.complete(
                CompletionDraft(
                    itemID: itemID, performedAt: .now(), note: "field visit \(index)", location: location,
                    files: share.map { EvidenceInput(path: files[$0].path, kind: files[$0].kind, source: .camera) }))
        }
        measured.recordDay = ClientBenchmark.seconds(start.duration(to: clock.now))

        let phases = Mutex<(firstUpload: ContinuousClock.Instant?, lastUpload: ContinuousClock.Instant?)>((nil, nil))
        start = clock.now
        let report = try await client.sync { event in
            switch event {
            case .uploadStarted:
                let now = ContinuousClock.now
                phases.withLock { if $0.firstUpload == nil { $0.firstUpload = now } }
            case .uploadFinished:
                let now = ContinuousClock.now
                phases.withLock { $0.lastUpload = now }
            default: break
            }
        }
        let end = clock.now
        measured.sync = ClientBenchmark.seconds(start.duration(to: end))
        let (first, last) = phases.withLock { ($0.firstUpload, $0.lastUpload) }
        if let first, let last {
            measured.push = ClientBenchmark.seconds(start.duration(to: first))
            measured.upload = ClientBenchmark.seconds(first.duration(to: last))
        }
        measured.report = report
        let expectedEvents = day.backlog + day.completions
        guard report.eventsAccepted == expectedEvents, report.filesUploaded == files.count else {
            throw BenchmarkFailure(
                description:
                    "synced \(report.eventsAccepted)/\(expectedEvents) events, \(report.filesUploaded)/\(files.count) files"
            )
        }
        let verified = try await client.receipts().reduce(0) { $0 + $1.files.count }
        guard verified == files.count else {
            throw BenchmarkFailure(description: "receipts list \(verified) of \(files.count) files")
        }
        return measured
    }

    /// `curl -T` of every file to stock nginx (PUT, stores to disk, no hashing), one file after another.
    static func putToNginx(files: [(path: String, kind: FileKind)], directory: String) throws -> Double {
        let nginx = try UploadBenchmark.startNginx(dir: directory)
        defer {
            kill(nginx.processIdentifier, SIGQUIT)
            nginx.waitUntilExit()
            Children.release(nginx.processIdentifier)
        }
        let start = ContinuousClock.now
        for (index, file) in files.enumerated() {
            let out = try runCommand(
                "curl",
                [
                    "-s", "-o", "/dev/null", "-w", "%{http_code}", "-T", file.path,
                    "http://127.0.0.1:\(UploadBenchmark.nginxPort)/upload/f\(index)",
                ])
            guard out.standardOutput.hasPrefix("20") else {
                throw BenchmarkFailure(description: "nginx PUT answered \(out.standardOutput)")
            }
        }
        return ClientBenchmark.seconds(start.duration(to: .now))
    }

    static func printReport(
        _ day: Day, _ m: Measured, peer: Double, clientRSSKiB: Int, baselineKiB: Int, serverRSSKiB: Int,
        real: RealClientRun.Outcome
    ) {
        let mb = Double(day.fileBytes) / 1e6
        var report = Report(
            title:
                "Field day: \(day.completions) completions, \(day.photos) photos of \(day.photoBytes >> 20) MiB, "
                + "\(day.videos) videos of \(day.videoBytes >> 20) MiB, backlog \(day.backlog) events",
            columns: ["step", "who", "seconds", "rate"])
        report.add([
            "record backlog", "KandasClient.complete", Report.format(m.recordBacklog, 2),
            Report.format(Double(day.backlog) / max(m.recordBacklog, 1e-9), 0) + " events/s",
        ])
        report.add([
            "record day (copy + hash)", "KandasClient.complete", Report.format(m.recordDay, 2),
            Report.format(mb / max(m.recordDay, 1e-9), 0) + " MB/s",
        ])
        report.add([
            "push + pull until first upload", "KandasClient.sync", Report.format(m.push, 2),
            Report.format(Double(day.backlog + day.completions) / max(m.push, 1e-9), 0) + " events/s",
        ])
        report.add([
            "upload (tus, chunk SHA-256, verified)", "KandasClient.sync", Report.format(m.upload, 2),
            Report.format(mb / max(m.upload, 1e-9), 0) + " MB/s",
        ])
        report.add(["whole sync", "KandasClient.sync", Report.format(m.sync, 2), "-"])
        report.add(["whole sync, real client", "kandas sync (child process)", Report.format(real.seconds, 2), "-"])
        report.add([
            "PUT the same files", "curl -T to stock nginx", Report.format(peer, 2),
            Report.format(mb / peer, 0) + " MB/s",
        ])
        report.print()
        print(Report.ratioLine("upload ours/nginx", ours: mb / max(m.upload, 1e-9), peer: mb / peer, target: 1.0))
        print(
            "bytes sent for uploads: \(m.report.uploadBytesSent) for \(day.fileBytes) of files; "
                + "retries \(m.report.retries)")
        print(
            "client peak RSS (real `kandas sync`, child's VmHWM): \(real.peakRSSKiB / 1024) MiB "
                + "(target < 64 MiB); at the largest 10 ms sample \(real.sampledAnonKiB / 1024) MiB anonymous "
                + "(heap, stacks) + \(real.sampledFileKiB / 1024) MiB mapped files (shared libraries); wait4 "
                + "ru_maxrss \(real.waitMaxRSSKiB / 1024) MiB also holds this process's peak at spawn")
        print(
            "client peak RSS in-process (this process, VmHWM): \(clientRSSKiB / 1024) MiB; "
                + "the bench process alone, before the client opened: \(baselineKiB / 1024) MiB")
        print("server peak RSS (child, VmHWM): \(serverRSSKiB / 1024) MiB")
    }
}
