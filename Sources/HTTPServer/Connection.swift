import Glibc
import SystemKit

/// One client connection's socket shell: performs what its ``ConnectionMachine`` decides (reads,
/// writes, handler jobs) with system calls, and reports the outcomes back to it.
///
/// The protocol logic (phases, parsing, keep-alive, timeouts, body hand-off) lives in the
/// machine and is tested without sockets; this class owns what cannot be a value: the
/// descriptor, the response bytes being written, the handler and consumer objects.
///
/// `@unchecked Sendable` invariant: every stored property is read and written only on `loop`'s
/// thread. Handler threads only carry the reference back through `loop.execute`, and every
/// such callback first checks the machine's phase (the connection may have closed meanwhile).
final class Connection: @unchecked Sendable {
    let fd: Int32
    let remoteAddress: String
    /// How the connection counts against the caps (the key moves with a forwarded address).
    var admission: ServerContext.Admission
    /// Strong on purpose: a handler finishing after shutdown still reaches a live loop object
    /// (the cycle with `loop.connections` is broken when the connection closes).
    let loop: EventLoop
    let context: ServerContext
    var machine: ConnectionMachine
    private var driving = false

    /// The current request's buffered handler, streaming consumer, and the error its `consume` threw.
    var handler: Router.Handler?
    var consumer: ConsumerBox?
    var consumerError: SendableError?

    // Response state (Connection+Write.swift).
    var outbound: [UInt8] = []
    var outboundStart = 0
    var file: (fd: Int32, offset: Int64, remaining: Int64)?
    var stream: StreamChannel?
    var bytesOut: Int64 = 0
    var responseStatus = 0
    var responseRoute: String?
    var streamChunked = true

