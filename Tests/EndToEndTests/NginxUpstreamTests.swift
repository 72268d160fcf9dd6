import Foundation
import KandasTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The README's nginx `upstream` configuration, run as written (TLS lines dropped, addresses made
/// loopback) in front of two `kandas-server` instances on one store.
@Suite(.serialized) struct NginxUpstreamTests {
    @Test func readmeUpstreamConfig_servesBothInstances_andKeepsServingAfterOneIsKilled() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else {
            Issue.record("nginx is not installed (make deps-test installs nginx-light)")
            return
        }
        let first = try ServerProcess()
        defer { first.cleanup() }
        let second = try first.launchAnotherInstance()
        defer { second.process.stop() }
        let proxy = try Nginx(block: try Self.readmeBlock(), upstreams: [first.port, second.port])
        defer { proxy.stop() }
        let viaProxy = TestHTTPClient(port: proxy.port)
        let admin = try #require(first.seed?.users.first { $0.value.role == "national_admin" }?.key)
        let password = first.seed?.password ?? ""
        let login = "{\"username\":\"\(admin)\",\"password\":\"\(password)\"}"

        // A session made through the proxy lives in the store: both instances accept its token.
        let response = try viaProxy.json("POST", "/v1/auth/login", login)
        #expect(response.status == 200)
        let token = try #require(response.object["access_token"] as? String)
        #expect(try first.client.authorized(token).get("/v1/auth/me").status == 200)
        #expect(try TestHTTPClient(port: second.port).authorized(token).get("/v1/auth/me").status == 200)
        for _ in 0..<6 { #expect(try viaProxy.authorized(token).get("/v1/auth/me").status == 200) }

        // kill -9 of one instance: every request, reads and POSTs alike, still succeeds through the other.
        second.process.kill()
        for _ in 0..<6 {
            #expect(try viaProxy.authorized(token).get("/v1/auth/me").status == 200)
            #expect(try viaProxy.json("POST", "/v1/auth/login", login).status == 200)
        }
    }

    /// The ```nginx block of the README that defines `upstream kandas`.
    static func readmeBlock() throws -> String {
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

/// nginx in the foreground with a configuration of its own in a temporary prefix.
private final class Nginx {
    let process: ChildProcess
    let port: Int
    let prefix: String

    init(block: String, upstreams: [Int]) throws {
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

    func stop() {
        process.signal(SIGQUIT)
        try? FileManager.default.removeItem(atPath: prefix)
    }
}
