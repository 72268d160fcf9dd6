import Crypto
import Foundation
import Glibc
import HTTPServer
import KandasProtocol
import KandasStore
import KandasUploads
import Log

/// `kandas-bench uploads`: a large file through our tus server versus `curl -T` to stock nginx.
///
/// Ours: one curl process creates the upload and sends every chunk of `max_chunk_bytes`
/// (64 MiB; `--chunk-mib` sets another size for the split and the server's limit) on one
/// keep-alive connection; the server writes each chunk to the partial file (`O_DIRECT` for
/// whole blocks, SHA-256 on helper threads meanwhile), fsyncs it, commits the offset in SQLite
/// and, at the end, checks the whole file's SHA-256 (running hash) and links it into the blob
/// store. A second row adds a SHA-256 `Upload-Checksum` to every chunk (what our own client
/// sends), hashed on a second helper. The peer is nginx with its
/// default `client_body_buffer_size`, a WebDAV `PUT` to disk that verifies nothing and does
/// not fsync. `dd conv=fdatasync` of the same file shows what the disk allows for durable writes
/// at that moment (the shared machine's disk varies a lot). Our server runs in a child process (this binary, `KANDAS_BENCH_UPLOAD_CHILD`
/// set) so its peak RSS (`VmHWM`) is its own. Runs alternate peer / ours; medians compared, with
/// min and max, and our server's CPU seconds per upload (steadier than wall time when other work
/// shares the machine).
enum UploadBenchmark {
    static let benchmark = Benchmark(
        name: "uploads",
        usage: "uploads [--size-mib 1024] [--runs 3] [--chunk-mib 64]",
        run: run)

    static let childVariable = "KANDAS_BENCH_UPLOAD_CHILD"
    /// The child's `maxChunkBytes`, so `--chunk-mib` can go past the default limit.
    static let chunkVariable = "KANDAS_BENCH_UPLOAD_CHUNK"
    static let nginxPort = 18_090

