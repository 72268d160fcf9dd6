import Testing

@testable import HTTPServer

/// The connection's protocol logic, phase by phase, with no socket and no clock: a ``FakePeer``
/// plays the client and the timer is an event (`wait`), so the default timeouts are tested as
/// configured (header 10 s, idle 30 s, body 15 s and 1 KiB/s).
@Suite struct ConnectionMachineTests {
    static let get = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"

    // MARK: requests, pipelining, keep-alive

    @Test func pipelinedRequests_areDecidedOneAtATimeInOrder() {
        var p = FakePeer()
        #expect(p.send(Self.get + "GET /b HTTP/1.1\r\nHost: x\r\n\r\n") == [.decide("/a")])
        #expect(p.respond() == [.write, .decide("/b")])
        #expect(p.respond() == [.write])
        #expect(p.machine.phase == .readingHead)
        #expect(p.machine.requestSerial == 2)
    }

    @Test func aHeadSplitAtEveryByte_isDecidedOnceWhole() {
        let request = Array("GET /split?x=1 HTTP/1.1\r\nHost: x\r\nX-A: b\r\n\r\n".utf8)
        for cut in 1..<request.count {
            var p = FakePeer()
            #expect(p.send(Array(request[..<cut])) == [], "cut \(cut)")
            #expect(p.send(Array(request[cut...])) == [.decide("/split")], "cut \(cut)")
        }
    }

    @Test func keepAliveRequest_leavesTheConnectionOpenForTheNext() {
        var p = FakePeer()
        #expect(p.send(Self.get) == [.decide("/a")])
        #expect(p.respond() == [.write])
        #expect(p.send(Self.get) == [.decide("/a")])
    }

    @Test(arguments: [
        "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /a HTTP/1.0\r\n\r\n",
    ])
    func requestWithoutKeepAlive_isAnsweredThenShutAndLingers(_ request: String) {
        var p = FakePeer()
        #expect(p.send(request) == [.decide("/a")])
        #expect(p.respond() == [.write, .shutdownWrite])
        #expect(p.machine.phase == .lingering(until: p.now + 2000))
        #expect(p.shut() == [.close(.connectionClosed)])
    }

