import Foundation
import Testing

@testable import HTTPServer

@Suite struct HTTPServerTests {
    static func router() -> Router {
        var r = Router()
        r.add(.get, "/hello/:name") { req in .text("hello \(req.parameter("name")!)") }
        r.add(.post, "/echo") { req in .bytes(req.bodyBytes) }
        return r
    }

    @Test func curlGet_isAnswered() async throws {
        let s = try TestServer(router: Self.router())
        let (status, out) = try run(["curl", "-sS", "\(s.url)/hello/world"])
        #expect(status == 0)
        #expect(out == "hello world")
        await s.stop()
    }
}
