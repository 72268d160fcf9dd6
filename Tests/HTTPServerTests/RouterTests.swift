import Testing

@testable import HTTPServer

@Suite struct RouterTests {
    static func router() -> Router {
        var r = Router()
        r.add(.get, "/v1/files/:id") { _ in .text("param") }
        r.add(.get, "/v1/files/new") { _ in .text("literal") }
        r.add(.put, "/v1/files/:id") { _ in .text("put") }
        r.add(.get, "/static/*") { _ in .text("rest") }
        return r
    }

    func pattern(_ m: Router.Match) -> String? {
        if case .found(let route, _) = m { return route.pattern }
        return nil
    }

    @Test func literalSegment_beatsAParameter() {
        #expect(pattern(Self.router().match(method: .get, path: "/v1/files/new")) == "/v1/files/new")
        #expect(pattern(Self.router().match(method: .get, path: "/v1/files/42")) == "/v1/files/:id")
    }

    @Test func parameters_andTheRest_areBound() {
        guard case .found(_, let params) = Self.router().match(method: .get, path: "/v1/files/42") else {
            Issue.record("no match")
            return
        }
        #expect(params == ["id": "42"])
        guard case .found(_, let rest) = Self.router().match(method: .get, path: "/static/a/b.css") else {
            Issue.record("no match")
            return
        }
        #expect(rest["*"] == "a/b.css")
    }

    @Test func head_usesTheGetRoute() {
        #expect(pattern(Self.router().match(method: .head, path: "/v1/files/1")) == "/v1/files/:id")
    }

    @Test func explicitHeadRoute_beatsTheGetFallback() {
        var r = Self.router()
        r.add(.head, "/v1/files/:id") { _ in .init() }
        guard case .found(let route, _) = r.match(method: .head, path: "/v1/files/1") else {
            Issue.record("no match")
            return
        }
        #expect(route.method == .head)
    }

    @Test func wrongMethod_listsTheAllowedOnes() {
        guard case .methodNotAllowed(let allow) = Self.router().match(method: .delete, path: "/v1/files/1") else {
            Issue.record("expected 405")
            return
        }
        #expect(allow == [.get, .put, .head])
    }

    @Test func unknownPath_isNotFound_andExtraSegmentsDoNotMatch() {
        guard case .notFound = Self.router().match(method: .get, path: "/v1/files/1/extra") else {
            Issue.record("expected 404")
            return
        }
    }
}
