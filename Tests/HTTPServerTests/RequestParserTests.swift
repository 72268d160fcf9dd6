import Testing

@testable import HTTPServer

/// One message as the parser reported it.
struct ParsedMessage {
    var head: RequestHead?
    var body: [UInt8] = []
    var trailers: HTTPHeaders?
}

/// Feeds `chunks` the way a connection does (keeping unconsumed bytes, appending new ones).
func drive(
    _ chunks: [[UInt8]], limits: RequestParser.Limits = RequestParser.Limits()
) -> Result<
    [ParsedMessage], HTTPError
> {
    var parser = RequestParser(limits: limits)
    var buffer: [UInt8] = []
    var done: [ParsedMessage] = []
    var current = ParsedMessage()
    for chunk in chunks {
        buffer += chunk
        while true {
            let result = buffer.withUnsafeBytes { raw in Result { () throws(HTTPError) in try parser.feed(raw) } }
            let step: RequestParser.Step
            switch result {
            case .success(let s): step = s
            case .failure(let e): return .failure(e)
            }
            precondition(step.consumed <= buffer.count)
            switch step.event {
            case .head(let h)?: current.head = h
            case .body(let r)?: current.body += buffer[r]
            case .end(let t)?:
                current.trailers = t
                done.append(current)
                current = ParsedMessage()
                parser.reset()
            case nil: break
            }
            buffer.removeFirst(step.consumed)
            if step.event == nil && step.consumed == 0 { break }
        }
    }
    return .success(done)
}

func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A stable summary of parsed messages, to compare one split against another.
func summary(_ messages: [ParsedMessage]) -> String {
    messages.map { m in
        let h = m.head!
        return
            "\(h.method) \(h.path) \(h.query.map { "\($0.name)=\($0.value ?? "nil")" }) \(h.version) \(h.framing) ka=\(h.keepAlive) ec=\(h.expectContinue) hdrs=\(h.headers.count) body=\(String(decoding: m.body, as: UTF8.self)) trailers=\(m.trailers?.description ?? "-")"
    }.joined(separator: "\n")
}

@Suite struct RequestParserTests {
    static let requests: [String] = [
        "GET /v1/families/42?since=3&q=a+b%20c HTTP/1.1\r\nHost: example\r\nAccept: */*\r\nX-Request-ID: abc\r\n\r\n",
        "POST /v1/push HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\nContent-Type: application/json\r\n\r\n{\"a\":[1,2]}",
        "PATCH /files/1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nChecksum: x\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
        "GET http://example.com/x/y?z=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
        "PUT /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "\r\nGET /after-crlf HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ]

    @Test(arguments: requests)
    func everySplitPoint_givesTheSameMessages(_ request: String) throws {
        let all = bytes(request)
        let whole = try drive([all]).get()
        #expect(!whole.isEmpty)
        for i in 0...all.count {
            let split = try drive([Array(all[0..<i]), Array(all[i...])]).get()
            #expect(summary(split) == summary(whole), "split at \(i)")
        }
        let byteByByte = try drive(all.map { [$0] }).get()
        #expect(summary(byteByByte) == summary(whole))
    }

    @Test func getRequest_isParsedWithDecodedPathAndQuery() throws {
        let m = try drive([bytes(Self.requests[0])]).get()
        let h = try #require(m.first?.head)
        #expect(h.method == .get)
        #expect(h.path == "/v1/families/42")
        #expect(h.query == [.init(name: "since", value: "3"), .init(name: "q", value: "a b c")])
        #expect(h.headers["x-request-id"] == "abc")
        #expect(h.keepAlive)
    }

    @Test func chunkedBody_isDecodedWithTrailers() throws {
        let m = try drive([bytes(Self.requests[2])]).get()
        #expect(String(decoding: m[0].body, as: UTF8.self) == "hello world")
        #expect(m[0].trailers?["checksum"] == "x")
    }

    @Test func pipelinedRequests_areParsedInOrder() throws {
        let m = try drive([bytes(Self.requests[3])]).get()
        #expect(m.map { $0.head!.path } == ["/a", "/b"])
        #expect(m[1].head!.keepAlive == false)
    }

    @Test func http10_isCloseByDefault_andNeedsNoHost() throws {
        let h = try #require(drive([bytes(Self.requests[4])]).get().first?.head)
        #expect(h.version == .http1_0)
        #expect(!h.keepAlive)
    }

    @Test func absoluteForm_takesThePathAndQuery() throws {
        let h = try #require(drive([bytes(Self.requests[5])]).get().first?.head)
        #expect(h.path == "/x/y")
        #expect(h.query.first?.value == "1")
    }

    /// Targets the byte-level origin-form path reads and targets it leaves to the general one: the
    /// same paths, query items and refusals either way.
    @Test func requestTargets_decodeAndRefuse_alike() throws {
        typealias Q = HTTPRequest.QueryItem
        let accepted: [(String, String, [Q])] = [
            ("/", "/", []),
            ("/a//b/", "/a//b/", []),
            (
                "/v1/sync/pull?cursor=abc.def&limit=5", "/v1/sync/pull",
                [Q(name: "cursor", value: "abc.def"), Q(name: "limit", value: "5")]
            ),
            ("/p?", "/p", []),
            ("/p?&&a&b=&=c", "/p", [Q(name: "a", value: nil), Q(name: "b", value: ""), Q(name: "", value: "c")]),
            ("/p?x=a+b%20c&y=1=2", "/p", [Q(name: "x", value: "a b c"), Q(name: "y", value: "1=2")]),
            ("/.../..a/.b", "/.../..a/.b", []),
            ("/caf%C3%A9/x%20y", "/café/x y", []),
            ("/p?q=%C3%A9", "/p", [Q(name: "q", value: "é")]),
            ("http://h/x?y=1", "/x", [Q(name: "y", value: "1")]),
        ]
        for (target, path, query) in accepted {
            let parsed = try RequestParser.parseTarget(target, method: .get)
            #expect(parsed.0 == path, "\(target)")
            #expect(parsed.1 == query, "\(target)")
        }
        let refused = [
            "/a/./b", "/a/../b", "/..", "/.", "/a/.", "/a/..", "/p#f", "/p?a#f", "/%2e%2e/x", "/a%2Fb", "/a%00",
            "/p?x=%zz", "/p?x=%00", "/p?x=%C3", "*",
        ]
        for target in refused {
            #expect(throws: HTTPError.self, "\(target)") { try RequestParser.parseTarget(target, method: .get) }
        }
    }