    static func run(_ arguments: Arguments) throws {
        if let dir = ProcessInfo.processInfo.environment[childVariable] {
            try serveChild(dataDirectory: dir)
            return
        }
        let sizeMiB = try arguments.int("size-mib", default: 1024)
        let runs = try arguments.int("runs", default: 3)
        let chunk = try arguments.int("chunk-mib", default: Limits.default.maxChunkBytes >> 20) << 20
        try arguments.checkAllUsed()
        for tool in ["nginx", "curl", "split"] where (try? runCommand("sh", ["-c", "command -v \(tool)"])) == nil {
            throw BenchmarkFailure(
                description: "\(tool) is missing: apt-get install nginx-light curl (make deps-bench)")
        }
        var template = Array("/tmp/kandas-bench-uploads-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try measureBoth(dir: dir, sizeMiB: sizeMiB, runs: runs, chunk: chunk)
    }

    private static func measureBoth(dir: String, sizeMiB: Int, runs: Int, chunk: Int) throws {
        let source = dir + "/source.bin"
        _ = try runCommand("sh", ["-c", "head -c \(sizeMiB)M /dev/urandom > \(source)"])
        // The payload must look like a video for the magic-bytes check: an MP4 `ftyp` box.
        let header: [UInt8] = [0, 0, 0, 0x18] + Array("ftypisomisomiso2avc1mp41".utf8)
        let fd = open(source, O_WRONLY)
        _ = header.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        close(fd)
        let sha = try SHA256.hash(fileAt: source).hex
        _ = try runCommand("split", ["-b", String(chunk), "-d", "-a", "4", source, dir + "/chunk-"])
        let chunks = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("chunk-") }.sorted()
        let checksums = try chunks.map { "sha256 " + (try SHA256.hash(fileAt: dir + "/" + $0)).base64 }

        let nginx = try startNginx(dir: dir)
        defer {
            kill(nginx.processIdentifier, SIGQUIT)
            nginx.waitUntilExit()
            Children.release(nginx.processIdentifier)
        }
        let (child, input, port) = try startChild(dir: dir + "/ours", chunk: chunk)
        defer {
            try? input.fileHandleForWriting.close()
            child.waitUntilExit()
            Children.release(child.processIdentifier)
        }
        let bytes = Double(sizeMiB) * 1_048_576
        var report = Report(
            title: "\(sizeMiB) MiB upload, \(chunk >> 20) MiB PATCHes, 127.0.0.1, curl",
            columns: ["run", "who", "s", "MB/s", "server CPU s"])
        var peer: [Double] = []
        var plain: [Double] = []
        var summed: [Double] = []
        var durable: [Double] = []
        var cpu: (peer: [Double], plain: [Double], summed: [Double]) = ([], [], [])
        for run in 0...runs {
            let d = try timed {
                _ = try runCommand(
                    "dd", ["if=\(source)", "of=\(dir)/dd.bin", "bs=\(chunk)", "conv=fdatasync", "status=none"])
            }
            try? FileManager.default.removeItem(atPath: dir + "/dd.bin")
            let nginxCPU0 = childrenCPUSeconds(nginx.processIdentifier)
            let n = try timed { try putToNginx(source: source, dir: dir) }
            let nginxCPU = childrenCPUSeconds(nginx.processIdentifier) - nginxCPU0
            // Server CPU seconds (all threads) move far less with the shared machine's load than
            // wall time does, so they show what a change costs or saves.
            let cpu0 = cpuSeconds(child.processIdentifier)
            let o = try timed {
                try tusUpload(port: port, dir: dir, chunks: chunks, checksums: nil, sha: sha, length: Int(bytes))
            }
            let cpu1 = cpuSeconds(child.processIdentifier)
            let c = try timed {
                try tusUpload(port: port, dir: dir, chunks: chunks, checksums: checksums, sha: sha, length: Int(bytes))
            }
            let cpu2 = cpuSeconds(child.processIdentifier)
            // Run 0 warms the page cache, the binaries and the connections; it is not counted.
            guard run > 0 else { continue }
            peer.append(bytes / n / 1e6)
            plain.append(bytes / o / 1e6)
            summed.append(bytes / c / 1e6)
            durable.append(bytes / d / 1e6)
            cpu.peer.append(nginxCPU)
            cpu.plain.append(cpu1 - cpu0)
            cpu.summed.append(cpu2 - cpu1)
            report.add([
                "\(run)", "dd bs=\(chunk >> 20)M conv=fdatasync (disk)", Report.format(d, 2),
                Report.format(bytes / d / 1e6, 0),
                "-",
            ])
            report.add([
                "\(run)", "nginx PUT (default buffers)", Report.format(n, 2), Report.format(bytes / n / 1e6, 0),
                Report.format(nginxCPU, 2),
            ])
            report.add([
                "\(run)", "ours tus", Report.format(o, 2), Report.format(bytes / o / 1e6, 0),
                Report.format(cpu1 - cpu0, 2),
            ])
            report.add([
                "\(run)", "ours tus + chunk sha256", Report.format(c, 2), Report.format(bytes / c / 1e6, 0),
                Report.format(cpu2 - cpu1, 2),
            ])
        }
        let hwm = statusKiB(child.processIdentifier, "VmHWM")
        let anon = statusKiB(child.processIdentifier, "RssAnon")
        let mapped = statusKiB(child.processIdentifier, "RssFile")
        report.print()
        print("nginx PUT: \(spread(peer)) MB/s (stores, no fsync, no hash)")
        print("dd conv=fdatasync: \(spread(durable)) MB/s (this disk's durable-write rate)")
        print("ours tus: \(spread(plain)) MB/s (fsync per chunk, SQLite offset, SHA-256)")
        print("ours tus + chunk sha256: \(spread(summed)) MB/s")
        print(
            "server CPU s per upload, median: nginx \(Report.format(median(cpu.peer), 2)), ours "
                + "\(Report.format(median(cpu.plain), 2)), ours + chunk sha256 \(Report.format(median(cpu.summed), 2))")
        print(Report.ratioLine("ours/nginx", ours: median(plain), peer: median(peer), target: 1.0))
        print(Report.ratioLine("ours+checksum/nginx", ours: median(summed), peer: median(peer), target: 1.0))
        print(
            "our server peak RSS (VmHWM, whole run): \(hwm / 1024) MiB (target < 64 MiB); "
                + "at the end: anonymous \(anon / 1024) MiB, mapped files \(mapped / 1024) MiB")
    }

