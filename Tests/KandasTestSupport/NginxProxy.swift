import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// nginx in the foreground with a configuration of its own in a temporary prefix: a ```nginx
/// block of the README run as written (TLS lines dropped, its two upstream addresses and its
/// `listen` made loopback), in front of test instances.
///
/// `@unchecked Sendable`: set in `init`, then only `stop()` touches the process.
public final class NginxProxy: @unchecked Sendable {
    let process: ChildProcess
    public let port: Int
    let prefix: String

    /// Whether nginx is installed (`make deps-test` installs nginx-light).
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") }

    public init(block: String, upstreams: [Int]) throws {
        prefix = FileManager.default.temporaryDirectory.appendingPathComponent("kandas-nginx-\(UUID())").path
        try FileManager.default.createDirectory(atPath: prefix, withIntermediateDirectories: true)
        port = try Loopback.freePort()
        var lines: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("ssl_") { continue }  // plain HTTP on loopback in the test
            if trimmed.hasPrefix("listen ") {
                lines.append("    listen 127.0.0.1:\(port);")
                continue
            }
            lines.append(
                String(line).replacingOccurrences(of: "10.0.0.11:8080", with: "127.0.0.1:\(upstreams[0])")
                    .replacingOccurrences(of: "10.0.0.12:8080", with: "127.0.0.1:\(upstreams[1])"))
        }
        let config = """
            \(geteuid() == 0 ? "user root;" : "")
            daemon off;
            worker_processes 1;
            pid \(prefix)/nginx.pid;
            error_log \(prefix)/error.log warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path \(prefix)/body;
                proxy_temp_path \(prefix)/proxy;
                fastcgi_temp_path \(prefix)/fastcgi;
                uwsgi_temp_path \(prefix)/uwsgi;
                scgi_temp_path \(prefix)/scgi;
            \(lines.joined(separator: "\n"))
            }
            """
        try config.write(toFile: prefix + "/nginx.conf", atomically: true, encoding: .utf8)
        process = try ProcessRunner.spawn(
            "/usr/sbin/nginx", ["-p", prefix, "-c", prefix + "/nginx.conf", "-e", prefix + "/error.log"],
            errors: .file(prefix + "/stderr.log"))
        for _ in 0..<200 {
            if (try? TestHTTPClient(port: port).get("/healthz").status) == 200 { return }
            if !process.isRunning { break }
            usleep(50_000)
        }
        let log =
            ((try? String(contentsOfFile: prefix + "/error.log", encoding: .utf8)) ?? "")
            + ((try? String(contentsOfFile: prefix + "/stderr.log", encoding: .utf8)) ?? "")
        stop()
        throw TestSupportError("nginx did not start: \(log.suffix(600))")
    }

    public func stop() {
        process.signal(SIGQUIT)
        try? FileManager.default.removeItem(atPath: prefix)
    }

    /// The ```nginx block of the README that defines `upstream kandas`.
    public static func readmeBlock() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        for block in readme.components(separatedBy: "```nginx\n").dropFirst() {
            let body = block.components(separatedBy: "\n```").first ?? ""
            if body.contains("upstream kandas") { return body }
        }
        throw TestSupportError("README.md has no ```nginx block with 'upstream kandas'")
    }
}
