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
        let second = try SecondInstance(dataDirectory: first.dataDirectory)
        defer { second.stop() }
        let proxy = try NginxProxy(block: try NginxProxy.readmeBlock(), upstreams: [first.port, second.port])
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
        second.crash()
        for _ in 0..<6 {
            #expect(try viaProxy.authorized(token).get("/v1/auth/me").status == 200)
            #expect(try viaProxy.json("POST", "/v1/auth/login", login).status == 200)
        }
    }
}

/// A second `serve` on the first instance's data folder.
private final class SecondInstance {
    let process = Process()
    let port: Int
    private var stopped = false

    init(dataDirectory: String) throws {
        let portFile = dataDirectory + "/port-second"
        process.executableURL = URL(fileURLWithPath: try ServerProcess.binary())
        process.arguments = [
            "serve", "--data", dataDirectory, "--password-iterations", "1000", "--log-level", "warning",
            "--listen", "127.0.0.1:0", "--port-file", portFile,
        ]
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KANDAS_") }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var found: Int?
        for _ in 0..<600 where found == nil && process.isRunning {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
                let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                (try? TestHTTPClient(port: n).get("/readyz").status) == 200
            {
                found = n
            } else {
                usleep(50_000)
            }
        }
        guard let found else {
            if process.isRunning { process.terminate() }
            throw TestSupportError("the second kandas-server never became ready")
        }
        port = found
    }

    func crash() {
        guard !stopped else { return }
        stopped = true
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