    // MARK: peers

    private static func putToNginx(source: String, dir: String) throws {
        let target = dir + "/nginx/www/upload/up.bin"
        try? FileManager.default.removeItem(atPath: target)
        let out = try runCommand(
            "curl",
            [
                "-sS", "-f", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Expect:", "-T", source,
                "http://127.0.0.1:\(nginxPort)/upload/up.bin",
            ])
        guard out.standardOutput.hasPrefix("20") else {
            throw BenchmarkFailure(description: "nginx PUT answered \(out.standardOutput)")
        }
        try? FileManager.default.removeItem(atPath: target)
    }

    /// Creation plus every chunk in one curl process (one keep-alive connection).
    static func tusUpload(
        port: Int, dir: String, chunks: [String], checksums: [String]?, sha: String, length: Int,
        verified: ((String) throws -> Void)? = nil
    ) throws {
        let base = "http://127.0.0.1:\(port)/v1/uploads"
        let metadata = UploadMetadata(attachmentID: .random(), sha256: sha, contentType: "video/mp4", kind: .video)
        let common = ["-sS", "-H", "Expect:", "-H", "Tus-Resumable: 1.0.0", "-H", "Authorization: Bearer bench"]
        let created = try runCommand(
            "curl",
            common + [
                "-o", "/dev/null", "-D", "-", "-X", "POST", "-H", "Upload-Length: \(length)", "-H",
                "Upload-Metadata: \(metadata.headerValue)", base,
            ])
        guard
            let line = created.standardOutput.split(separator: "\r\n").first(where: {
                $0.lowercased().hasPrefix("location:")
            })
        else { throw BenchmarkFailure(description: "creation failed: \(created.standardOutput)") }
        let url = "http://127.0.0.1:\(port)" + line.dropFirst("location:".count).trimmingCharacters(in: .whitespaces)
        var args: [String] = []
        var offset = 0
        for (index, name) in chunks.enumerated() {
            if index > 0 { args.append("--next") }
            args +=
                common + [
                    "-o", "/dev/null", "-w", "%{http_code}\n", "-X", "PATCH", "-H",
                    "Content-Type: application/offset+octet-stream", "-H", "Upload-Offset: \(offset)", "-T",
                    dir + "/" + name,
                ]
            if let checksums { args += ["-H", "Upload-Checksum: \(checksums[index])"] }
            args.append(url)
            offset += Int((try FileManager.default.attributesOfItem(atPath: dir + "/" + name)[.size] as? Int) ?? 0)
        }
        let out = try runCommand("curl", args)
        let codes = out.standardOutput.split(separator: "\n")
        guard codes.count == chunks.count, codes.allSatisfy({ $0 == "204" }) else {
            throw BenchmarkFailure(description: "tus PATCHes answered \(codes.suffix(3))")
        }
        if let verified { return try verified(sha) }
        let blob = dir + "/ours/blobs/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha)"
        guard FileManager.default.fileExists(atPath: blob) else {
            throw BenchmarkFailure(description: "the upload was not verified into the blob store")
        }
        // The next run must store the blob again, not find it already there.
        try FileManager.default.removeItem(atPath: blob)
    }

