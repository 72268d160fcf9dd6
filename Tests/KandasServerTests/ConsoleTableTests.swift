import Foundation
import KandasTestSupport
import Testing

@testable import KandasServer

/// Every console route from ``ConsoleTable/all``: no session, a reader without write rights,
/// and a forged form are all refused before the handler runs.
@Suite(.serialized) final class ConsoleTableTests {
    let server: ServerProcess

    init() throws { server = try ServerProcess() }

    /// The route's pattern with every parameter replaced by a UUID nobody has.
    static func path(_ route: ConsoleRoute) -> String {
        route.pattern.split(separator: "/").map { $0.hasPrefix(":") ? "00000000-0000-4000-8000-000000000000" : $0 }
            .reduce("") { $0 + "/" + $1 }
    }

    @Test func everyStaffRoute_withoutSession_redirectsOrRefuses() throws {
        var c = ConsoleClient(port: server.port)
        for route in ConsoleTable.all where route.access != .open {
            let path = Self.path(route)
            let r = route.method == .get ? try c.get(path) : try c.post(path, [("csrf", "x")])
            if route.method == .get {
                #expect(r.status == 303, "\(route.pattern)")
                #expect(r.headers["location"]?.hasPrefix("/console/login?next=") == true, "\(route.pattern)")
            } else {
                #expect(r.status == 401, "\(route.pattern)")
            }
        }
    }

    @Test func everyWriteRoute_forAnAuditor_is403() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("auditor")
        let csrf = try c.csrf()
        let writes = ConsoleTable.all.filter { !$0.roles.contains(.auditor) && $0.access != .open }
        #expect(!writes.isEmpty)
        for route in writes {
            let r = try c.post(Self.path(route), [("csrf", csrf)])
            #expect(r.status == 403, "\(route.pattern)")
        }
    }

    @Test func everyForm_withoutCSRF_is403EvenForAWriter() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        for route in ConsoleTable.all where route.isForm && route.access != .open {
            let r = try c.post(Self.path(route), [("reason", "x")])
            #expect(r.status == 403, "\(route.pattern)")
        }
    }

    @Test func everyPage_sendsTheSecurityHeaders() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        let r = try c.get("/console/devices")
        #expect(r.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(r.headers["x-content-type-options"] == "nosniff")
        #expect(r.headers["cache-control"] == "no-store")
    }
}
