import Testing

@testable import HTTPServer

@Suite struct HTTPHeadersTests {
    @Test func lookup_isCaseInsensitive_andRepeatedFieldsAreKept() {
        var h = HTTPHeaders()
        h.add("Set-Cookie", "a=1")
        h.add("set-cookie", "b=2")
        h.add("Content-Type", "text/plain")
        #expect(h["SET-COOKIE"] == "a=1")
        #expect(h.values("Set-Cookie") == ["a=1", "b=2"])
        h["content-type"] = "application/json"
        #expect(h.values("Content-Type") == ["application/json"])
        #expect(h.count == 3)
    }

    @Test func tokens_splitCommaLists() {
        let h: HTTPHeaders = ["Connection": "keep-alive, Upgrade", "connection": " close "]
        #expect(h.tokens("Connection") == ["keep-alive", "upgrade", "close"])
    }

    @Test func namesDifferingOnlyInNonLetters_areDifferent() {
        #expect(!HTTPHeaders.sameName("a-b", "a_b"))
        #expect(!HTTPHeaders.sameName("a@", "a`"))
        #expect(HTTPHeaders.sameName("X-Request-ID", "x-request-id"))
    }
}