    @Test func lingering_endsAfterTwoSecondsOrFourMiBOfUnreadInput() {
        var p = FakePeer()
        _ = p.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        _ = p.respond()
        #expect(p.wait(1999) == [])
        #expect(p.wait(1) == [.close(.connectionClosed)])

        var q = FakePeer()
        _ = q.send("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        _ = q.respond()
        #expect(q.send([UInt8](repeating: 0x41, count: 1 << 20)) == [])
        #expect(q.send([UInt8](repeating: 0x41, count: 4 << 20)) == [.close(.connectionClosed)])
    }

    // MARK: half-close (EPOLLRDHUP)

    @Test func requestAndHalfCloseInOnePacket_isAnsweredNotHeld() {
        var p = FakePeer()
        #expect(p.send(Self.get, shut: true) == [.decide("/a")])
        #expect(p.respond() == [.write, .close(.connectionClosed)])
    }

    @Test func pipelinedRequestsAndHalfClose_areAllAnsweredThenClosed() {
        var p = FakePeer()
        #expect(p.send(Self.get + Self.get, shut: true) == [.decide("/a")])
        #expect(p.respond() == [.write, .decide("/a")])
        #expect(p.respond() == [.write, .close(.connectionClosed)])
    }

    @Test func halfCloseMidBody_abortsTheConsumerAndCloses() {
        var p = FakePeer()
        _ = p.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        _ = p.streaming()
        #expect(p.send("01234", shut: true) == [.abort(.connectionClosed), .close(.connectionClosed)])
    }

    // MARK: Expect: 100-continue

    @Test func expectContinue_isInvitedWhenTheRouteTakesTheBody() {
        var p = FakePeer()
        let head = "POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
        #expect(p.send(head) == [.decide("/u")])
        #expect(p.buffered() == [.sendContinue, .write])
        #expect(p.send("hello") == [.handle("/u", body: "hello")])
        #expect(p.respond() == [.write])
        #expect(p.machine.phase == .readingHead)
    }

    @Test func expectContinue_answeredBeforeTheBody_getsNoInvitationAndCloses() {
        var p = FakePeer()
        let head = "POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
        #expect(p.send(head) == [.decide("/u")])
        #expect(p.respond(beforeBody: true) == [.write, .shutdownWrite])
    }

    // MARK: bodies

    @Test func chunkedBodyInPieces_reachesABufferedHandlerWhole() {
        var p = FakePeer()
        #expect(p.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n") == [.decide("/c")])
        #expect(p.buffered() == [])
        #expect(p.send("5\r\nhel") == [])
        #expect(p.send("lo\r\n6\r\n world\r\n0\r\n\r\n") == [.handle("/c", body: "hello world")])
    }

    @Test func chunkedBody_streamsToTheConsumerThenFinishesWithTrailers() {
        var p = FakePeer()
        _ = p.send("PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(p.streaming() == [])
        #expect(p.send("5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n") == [.consume("hello world")])
        #expect(p.consumed() == [.finish(trailers: ["X-Sum: 1"])])
        #expect(p.respond() == [.write])
        #expect(p.machine.phase == .readingHead)
    }

    @Test func contentLengthBody_isReadStraightIntoTheConsumerBuffer() {
        var p = FakePeer()
        _ = p.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        #expect(p.streaming() == [])
        #expect(p.send("0123456789") == [.consume("0123456789")])
        #expect(p.directBodyReads == 1)
        #expect(p.inboundReads == 1)
        #expect(p.consumed() == [.finish(trailers: [])])
    }

    @Test func bodyBytesThatCameWithTheHead_areHandedOnFirst() {
        var p = FakePeer()
        _ = p.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234")
        #expect(p.streaming() == [.consume("01234")])
        #expect(p.send("56789") == [])
        #expect(p.consumed() == [.consume("56789")])
        #expect(p.consumed() == [.finish(trailers: [])])
    }

    @Test func senderFasterThanItsConsumer_movesToLargeBuffersStartingAtTheBodyOffset() {
        var p = FakePeer(bodyBuffer: 16 * 1024, largeBodyBuffer: 64 * 1024)
        _ = p.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 50000\r\n\r\n")
        _ = p.streaming()
        let steps = p.send([UInt8](repeating: 0x61, count: 50000))
        #expect(steps.count == 1)
        #expect(p.inFlight.map(\.count) == [16 * 1024])
        #expect(p.machine.filling?.storage.count == 64 * 1024)
        // The next buffer's first byte sits at the body offset modulo the block, for O_DIRECT.
        #expect(p.machine.filling?.bytes.baseAddress.map { Int(bitPattern: $0) % BodyBuffer.blockSize } == 0)
        _ = p.consumed()
        #expect(p.inFlight.map(\.count) == [50000 - 16 * 1024])
        #expect(p.consumed() == [.finish(trailers: [])])
    }

    @Test func fullBufferWhileAChunkIsInFlight_pausesReadingWithoutATimeout() {
        var p = FakePeer(bodyBuffer: 16 * 1024, largeBodyBuffer: 64 * 1024)
        _ = p.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n")
        _ = p.streaming()
        _ = p.send([UInt8](repeating: 0x61, count: 100_000))
        #expect(p.machine.wantsRead == false)
        #expect(p.wait(60_000) == [])
        #expect(p.wait(60_000) == [])
        #expect(p.consumed().count == 1)
        #expect(p.machine.wantsRead)
    }

    @Test func streamingBuffers_goBackToThePoolAndServeTheNextRequest() throws {
        var p = FakePeer()
        let head = "PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n"
        _ = p.send(head)
        _ = p.streaming()
        let first = ObjectIdentifier(try #require(p.machine.filling))
        #expect(p.send("abc") == [.consume("abc")])
        let second = ObjectIdentifier(try #require(p.machine.filling))
        #expect(p.consumed() == [.finish(trailers: [])])
        _ = p.respond()
        #expect(p.buffers.idleCount == 2)
        _ = p.send(head)
        _ = p.streaming()
        #expect([first, second].contains(ObjectIdentifier(try #require(p.machine.filling))))
    }

    @Test func idleConnection_holdsNoRequestBytes() {
        var p = FakePeer()
        _ = p.send(Self.get)
        _ = p.respond()
        #expect(p.machine.isIdle)
        #expect(p.machine.inbound.capacity == 0)
    }

    // MARK: errors mid-body

    @Test func malformedChunkMidBody_abortsTheConsumerAndAnswers400() {
        var p = FakePeer()
        _ = p.send("PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        _ = p.streaming()
        #expect(p.send("5\r\nhello\r\nZZ\r\n") == [.abort(.malformed), .reject(400), .write, .shutdownWrite])
    }

    @Test func errorWhileAChunkIsInFlight_abortsOnlyOnceTheChunkIsBack() {
        var p = FakePeer()
        _ = p.send("PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        _ = p.streaming()
        #expect(p.send("5\r\nhello\r\n") == [.consume("hello")])
        #expect(p.send("ZZ\r\n") == [.reject(400), .write, .shutdownWrite])
        #expect(p.consumed() == [.abort(.malformed)])
    }

    @Test func chunkedBodyOverTheRouteLimit_isAbortedWith413() {
        var p = FakePeer()
        _ = p.send("PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        _ = p.streaming(limit: 4)
        #expect(p.send("5\r\nhello\r\n0\r\n\r\n") == [.abort(.tooLarge), .reject(413), .write, .shutdownWrite])
    }

    @Test func bufferedBodyOverTheRouteLimit_isAnswered413() {
        var p = FakePeer()
        _ = p.send("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
        _ = p.buffered(limit: 3)
        #expect(p.send("hello") == [.reject(413), .write, .shutdownWrite])
    }

    @Test func consumerThatThrows_isAbortedAndItsErrorAnswered() {
        var p = FakePeer()
        _ = p.send("PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        _ = p.streaming()
        _ = p.send("5\r\nhello\r\n")
        #expect(p.consumed(failed: true) == [.abort(.consumerFailed), .consumerFailed, .write, .shutdownWrite])
    }

    @Test func closeWhileAChunkIsInFlight_abortsWhenTheChunkIsBack() {
        var p = FakePeer()
        _ = p.send("PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        _ = p.streaming()
        _ = p.send("5\r\nhello\r\n")
        #expect(p.shut() == [.close(.connectionClosed)])
        #expect(p.consumed() == [.abort(.connectionClosed)])
    }

    @Test func malformedHead_isAnswered400AndClosed() {
        var p = FakePeer()
        #expect(p.send("GET /a HTTP/1.1\r\nBad Header\r\n\r\n") == [.reject(400), .write, .shutdownWrite])
    }

    @Test func cancelHandle_endsOnlyItsOwnRequest() {
        var p = FakePeer()
        _ = p.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        _ = p.streaming()
        let serial = p.machine.requestSerial
        p.machine.cancelRequest(serial &- 1, buffers: &p.buffers)
        #expect(p.run() == [])
        p.machine.cancelRequest(serial, buffers: &p.buffers)
        #expect(p.run() == [.abort(.cancelled), .close(.cancelled)])
    }

    // MARK: timeouts (default settings)

    @Test func newConnectionThatSendsNothing_isClosedAfterTheHeaderTimeout() {
        var p = FakePeer()
        #expect(p.wait(10_000) == [])
        #expect(p.wait(1) == [.close(.connectionClosed)])
    }

    @Test func headThatNeverEnds_getsA408AfterTenSeconds() {
        var p = FakePeer()
        #expect(p.send("GET /a HTTP/1.1\r\nHost") == [])
        #expect(p.wait(5_000) == [])
        #expect(p.send(": x\r\nX-A: ") == [])
        #expect(p.wait(5_000) == [])
        #expect(p.wait(1) == [.reject(408), .write, .shutdownWrite])
    }

    @Test func keptAliveConnection_isClosedAfterThirtyIdleSeconds() {
        var p = FakePeer()
        _ = p.send(Self.get)
        _ = p.respond()
        #expect(p.wait(10_001) == [])
        #expect(p.wait(19_999) == [])
        #expect(p.wait(1) == [.close(.connectionClosed)])
    }

    @Test func bodyThatPausesFifteenSeconds_getsA408() {
        var p = FakePeer()
        _ = p.send("POST /u HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
        _ = p.buffered()
        #expect(p.send("0123456789") == [])
        #expect(p.wait(15_000) == [])
        #expect(p.wait(1) == [.reject(408), .write, .shutdownWrite])
    }

    /// Sends `bytesPerSecond` of a large streaming body each second for up to `seconds`; returns
    /// the second at which the connection answered 408, if it did.
    func trickle(bytesPerSecond: Int, seconds: Int) -> (second: Int, steps: [FakePeer.Step])? {
        var p = FakePeer()
        _ = p.send("PUT /f HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n")
        _ = p.streaming()
        for second in 1...seconds {
            _ = p.send([UInt8](repeating: 0x61, count: bytesPerSecond))
            while !p.inFlight.isEmpty { _ = p.consumed() }
            let steps = p.wait(1000)
            if !steps.isEmpty { return (second, steps) }
        }
        return nil
    }

    @Test func bodySlowerThanOneKiBPerSecond_getsA408OnceItFallsFifteenSecondsBehind() throws {
        // 512 B/s earns 0.5 s of credit per second: 15 s behind after 30 s.
        let cut = try #require(trickle(bytesPerSecond: 512, seconds: 60))
        #expect(cut.second == 30)
        #expect(cut.steps == [.abort(.timeout), .reject(408), .write, .shutdownWrite])
    }

    @Test func bodyAtTheMinimumRate_neverTimesOut() {
        #expect(trickle(bytesPerSecond: 1024, seconds: 120) == nil)
    }

    @Test func responseTheClientDoesNotRead_isCutAfterTheWriteTimeout() {
        var p = FakePeer()
        p.writesBlock = true
        _ = p.send(Self.get)
        #expect(p.respond() == [.write])
        #expect(p.wait(60_000) == [])
        #expect(p.wait(1) == [.close(.timeout)])
    }

    @Test func blockedWrite_resumesOnTheNextWritableEdge() {
        var p = FakePeer()
        p.writesBlock = true
        _ = p.send(Self.get)
        #expect(p.respond() == [.write])
        #expect(p.writable() == [.write])
        #expect(p.machine.phase == .readingHead)
    }

    // MARK: shutdown and caps

    @Test func drain_closesIdleConnectionsNowAndBusyOnesAfterTheirResponse() {
        var idle = FakePeer()
        idle.machine.drain(buffers: &idle.buffers)
        #expect(idle.run() == [.close(.serverShutdown)])

        var busy = FakePeer()
        _ = busy.send(Self.get)
        busy.machine.drain(buffers: &busy.buffers)
        #expect(busy.run() == [])
        #expect(busy.respond() == [.write, .shutdownWrite])
    }

    @Test func refusedHead_isAnsweredThenClosed() {
        var p = FakePeer()
        _ = p.send(Self.get + Self.get)
        p.machine.refused()
        #expect(p.respond() == [.write, .shutdownWrite])
    }

    @Test func reserveConnection_servesOnlyReservedPaths() {
        func verdict(_ a: ServerContext.Admission, _ path: String) -> Bool {
            ConnectionMachine.capVerdict(
                a, path: path, headers: [:], reservedPaths: ["/healthz"], trustForwardedFor: false
            ) { _, _ in true }.refuse
        }
        #expect(verdict(.reserve, "/healthz") == false)
        #expect(verdict(.reserve, "/sync/v1/push") == true)
        #expect(verdict(.counted(key: "10.0.0.1"), "/sync/v1/push") == false)
        #expect(verdict(.refused, "/healthz") == true)
    }

    @Test func trustedProxyConnection_isRecountedForTheForwardedAddress() {
        let headers: HTTPHeaders = ["X-Forwarded-For": "203.0.113.9, 198.51.100.7"]
        var moved: [String] = []
        let ok = ConnectionMachine.capVerdict(
            .counted(key: nil), path: "/a", headers: headers, reservedPaths: [], trustForwardedFor: true
        ) { _, to in
            moved.append(to)
            return true
        }
        #expect(ok.admission == .counted(key: "198.51.100.7") && !ok.refuse)
        #expect(moved == ["198.51.100.7"])
        let full = ConnectionMachine.capVerdict(
            .counted(key: nil), path: "/a", headers: headers, reservedPaths: [], trustForwardedFor: true
        ) { _, _ in false }
        #expect(full.refuse)
    }
}