    init(fd: Int32, remoteAddress: String, loop: EventLoop, admission: ServerContext.Admission) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.admission = admission
        self.loop = loop
        self.context = loop.context
        let settings = ConnectionMachine.Settings(
            timeouts: loop.context.configuration.timeouts, parserLimits: loop.context.parserLimits,
            readSize: loop.scratch.count)
        self.machine = ConnectionMachine(settings: settings, now: monotonicMillis())
    }

    // MARK: events

    func handle(events: UInt32) {
        machine.socketEvent(
            readable: events & Epoll.readable != 0, writable: events & Epoll.writable != 0,
            peerShutWrite: events & Epoll.peerClosed != 0, failed: events & (Epoll.error | Epoll.hangUp) != 0,
            buffers: &loop.bodyBuffers)
        drive()
    }

    func tick(_ now: Int64) {
        machine.tick(now: now, buffers: &loop.bodyBuffers)
        drive()
    }

    /// Server shutdown: idle connections close now, busy ones after their response.
    func drain() {
        machine.drain(buffers: &loop.bodyBuffers)
        drive()
    }

    /// Closes the socket and releases everything; a streaming body is aborted with `reason`.
    func close(abort reason: BodyAbortReason) {
        machine.close(reason, buffers: &loop.bodyBuffers)
        drive()
    }

    /// Performs the machine's actions until it waits for an event. Epoll is edge-triggered, so
    /// the machine remembers readiness across phases; a bounded number of socket rounds keeps
    /// one busy connection from starving the others (it is resumed from the inbox).
    func drive() {
        guard !driving else { return }
        driving = true
        defer { driving = false }
        var rounds = 0
        while true {
            switch machine.nextAction(now: monotonicMillis(), buffers: &loop.bodyBuffers) {
            case .none:
                return
            case .read(let target):
                if case .body = target {} else { rounds += 1 }
                read(target)
            case .write:
                rounds += 1
                flush()
            case .decide(let head):
                decide(head)
            case .sendContinue:
                outbound.append(contentsOf: Self.continueLine)
                machine.outputQueued()
            case .handle(let request):
                handle(request)
            case .consume(let buffer):
                consume(buffer)
            case .finish(let trailers):
                finish(trailers: trailers)
            case .abortConsumer(let reason):
                abortConsumer(reason)
            case .reject(let error):
                let req =
                    machine.request
                    ?? HTTPRequest(
                        method: HTTPMethod("-"), target: "", path: "", remoteAddress: remoteAddress,
                        requestID: loop.nextRequestID())
                machine.request = req
                startResponse(context.responder.prepare(context.responder.problem(error, req), for: req))
            case .consumerFailed:
                guard let req = machine.request, let error = consumerError?.error else { continue }
                consumerError = nil
                startResponse(context.responder.prepare(context.responder.errorResponse(error, request: req), for: req))
            case .shutdownWrite:
                shutdown(fd, Int32(SHUT_WR))
            case .close(_, let logAborted):
                closeSocket(logAborted: logAborted)
            }
            if rounds >= 16 {
                if machine.hasSocketWork { loop.execute { self.drive() } }
                return
            }
        }
    }

    private static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    // MARK: reads

    private func read(_ target: ConnectionMachine.ReadTarget) {
        switch target {
        case .inbound(let max):
            let want = min(max, loop.scratch.count)
            guard let n = receive(into: loop.scratch.baseAddress!, want) else { return }
            machine.received(
                UnsafeRawBufferPointer(start: loop.scratch.baseAddress, count: n), requested: want,
                now: monotonicMillis())
        case .body(let buffer, let max):
            guard let n = receive(into: buffer.end, max) else { return }
            machine.receivedBody(n, requested: max, now: monotonicMillis())
        case .discard:
            guard let n = receive(into: loop.scratch.baseAddress!, loop.scratch.count) else { return }
            machine.discarded(n, buffers: &loop.bodyBuffers)
        }
    }

    /// One `recv`; nil (after telling the machine) when it would block, failed or hit end of input.
    private func receive(into pointer: UnsafeMutableRawPointer, _ count: Int) -> Int? {
        let result: IOResult<Int>
        do {
            result = try syscall("recv") { recv(fd, pointer, count, 0) }
        } catch {
            machine.endOfInput(buffers: &loop.bodyBuffers)
            return nil
        }
        guard case .processed(let n) = result else {
            machine.readBlocked()
            return nil
        }
        guard n > 0 else {
            machine.endOfInput(buffers: &loop.bodyBuffers)
            return nil
        }
        return n
    }

    // MARK: the head

    /// A head is in: the connection caps, then the head job (hook, routing) on the handler pool.
    private func decide(_ h: RequestHead) {
        let sentID = h.headers["Request-Id"] ?? h.headers["X-Request-ID"]
        let requestID = sentID.flatMap { Self.isSaneRequestID($0) ? $0 : nil } ?? loop.nextRequestID()
        let req = HTTPRequest(
            method: h.method, target: h.target, path: h.path, query: h.query, version: h.version, headers: h.headers,
            remoteAddress: remoteAddress, requestID: requestID)
        machine.request = req
        if let refusal = capRefusal(h) {
            machine.refused()
            startResponse(context.responder.prepare(context.responder.problem(refusal, req), for: req))
            return
        }
        let framing = h.framing
        let responder = context.responder
        // A cheap request the application answers on the loop: no hand-off to a handler thread.
        if let prepared = responder.answerOnLoop(req, framing: framing) {
            context.metrics.answeredOnLoop()
            machine.answeredBeforeBody()
            startResponse(prepared)
            return
        }
        let accepted = context.pool.submit { [self] in
            let outcome = responder.decide(req, framing: framing)
            loop.execute { self.headDecided(outcome) }
        }
        if !accepted {
            // Every handler thread is busy and the queue is full: shed this request cleanly.
            machine.refused()
            let busy = HTTPError(
                status: .serviceUnavailable, code: "unavailable",
                headers: ["Retry-After": String(context.configuration.retryAfterSeconds)])
            startResponse(context.responder.prepare(context.responder.problem(busy, req), for: req))
        }
    }

    /// The 503 to answer when the connection caps refuse this head (see ``ConnectionMachine/capVerdict``).
    private func capRefusal(_ h: RequestHead) -> HTTPError? {
        let config = context.configuration
        let verdict = ConnectionMachine.capVerdict(
            admission, path: h.path, headers: h.headers, reservedPaths: config.reservedPaths,
            trustForwardedFor: config.trustForwardedFor
        ) { context.rekey(from: $0, to: $1) }
        admission = verdict.admission
        guard verdict.refuse else { return nil }
        context.metrics.shed()
        return HTTPError(
            status: .serviceUnavailable, code: "too_many_connections",
            headers: ["Retry-After": String(config.retryAfterSeconds)])
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
        guard machine.phase == .awaitingDecision else {
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
        let now = monotonicMillis()
        switch outcome {
        case .respond(let prepared):
            machine.answeredBeforeBody()
            startResponse(prepared)
        case .buffered(let limit, let req, let handler):
            machine.request = req
            self.handler = handler
            machine.beginBody(.buffered(limit: limit, bytes: []), now: now, buffers: &loop.bodyBuffers)
        case .stream(let limit, let box, let req):
            machine.request = req
            consumer = box
            if let cancel = box.cancel {
                let serial = machine.requestSerial
                cancel.bind { [weak self] in
                    guard let self else { return }
                    self.loop.execute { self.cancelRequest(serial) }
                }
            }
            machine.beginBody(.streaming(limit: limit), now: now, buffers: &loop.bodyBuffers)
        }
        drive()
    }
}
