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

    /// The index by segment count and first two literals gives what a walk over every route gave:
    /// routes with a parameter or `*` up front still compete, ties go to the route added first,
    /// and 405 lists every fitting route's method in the order they were added.
    @Test func indexedRoutes_matchAsAWalkOverEveryRouteWould() {
        var r = Router()
        r.add(.post, "/:tenant/files/new") { _ in .text("tenant") }
        r.add(.get, "/v1/files/:id") { _ in .text("param") }
        r.add(.get, "/v1/*") { _ in .text("rest") }
        r.add(.delete, "/v1/files/:id") { _ in .text("delete") }
        r.add(.get, "/v1/other/:id") { _ in .text("other") }
        #expect(pattern(r.match(method: .get, path: "/v1/files/new")) == "/v1/files/:id")
        #expect(pattern(r.match(method: .post, path: "/v1/files/new")) == "/:tenant/files/new")
        #expect(pattern(r.match(method: .get, path: "/v1/files/1/2")) == "/v1/*")
        #expect(pattern(r.match(method: .get, path: "/v1/other/1")) == "/v1/other/:id")
        #expect(pattern(r.match(method: .get, path: "/x")) == nil)
        guard case .methodNotAllowed(let allow) = r.match(method: .put, path: "/v1/files/new") else {
            Issue.record("expected 405")
            return
        }
        #expect(allow == [.post, .get, .delete, .head])
    }
}
