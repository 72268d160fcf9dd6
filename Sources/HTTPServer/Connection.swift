import Glibc
import SystemKit

/// One client connection: reads and parses requests, hands them to the handler pool one at a
/// time (so pipelined responses stay in order), and writes the responses.
///
/// `@unchecked Sendable` invariant: every stored property is read and written only on `loop`'s
/// thread. Handler threads only carry the reference back through `loop.execute`, and every
/// such callback first checks `phase` (the connection may have closed meanwhile).
final class Connection: @unchecked Sendable {
    enum Phase: Equatable {
        case readingHead
        /// The head job (hook, routing) runs; the socket is not read.
        case awaitingDecision
        case readingBody
        /// The handler (or a consumer's `finish`) runs.
        case handling
        case writing
        /// Response sent, write side shut; discarding input until EOF or a deadline, so the
        /// client reads our response before a reset (RFC 9112 §9.6).
        case lingering(until: Int64)
        case closed
    }

    enum BodyMode {
        case none
        case buffered(limit: Int, handler: Router.Handler, bytes: [UInt8])
        case streaming(limit: Int64, consumer: ConsumerBox)
    }

    let fd: Int32
    let remoteAddress: String
    /// How the connection counts against the caps (the key moves with a forwarded address).
    var admission: ServerContext.Admission
    /// Strong on purpose: a handler finishing after shutdown still reaches a live loop object
    /// (the cycle with `loop.connections` is broken when the connection closes).
    let loop: EventLoop
    let context: ServerContext

    var phase: Phase = .readingHead
    var parser: RequestParser
    var inbound: [UInt8] = []
    var inboundStart = 0
    var head: RequestHead?
    var request: HTTPRequest?
    var keepAlive = true
    var lastActivity: Int64
    var headStartedAt: Int64 = 0
    var requestStartedAt: Int64 = 0
    /// Counts requests on this connection, so a late ``CancelHandle`` never ends a later one.
    var requestSerial: UInt64 = 0
    var bytesIn: Int64 = 0
    var bytesOut: Int64 = 0
    /// Edge-triggered readiness: set by epoll, cleared when a read or write would block.
    var readReady = false
    /// The peer shut its write side (EPOLLRDHUP): a short read no longer means "drained", since
    /// the end of input raises no new edge; reads go on until they return 0.
    var peerShutWrite = false
    var writeReady = true
    private var driving = false

    // Body state (Connection+Body.swift).
    var bodyMode: BodyMode = .none
    var bodyReceived: Int64 = 0
    /// Body bytes given to the consumer so far: the next buffer starts at this phase.
    var bodyHandedOff: Int64 = 0
    /// Set once a body on this connection filled a buffer faster than its consumer emptied
    /// one: its bodies then stream through large buffers (``BodyBufferPool``).
    var fastSender = false
    var filling: BodyBuffer?
    var spare: BodyBuffer?
    var chunkInFlight = false
    var bodyEnded = false
    var trailers = HTTPHeaders()
    var consumerDone = true
    var pendingAbort: BodyAbortReason?
    /// When the body times out: each body byte moves it later (``creditBody(_:now:)``).
    var bodyDeadline: Int64 = 0

    // Response state (Connection+Write.swift).
    var outbound: [UInt8] = []
    var outboundStart = 0
    var file: (fd: Int32, offset: Int64, remaining: Int64)?
    var stream: StreamChannel?
    var closeAfterWrite = false
    var lastWriteProgress: Int64 = 0
    var responseStatus = 0
    var responseRoute: String?
    var streamChunked = true
    var lingerDiscarded = 0

