import Testing

@testable import HTTPServer

/// The response head as bytes, without a socket: framing and connection fields are the engine's,
/// handler values cannot inject fields, configured fields fill in, every response has a `Request-Id`.
@Suite struct ResponseHeadTests {
    static func text(_ head: ResponseHead) -> String { String(decoding: head.bytes, as: UTF8.self) }

    static func head(
        _ fields: HTTPHeaders = [:], framing: ResponseHead.Framing = .length(2),
        persistence: ResponseHead.Persistence = .implicit, requestID: String? = "r1",
        defaults: HTTPHeaders = [:]
    ) -> ResponseHead {
        ResponseHead(
            status: .ok, fields: fields, date: "Mon, 07 Dec 2026 03:00:00 GMT", defaults: defaults,
            requestID: requestID, framing: framing, persistence: persistence)
    }

    @Test func head_isStatusFieldsDateRequestIdFramingThenAnEmptyLine() {
        #expect(
            Self.text(Self.head(["Content-Type": "text/plain"]))
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Mon, 07 Dec 2026 03:00:00 GMT\r\n"
                + "Request-Id: r1\r\nContent-Length: 2\r\n\r\n")
    }

    @Test func handlersFramingAndConnectionFields_areDropped_theEnginesAreSent() {
        let text = Self.text(
            Self.head(
                ["Content-Length": "999", "transfer-encoding": "gzip", "Connection": "upgrade", "X-A": "1"],
                framing: .chunked, persistence: .close))
        #expect(!text.contains("999") && !text.contains("gzip") && !text.contains("upgrade"))
        #expect(text.contains("X-A: 1\r\n"))
        #expect(text.hasSuffix("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"))
    }

    @Test(arguments: ["a\r\nSet-Cookie: evil=1", "a\nSet-Cookie: evil=1", "a\rSet-Cookie: evil=1"])
    func aValueWithCROrLF_isSentEmpty_soItCannotStartAField(value: String) {
        let text = Self.text(Self.head(["X-Name": value]))
        #expect(text.contains("X-Name: \r\n"))
        #expect(!text.contains("Set-Cookie"))
    }

    @Test func aNameWithCROrLF_isNotSent() {
        let text = Self.text(Self.head(["X-A\r\nSet-Cookie": "evil=1"]))
        #expect(!text.contains("Set-Cookie") && !text.contains("evil"))
    }

    @Test func configuredFields_fillInWhereTheHandlerSetNone() {
        let text = Self.text(
            Self.head(
                ["Cache-Control": "no-store"],
                defaults: ["Cache-Control": "max-age=60", "X-Content-Type-Options": "nosniff"]))
        #expect(text.contains("Cache-Control: no-store\r\n"))
        #expect(!text.contains("max-age=60"))
        #expect(text.contains("X-Content-Type-Options: nosniff\r\n"))
    }

    @Test func requestId_isTheHandlersWhenSet_andAbsentWhenEmpty() {
        #expect(Self.text(Self.head(["Request-Id": "mine"])).components(separatedBy: "Request-Id").count == 2)
        #expect(Self.text(Self.head(["Request-Id": "mine"])).contains("Request-Id: mine\r\n"))
        #expect(!Self.text(Self.head(requestID: "")).contains("Request-Id"))
        #expect(!Self.text(Self.head(requestID: nil)).contains("Request-Id"))
    }

    @Test func keepAlive_andUnframedBodies_sayWhatTheyShould() {
        let text = Self.text(Self.head(framing: .none, persistence: .keepAlive))
        #expect(!text.contains("Content-Length") && !text.contains("Transfer-Encoding"))
        #expect(text.hasSuffix("Connection: keep-alive\r\n\r\n"))
    }

    @Test(arguments: [100, 101, 204, 304]) func bodylessStatuses_areKnown(code: Int) {
        #expect(ResponseHead.isBodyless(code))
    }

    @Test(arguments: [200, 201, 206, 400, 404, 503]) func otherStatuses_mayHaveABody(code: Int) {
        #expect(!ResponseHead.isBodyless(code))
    }
}
