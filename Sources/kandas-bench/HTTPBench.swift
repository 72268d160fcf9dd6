import Foundation
import Glibc

/// One run of the HTTP benchmark: starts nginx and our server, measures, prints a table.
final class HTTPBench {
    let dir: String
    let duration: Int
    let runs: Int
    let uploadMiB: Int
    let nginx: Process
    let ours: Process
    let oursInput = Pipe()
    let nginxPort = 18089
    let oursPort: Int

    init(duration: Int, runs: Int, uploadMiB: Int, loops: Int, handlers: Int) throws {
        self.duration = duration
        self.runs = runs
        self.uploadMiB = uploadMiB
        var template = Array("/tmp/kandas-bench-http-XXXXXX".utf8CString)
        dir = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
        for sub in ["www/upload", "body_temp", "logs"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/nginx/\(sub)", withIntermediateDirectories: true)
        }
        chmod(dir, 0o777)
        try Data(HTTPBenchChild.smallJSON).write(to: URL(fileURLWithPath: "\(dir)/nginx/www/small.json"))
        try Self.nginxConfig(dir: dir, port: nginxPort).write(
            toFile: "\(dir)/nginx/nginx.conf", atomically: true, encoding: .utf8)
        _ = try BenchShell.run("chmod -R 777 \(dir)/nginx")
        nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = ["-c", "\(dir)/nginx/nginx.conf", "-p", "\(dir)/nginx"]
        nginx.standardError = FileHandle.nullDevice
        try Children.start(nginx)

        ours = Process()
        ours.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        ours.arguments = ["http", "--serve-child", dir, String(loops), String(handlers)]
        let out = Pipe()
        ours.standardOutput = out
        ours.standardInput = oursInput
        try Children.start(ours)
        let line = String(decoding: out.fileHandleForReading.availableDataUntilNewline(), as: UTF8.self)
        guard line.hasPrefix("port "), let p = Int(line.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw BenchError("our server did not start: \(line)")
        }
        oursPort = p
        // nginx needs a moment to bind; wait until it answers.
        for _ in 0..<100 {
            if (try? BenchShell.run("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:\(nginxPort)/small.json"))
                == "200"
            {
                break
            }
            usleep(50_000)
        }
    }

    static func nginxConfig(dir: String, port: Int) -> String {
        """
        daemon off;
        user root;
        worker_processes 2;
        pid \(dir)/nginx/nginx.pid;
        error_log \(dir)/nginx/logs/error.log warn;
        events { worker_connections 4096; }
        http {
            access_log off;
            sendfile on;
            tcp_nopush on;
            keepalive_requests 1000000;
            keepalive_timeout 65;
            client_body_temp_path \(dir)/nginx/body_temp;
            proxy_temp_path \(dir)/nginx/body_temp;
            fastcgi_temp_path \(dir)/nginx/body_temp;
            uwsgi_temp_path \(dir)/nginx/body_temp;
            scgi_temp_path \(dir)/nginx/body_temp;
            server {
                listen 127.0.0.1:\(port);
                root \(dir)/nginx/www;
                location /upload-bigbuf/ {
                    alias \(dir)/nginx/www/upload/;
                    dav_methods PUT;
                    create_full_put_path on;
                    client_max_body_size 0;
                    client_body_timeout 60s;
                    client_body_buffer_size 1m;
                }
                location = /small.json { default_type application/json; }
            }
        }
        """
    }

    func cleanUp() {
        try? oursInput.fileHandleForWriting.close()
        ours.waitUntilExit()
        Children.release(ours.processIdentifier)
        kill(nginx.processIdentifier, SIGQUIT)
        nginx.waitUntilExit()
        Children.release(nginx.processIdentifier)
        try? FileManager.default.removeItem(atPath: dir)
    }