    init(fd: Int32, remoteAddress: String, loop: EventLoop, admission: ServerContext.Admission) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.admission = admission
        self.loop = loop
        self.context = loop.context
        self.parser = RequestParser(limits: loop.context.parserLimits)
        self.lastActivity = monotonicMillis()
    }

    var unparsed: Int { inbound.count - inboundStart }

    // MARK: events

    func handle(events: UInt32) {
        if events & (Epoll.error | Epoll.hangUp) != 0 && events & Epoll.readable == 0 {
            close(abort: .connectionClosed)
            return
        }
        if events & Epoll.readable != 0 { readReady = true }
        if events & Epoll.peerClosed != 0 {
            peerShutWrite = true
            readReady = true
        }
        if events & Epoll.writable != 0 { writeReady = true }
        updateInterest()
    }

    private func onReadable() {
        switch phase {
        case .readingHead:
            guard readIntoInbound(max: loop.scratch.count) else { return }
            processInbound()
        case .readingBody:
            if case .streaming = bodyMode {
                readStreamingBody()
            } else {
                guard readIntoInbound(max: loop.scratch.count) else { return }
                processInbound()
            }
        case .lingering:
            let r = try? syscall("recv") { recv(fd, loop.scratch.baseAddress, loop.scratch.count, 0) }
            guard case .processed(let n) = r, n > 0 else {
                if r == .wouldBlock { readReady = false } else { close(abort: .connectionClosed) }
                return
            }
            // Discard a bounded amount: a client still pushing a refused 1 GB body is cut off.
            lingerDiscarded += n
            if lingerDiscarded > 4 << 20 { close(abort: .connectionClosed) }
        default:
            break
        }
    }

    /// Reads once into the loop's scratch buffer and appends to `inbound`; false if the
    /// connection ended (and was closed) or nothing was read.
    private func readIntoInbound(max: Int) -> Bool {
        let result: IOResult<Int>
        do {
            result = try syscall("recv") { recv(fd, loop.scratch.baseAddress, Swift.min(max, loop.scratch.count), 0) }
        } catch {
            close(abort: .connectionClosed)
            return false
        }
        guard case .processed(let n) = result else {
            readReady = false
            return false
        }
        guard n > 0 else {
            endOfInput()
            return false
        }
        // A short read drained the socket: the next arrival raises a new edge.
        if n < Swift.min(max, loop.scratch.count) && !peerShutWrite { readReady = false }
        let now = monotonicMillis()
        lastActivity = now
        if phase == .readingHead && parser.isIdle && unparsed == 0 { headStartedAt = now }
        bytesIn += Int64(n)
        if phase == .readingBody { creditBody(n, now: now) }
        if inboundStart > 0 && inboundStart == inbound.count {
            inbound.removeAll(keepingCapacity: true)
            inboundStart = 0
        }
        inbound.append(contentsOf: UnsafeRawBufferPointer(start: loop.scratch.baseAddress, count: n))
        return true
    }

    /// The peer closed its side: routine between requests; mid-body, the consumer is aborted
    /// (RFC 9112 §8: an incomplete message is never handled as if whole).
    func endOfInput() {
        close(abort: .connectionClosed)
    }

    /// Parses buffered bytes for as long as the connection's phase lets it.
    func processInbound() {
        while phase == .readingHead || phase == .readingBody {
            if case .streaming = bodyMode, phase == .readingBody {
                streamingStep()
                return
            }
            let result = inbound.withUnsafeBytes { raw in
                Result { () throws(HTTPError) in try parser.feed(UnsafeRawBufferPointer(rebasing: raw[inboundStart...]))
                }
            }
            guard case .success(let step) = result else {
                if case .failure(let error) = result { protocolError(error) }
                return
            }
            let start = inboundStart
            inboundStart += step.consumed
            guard let event = step.event else {
                if step.consumed == 0 { break }
                continue
            }
            switch event {
            case .head(let h):
                headReceived(h)
            case .body(let range):
                bufferedBody(start + range.lowerBound, start + range.upperBound)
            case .end(let t):
                bodyComplete(trailers: t)
            }
        }
        compactInbound()
    }

    func compactInbound() {
        if inboundStart == inbound.count {
            // Release the buffer entirely when idle: 1,000 idle connections must cost little.
            if phase == .readingHead || inbound.count > 64 * 1024 {
                inbound = []
            } else {
                inbound.removeAll(keepingCapacity: true)
            }
            inboundStart = 0
        } else if inboundStart > 64 * 1024 {
            inbound.removeFirst(inboundStart)
            inboundStart = 0
        }
    }

    private func headReceived(_ h: RequestHead) {
        let now = monotonicMillis()
        requestStartedAt = now
        requestSerial &+= 1
        head = h
        keepAlive = h.keepAlive && !loop.draining
        let sentID = h.headers["Request-Id"] ?? h.headers["X-Request-ID"]
        let requestID = sentID.flatMap { Self.isSaneRequestID($0) ? $0 : nil } ?? loop.nextRequestID()
        let req = HTTPRequest(
            method: h.method, target: h.target, path: h.path, query: h.query, version: h.version, headers: h.headers,
            remoteAddress: remoteAddress, requestID: requestID)
        request = req
        phase = .awaitingDecision
        if let refusal = capRefusal(h) {
            closeAfterWrite = true
            startResponse(context.responder.prepare(context.responder.problem(refusal, req), for: req))
            return
        }
        let framing = h.framing
        let responder = context.responder
        let accepted = context.pool.submit { [self] in
            let outcome = responder.decide(req, framing: framing)
            loop.execute { self.headDecided(outcome) }
        }
        if !accepted {
            // Every handler thread is busy and the queue is full: shed this request cleanly.
            closeAfterWrite = true
            let busy = HTTPError(
                status: .serviceUnavailable, code: "unavailable",
                headers: ["Retry-After": String(context.configuration.retryAfterSeconds)])
            startResponse(context.responder.prepare(context.responder.problem(busy, req), for: req))
        }
    }

    /// The connection caps at a request head: a reserve connection serves only the reserved
    /// paths, and behind a trusted proxy the connection is counted for the forwarded address.
    /// Returns the 503 to answer, or nil to go on.
    private func capRefusal(_ h: RequestHead) -> HTTPError? {
        let config = context.configuration
        let reserved = config.reservedPaths.contains(h.path)
        switch admission {
        case .reserve:
            if reserved { return nil }
        case .counted(let key):
            guard config.trustForwardedFor, let forwarded = Self.forwardedAddress(h.headers), forwarded != key
            else { return nil }
            if context.rekey(from: key, to: forwarded) {
                admission = .counted(key: forwarded)
                return nil
            }
            if reserved { return nil }
        case .refused:
            break
        }
        context.metrics.shed()
        return HTTPError(
            status: .serviceUnavailable, code: "too_many_connections",
            headers: ["Retry-After": String(config.retryAfterSeconds)])
    }

    /// The last `X-Forwarded-For` entry: the address the (trusted) proxy saw.
    static func forwardedAddress(_ headers: HTTPHeaders) -> String? {
        let values = headers.values("X-Forwarded-For")
        guard let last = values.last?.split(separator: ",").last else { return nil }
        let address = last.trimmingSpaces()
        return address.isEmpty || address.utf8.count > 64 ? nil : address
    }

    /// Body bytes arrived: the deadline moves `n / minimumBodyBytesPerSecond` later, but never more
    /// than `bodyIdle` ahead of now (so a pause is bounded and a slow trickle falls behind).
    func creditBody(_ n: Int, now: Int64) {
        let t = context.configuration.timeouts
        let credit = Int64(n) * 1000 / Int64(max(1, t.minimumBodyBytesPerSecond))
        bodyDeadline = min(bodyDeadline + credit, now + t.bodyIdle.milliseconds)
    }

    static func isSaneRequestID(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.count <= 128
            && s.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D
                    || b == 0x5F
                    || b == 0x2E
            }
    }

    /// Back on the loop with the head job's outcome.
    private func headDecided(_ outcome: Responder.HeadOutcome) {
        guard phase == .awaitingDecision, let head else {
            // Closed meanwhile: release what the outcome holds.
            switch outcome {
            case .stream(_, let box, _):
                box.cancel?.release()
                context.pool.submitContinuation { box.consumer.abort(.connectionClosed) }
            case .respond(let prepared): if case .file(let ffd, _, _) = prepared.body { Glibc.close(ffd) }
            case .buffered: break
            }
            return
        }
        switch outcome {
        case .respond(let prepared):
            // The body (if any) was not read, so the connection cannot be reused.
            if head.hasBody { closeAfterWrite = true }
            startResponse(prepared)
        case .buffered(let limit, let req, let handler):
            request = req
            beginBody(.buffered(limit: limit, handler: handler, bytes: []))
        case .stream(let limit, let box, let req):
            request = req
            if let cancel = box.cancel {
                let serial = requestSerial
                cancel.bind { [weak self] in
                    guard let self else { return }
                    self.loop.execute { self.cancelRequest(serial) }
                }
            }
            beginBody(.streaming(limit: limit, consumer: box))
        }
        updateInterest()
    }

    /// A malformed request: answer its status with problem+json and close.
    func protocolError(_ error: HTTPError) {
        abortBody(.malformed)
        closeAfterWrite = true
        if phase == .readingBody, case .streaming = bodyMode {
            phase = .handling
        }
        let req =
            request
            ?? HTTPRequest(
                method: HTTPMethod("-"), target: "", path: "", remoteAddress: remoteAddress,
                requestID: loop.nextRequestID())
        if requestStartedAt == 0 || phase == .readingHead { requestStartedAt = monotonicMillis() }
        request = req
        startResponse(context.responder.prepare(context.responder.problem(error, req), for: req))
    }

    /// Whether the connection's phase wants more bytes from the socket now.
    var wantsRead: Bool {
        switch phase {
        case .readingHead: return unparsed < context.parserLimits.maxHeaderBytes + 4096
        case .readingBody:
            if case .streaming = bodyMode { return !bodyEnded && (filling?.space ?? 0) > 0 }
            return !bodyEnded
        case .lingering: return true
        default: return false
        }
    }

    /// Does whatever the socket's readiness and the phase allow: write pending output, read
    /// more. Epoll is edge-triggered, so the flags remember readiness across phases and no
    /// `epoll_ctl` call is needed when a request pauses reading; a bounded number of rounds
    /// keeps one busy connection from starving the others (it is resumed from the inbox).
    func updateInterest() {
        guard phase != .closed, !driving else { return }
        driving = true
        defer { driving = false }
        for _ in 0..<16 {
            guard phase != .closed else { return }
            if writeReady && hasPendingOutput {
                flush()
                continue
            }
            if readReady && wantsRead {
                onReadable()
                continue
            }
            return
        }
        if (writeReady && hasPendingOutput) || (readReady && wantsRead) {
            loop.execute { self.updateInterest() }
        }
    }

    // MARK: timers

    func tick(_ now: Int64) {
        let t = context.configuration.timeouts
        switch phase {
        case .readingHead:
            if parser.isIdle && unparsed == 0 {
                // A new connection that has sent nothing gets the header timeout; a kept-alive one
                // between requests the idle timeout.
                let limit = requestSerial == 0 ? t.headerRead : t.idleKeepAlive
                if loop.draining || now - lastActivity > limit.milliseconds {
                    close(abort: .connectionClosed)
                }
            } else if now - headStartedAt > t.headerRead.milliseconds {
                // Slowloris: a head that never ends.
                protocolError(HTTPError(status: .requestTimeout, code: "request_timeout"))
                updateInterest()
            }
        case .readingBody:
            if hasPendingOutput && now - lastWriteProgress > t.write.milliseconds {
                close(abort: .timeout)
            } else if !wantsRead {
                // Paused by backpressure: the client is not the slow one.
                bodyDeadline = now + t.bodyIdle.milliseconds
            } else if now > bodyDeadline {
                // A stalled body, or one slower than the minimum rate: 408, then close.
                abortBody(.timeout)
                protocolError(
                    HTTPError(
                        status: .requestTimeout, code: "request_timeout",
                        detail: "the body arrived slower than \(t.minimumBodyBytesPerSecond) bytes per second"))
                updateInterest()
            }
        case .writing:
            if hasPendingOutput && now - lastWriteProgress > t.write.milliseconds { close(abort: .timeout) }
        case .lingering(let until):
            if now >= until { close(abort: .connectionClosed) }
        default:
            break
        }
    }

    /// Server shutdown: idle connections close now, busy ones after their response.
    func drain() {
        keepAlive = false
        if phase == .readingHead && parser.isIdle && unparsed == 0 { close(abort: .serverShutdown) }
    }
}