    static func startNginx(dir: String) throws -> Process {
        for sub in ["www/upload", "body_temp", "logs"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/nginx/\(sub)", withIntermediateDirectories: true)
        }
        let config = """
            daemon off;
            user root;
            worker_processes 2;
            pid \(dir)/nginx/nginx.pid;
            error_log \(dir)/nginx/logs/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(dir)/nginx/body_temp;
                proxy_temp_path \(dir)/nginx/body_temp;
                fastcgi_temp_path \(dir)/nginx/body_temp;
                uwsgi_temp_path \(dir)/nginx/body_temp;
                scgi_temp_path \(dir)/nginx/body_temp;
                server {
                    listen 127.0.0.1:\(nginxPort);
                    root \(dir)/nginx/www;
                    location /upload/ {
                        dav_methods PUT;
                        create_full_put_path on;
                        client_max_body_size 0;
                        client_body_timeout 60s;
                    }
                }
            }
            """
        try config.write(toFile: "\(dir)/nginx/nginx.conf", atomically: true, encoding: .utf8)
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = ["-c", "\(dir)/nginx/nginx.conf", "-p", "\(dir)/nginx"]
        nginx.standardError = FileHandle.nullDevice
        try Children.start(nginx)
        for _ in 0..<100 {
            let probe = try? runCommand(
                "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(nginxPort)/"])
            if probe != nil { break }
            usleep(50_000)
        }
        // nginx exits at once when its port is taken (another uploads or field-day run on this
        // machine), and the probe may have reached that other nginx: fail clearly instead.
        usleep(100_000)
        guard nginx.isRunning else {
            throw BenchmarkFailure(
                description: "nginx did not start on 127.0.0.1:\(nginxPort) (is another benchmark using the port?)")
        }
        return nginx
    }

    static func startChild(
        dir: String, chunk: Int, environment: [String: String] = [:]
    ) throws -> (Process, Pipe, Int) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["uploads"]
        child.environment = ProcessInfo.processInfo.environment.merging([
            childVariable: dir, chunkVariable: String(chunk),
        ]) { $1 }.merging(environment) { $1 }
        let out = Pipe()
        let input = Pipe()
        child.standardOutput = out
        child.standardInput = input
        try Children.start(child)
        var line = Data()
        while true {
            let d = out.fileHandleForReading.readData(ofLength: 1)
            if d.isEmpty || d.first == 0x0A { break }
            line.append(d)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
            throw BenchmarkFailure(description: "our server did not start: \(text)")
        }
        return (child, input, port)
    }

    /// The child: the upload store and tus routes on a real HTTP server, until stdin closes.
    private static func serveChild(dataDirectory: String) throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let pool = try SQLiteEngine(
            path: dataDirectory + "/kandas.sqlite", readers: 2, migrations: UploadStore.standaloneMigrations)
        var uploads = UploadConfiguration(dataDirectory: dataDirectory)
        if let bytes = ProcessInfo.processInfo.environment[chunkVariable].flatMap(Int64.init) {
            uploads.maxChunkBytes = bytes
        }
        let store = try UploadStore(
            database: pool, configuration: uploads, blobs: try S3UploadBenchmark.childBlobStore(), logger: .disabled)
        var router = Router()
        TusHandlers(store: store).register(on: &router) { _ throws(HTTPError) in "bench" }
        var config = HTTPServer.Configuration(listen: [HTTPServer.ListenAddress(host: "127.0.0.1", port: 0)])
        config.eventLoops = 2
        config.handlerThreads = 4
        let server = HTTPServer(configuration: config, router: router, logger: .disabled)
        try server.start()
        print("port \(server.boundPort!)")
        fflush(nil)
        while readLine() != nil {}
        exit(0)
    }

    // MARK: helpers

    static func timed(_ body: () throws -> Void) throws -> Double {
        try measure(body).seconds
    }

    /// `median M (min A, max B)`: the shared machine is noisy, so the spread is part of the figure.
    static func spread(_ values: [Double]) -> String {
        "median \(Report.format(median(values), 0)) (min \(Report.format(values.min() ?? 0, 0)), "
            + "max \(Report.format(values.max() ?? 0, 0)))"
    }

    /// User plus system CPU seconds of a process, all threads (`/proc/PID/stat` fields 14-15).
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds of a process's children (nginx's workers), summed.
    private static func childrenCPUSeconds(_ parent: Int32) -> Double {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap(Int32.init) ?? []
        return pids.reduce(0) { sum, pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return sum }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, Int32(fields[1]) == parent else { return sum }
            return sum + cpuSeconds(pid)
        }
    }

    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// A `/proc/PID/status` field in KiB (`VmHWM`, `RssAnon`...).
    static func statusKiB(_ pid: Int32, _ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}