    func runAll(only: String?) throws {
        print("kandas-bench http: nginx (worker_processes 2) vs ours, 127.0.0.1, \(runs) timed run(s) per figure")
        if only == nil || only == "small" { try smallRequests() }
        if only == nil || only == "idle" { try idleConnections() }
        if only == nil || only == "upload" { try upload() }
    }

    // MARK: small JSON under wrk

    struct WrkResult {
        var rps: Double
        var p99ms: Double
    }

    func wrk(_ port: Int, seconds: Int) throws -> WrkResult {
        let out = try BenchShell.run(
            "timeout \(seconds + 20) wrk -t2 -c64 -d\(seconds)s --latency http://127.0.0.1:\(port)/small.json")
        var rps = 0.0
        var p99 = 0.0
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.first == "Requests/sec:", parts.count > 1 { rps = Double(parts[1]) ?? 0 }
            if parts.first == "99%", parts.count > 1 { p99 = Self.milliseconds(String(parts[1])) }
            if line.contains("Non-2xx") || line.contains("Socket errors") { print("  wrk: \(line)") }
        }
        return WrkResult(rps: rps, p99ms: p99)
    }

    static func milliseconds(_ s: String) -> Double {
        if s.hasSuffix("us") { return (Double(s.dropLast(2)) ?? 0) / 1000 }
        if s.hasSuffix("ms") { return Double(s.dropLast(2)) ?? 0 }
        if s.hasSuffix("s") { return (Double(s.dropLast(1)) ?? 0) * 1000 }
        return 0
    }

    func smallRequests() throws {
        _ = try wrk(nginxPort, seconds: 3)
        _ = try wrk(oursPort, seconds: 3)
        var n: [WrkResult] = []
        var o: [WrkResult] = []
        for _ in 0..<runs {
            n.append(try wrk(nginxPort, seconds: duration))
            o.append(try wrk(oursPort, seconds: duration))
        }
        let nr = median(n.map(\.rps))
        let orps = median(o.map(\.rps))
        let np = median(n.map(\.p99ms))
        let op = median(o.map(\.p99ms))
        print("small JSON, wrk -t2 -c64 -d\(duration)s (median of \(runs)):")
        print(
            String(
                format: "  nginx  %8.0f req/s  p99 %6.2f ms   runs: %@", nr, np,
                n.map { String(format: "%.0f", $0.rps) }.joined(separator: ",")))
        print(
            String(
                format: "  ours   %8.0f req/s  p99 %6.2f ms   runs: %@", orps, op,
                o.map { String(format: "%.0f", $0.rps) }.joined(separator: ",")))
        print(String(format: "  ratio  req/s %.2f (target >= 0.60)   p99 %.2fx (target <= 2x)", orps / nr, op / np))
    }

    // MARK: idle connections

    func idleConnections() throws {
        let oursBefore = rssKiB(ours.processIdentifier).rss
        let held = try openKeepAlive(1000, port: oursPort)
        let oursDuring = rssKiB(ours.processIdentifier).rss
        for fd in held { close(fd) }
        let nginxHeld = try openKeepAlive(1000, port: nginxPort)
        let workers = childPIDs(nginx.processIdentifier)
        let nginxDuring = workers.map { rssKiB($0).rss }.reduce(0, +)
        for fd in nginxHeld { close(fd) }
        print("1,000 idle keep-alive connections held:")
        print("  ours   RSS \(oursDuring / 1024) MiB (before \(oursBefore / 1024) MiB; target < 32 MiB)")
        print("  nginx  RSS \(nginxDuring / 1024) MiB (sum of \(workers.count) workers)")
    }

    /// Opens `count` connections, makes one request on each so they are real keep-alive connections.
    func openKeepAlive(_ count: Int, port: Int) throws -> [Int32] {
        var fds: [Int32] = []
        let request = Array("GET /small.json HTTP/1.1\r\nHost: bench\r\n\r\n".utf8)
        var buf = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let r = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard r == 0 else { throw BenchError("connect failed: errno \(errno)") }
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            _ = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            fds.append(fd)
        }
        return fds
    }

    // MARK: upload

    func upload() throws {
        let source = "\(dir)/source.bin"
        _ = try BenchShell.run("head -c \(uploadMiB)M /dev/urandom > \(source) && cat \(source) > /dev/null")
        let bytes = Double(uploadMiB) * 1048576
        func put(_ url: String, target: String) throws -> Double {
            _ = try? FileManager.default.removeItem(atPath: target)
            _ = try BenchShell.run("sync")
            let out = try BenchShell.run(
                "timeout 600 curl -sS -f -o /dev/null -w '%{http_code} %{time_total}' -T \(source) \(url)")
            let parts = out.split(separator: " ")
            guard parts.count == 2, parts[0].hasPrefix("20"), let t = Double(parts[1]) else {
                throw BenchError("upload to \(url) failed: \(out)")
            }
            try? FileManager.default.removeItem(atPath: target)
            return bytes / t / 1e6
        }
        let nginxURL = "http://127.0.0.1:\(nginxPort)/upload-bigbuf/up.bin"
        let nginxTarget = "\(dir)/nginx/www/upload/up.bin"
        let oursURL = "http://127.0.0.1:\(oursPort)/upload/up.bin"
        let oursTarget = "\(dir)/ours-up.bin"
        _ = try put(nginxURL, target: nginxTarget)
        _ = try put(oursURL, target: oursTarget)
        var n: [Double] = []
        var o: [Double] = []
        for _ in 0..<runs {
            n.append(try put(nginxURL, target: nginxTarget))
            o.append(try put(oursURL, target: oursTarget))
        }
        let hwm = rssKiB(ours.processIdentifier).hwm
        let nginxHWM = childPIDs(nginx.processIdentifier).map { rssKiB($0).hwm }.max() ?? 0
        try? FileManager.default.removeItem(atPath: source)
        print("\(uploadMiB) MiB upload with curl -T, written to disk (median of \(runs)):")
        print(
            String(
                format: "  nginx  %7.0f MB/s (client_body_buffer_size 1m)   runs: %@   worker peak RSS %d MiB",
                median(n), n.map { String(format: "%.0f", $0) }.joined(separator: ","), nginxHWM / 1024))
        print(
            String(
                format:
                    "  ours   %7.0f MB/s (1 MiB reads, streaming consumer) runs: %@   peak RSS %d MiB (whole run; target < 64)",
                median(o), o.map { String(format: "%.0f", $0) }.joined(separator: ","), hwm / 1024))
        print(String(format: "  ratio  %.2f (target >= 0.80)", median(o) / median(n)))
    }

    // MARK: helpers

    func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        guard !s.isEmpty else { return 0 }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    func rssKiB(_ pid: Int32) -> (rss: Int, hwm: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        var rss = 0
        var hwm = 0
        for line in status.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if line.hasPrefix("VmRSS:"), parts.count > 1 { rss = Int(parts[1]) ?? 0 }
            if line.hasPrefix("VmHWM:"), parts.count > 1 { hwm = Int(parts[1]) ?? 0 }
        }
        return (rss, hwm)
    }

    func childPIDs(_ pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }
    }
}

/// Small shell helpers for the benchmarks.
enum BenchShell {
    static func exists(_ tool: String) -> Bool {
        ((try? run("command -v \(tool)")) ?? "").isEmpty == false
    }

    /// Runs a shell command and returns its standard output, trimmed.
    static func run(_ command: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try Children.start(p)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        Children.release(p.processIdentifier)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension FileHandle {
    /// Reads byte by byte up to a newline (the child's one-line handshake).
    func availableDataUntilNewline() -> Data {
        var out = Data()
        while true {
            let d = readData(ofLength: 1)
            if d.isEmpty || d.first == 0x0A { return out }
            out.append(d)
        }
    }
}