    @Test func repeatedIdenticalContentLength_isAccepted() throws {
        let m = try drive([bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")])
            .get()
        #expect(m[0].body == bytes("ok"))
    }

    /// Smuggling and malformed cases: each must be refused with this status (and the connection closed).
    static let refused: [(String, Int)] = [
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: h\n\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nNa(me: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: a\u{0}b\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: h\r\n: novalue\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n", 400),
        ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3 x\r\nabc\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n", 400),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n", 400),
        ("GET / HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400),
        ("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTP/1.9\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTP/0.9\r\nHost: h\r\n\r\n", 505),
        ("GET / HTTQ/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a/../b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a/%2e%2e/b HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a%2fb HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /a%ff HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET example.com:80 HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("GET /é HTTP/1.1\r\nHost: h\r\n\r\n", 400),
        ("PUT / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\n", 417),
    ]

    @Test(arguments: 0..<refused.count)
    func malformedOrSmuggling_isRefused(_ index: Int) {
        let (text, status) = Self.refused[index]
        guard case .failure(let error) = drive([bytes(text)]) else {
            Issue.record("accepted: \(text.debugDescription)")
            return
        }
        #expect(error.status.code == status, "\(text.debugDescription): \(error)")
    }

    @Test func missingFinalChunk_isIncompleteAtEndOfInput() throws {
        var parser = RequestParser()
        let text = bytes("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
        var buffer = text
        var sawEnd = false
        while true {
            let step = try buffer.withUnsafeBytes { raw in
                try Result { () throws(HTTPError) in try parser.feed(raw) }.get()
            }
            if case .end? = step.event { sawEnd = true }
            buffer.removeFirst(step.consumed)
            if step.event == nil && step.consumed == 0 { break }
        }
        #expect(!sawEnd)
        #expect(throws: HTTPError.self) { try parser.endOfInput() }
    }

    @Test func truncatedContentLengthBody_isIncompleteAtEndOfInput() throws {
        var parser = RequestParser()
        var buffer = bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
        while true {
            let step = try buffer.withUnsafeBytes { raw in
                try Result { () throws(HTTPError) in try parser.feed(raw) }.get()
            }
            buffer.removeFirst(step.consumed)
            if step.event == nil && step.consumed == 0 { break }
        }
        #expect(throws: HTTPError.self) { try parser.endOfInput() }
    }

    @Test func oversizedHead_is431_andLongRequestLine_is414() {
        var limits = RequestParser.Limits()
        limits.maxHeaderBytes = 256
        limits.maxRequestLineBytes = 64
        let big = "GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 300) + "\r\n\r\n"
        #expect(drive([bytes(big)], limits: limits).failureStatus == 431)
        let longLine = "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\nHost: h\r\n\r\n"
        #expect(drive([bytes(longLine)], limits: limits).failureStatus == 414)
        // Without an end of line in sight the limits still apply, so a client cannot grow the buffer.
        #expect(drive([bytes(String(repeating: "a", count: 300))], limits: limits).failureStatus == 414)
        var few = RequestParser.Limits()
        few.maxHeaderCount = 3
        let many = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        #expect(drive([bytes(many)], limits: few).failureStatus == 431)
    }

    /// A seeded mutation fuzz: thousands of corrupted requests at random split points must
    /// neither crash nor report ranges outside their input (bounded by an iteration count).
    @Test func mutatedRequests_neverCrashTheParser() {
        var rng = SplitMix64(seed: 0x6b61_6e64_6173)
        let alphabet = bytes(
            "\r\n :;,\t0123456789abcdefABCDEF%/.?=-\u{0}\u{7f}GETPOSTHTTP/1.1chunkedContent-LengthTransfer-Encoding")
        var accepted = 0
        for _ in 0..<30_000 {
            var input = bytes(Self.requests[Int(rng.next() % UInt64(Self.requests.count))])
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let pos = Int(rng.next() % UInt64(input.count + 1))
                switch rng.next() % 4 {
                case 0: if pos < input.count { input[pos] = alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                case 1: input.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: pos)
                case 2: if pos < input.count { input.remove(at: pos) }
                default:
                    let len = Int(rng.next() % 16)
                    if pos + len <= input.count { input.insert(contentsOf: input[pos..<(pos + len)], at: pos) }
                }
            }
            let cut = Int(rng.next() % UInt64(input.count + 1))
            if case .success = drive([Array(input[0..<cut]), Array(input[cut...])]) { accepted += 1 }
        }
        #expect(accepted > 0)
    }
}

extension Result where Failure == HTTPError {
    var failureStatus: Int? {
        if case .failure(let e) = self { return e.status.code }
        return nil
    }
}

/// A small deterministic generator so the fuzz run is the same every time.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
