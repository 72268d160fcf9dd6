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
        guard NginxProxy.isInstalled else {
            Issue.record("nginx is not installed (make deps-test installs nginx-light)")
            return
        }
        let first = try ServerProcess()
        defer { first.cleanup() }
        let second = try first.launchAnotherInstance()
        defer { second.process.stop() }
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
        second.process.kill()
        for _ in 0..<6 {
            #expect(try viaProxy.authorized(token).get("/v1/auth/me").status == 200)
            #expect(try viaProxy.json("POST", "/v1/auth/login", login).status == 200)
        }
    }
}
