/// The protocol logic of one HTTP/1.1 connection, as a value-type state machine with no I/O.
///
/// The socket shell (``Connection``) tells it what happened (bytes arrived, a write finished, a
/// timer fired, a handler answered) and asks ``nextAction(now:buffers:)`` what to do next, one
/// action at a time, until it answers ``Action/none``: read into a buffer, write pending output,
/// run the head job, hand a body buffer to a consumer, answer an error, close. The machine owns the
/// request bytes (`inbound`), the parser, the phase, the timers and the streaming body's buffers;
/// the shell owns the descriptor, the response bytes, the handler objects and the clock.
///
/// Readiness is edge-triggered (nginx's model): `readReady` and `writeReady` are set by an epoll
/// edge and cleared when a read or write would block (or a read comes back short), so pausing
/// reads while a handler runs costs no `epoll_ctl` call. Tested without sockets in
/// `ConnectionMachineTests` (Hummingbird's `HTTP1Channel` state machine is the model).
struct ConnectionMachine {
    enum Phase: Equatable {
        case readingHead
        /// The head job (hook, routing) runs; the socket is not read.
        case awaitingDecision
        case readingBody
        /// The handler (or a consumer's `finish`) runs, or an error answer is being prepared.
        case handling
        case writing
        /// Response sent, write side shut; discarding input until EOF or a deadline, so the
        /// client reads our response before a reset (RFC 9112 §9.6).
        case lingering(until: Int64)
        case closed
    }

    /// How the body of the current request is taken.
    enum BodyMode {
        case none
        /// Collected whole for a buffered route.
        case buffered(limit: Int, bytes: [UInt8])
        /// Streamed to a consumer through ``BodyBuffer``s.
        case streaming(limit: Int64)
    }

    /// Where the next read goes.
    enum ReadTarget {
        /// Into the loop's scratch buffer, at most `max` bytes; report with ``received(_:requested:now:)``.
        case inbound(max: Int)
        /// Straight into a streaming body's buffer (`Content-Length` bodies): no copy; report
        /// with ``receivedBody(_:requested:now:)``.
        case body(BodyBuffer, max: Int)
        /// Read and throw away (lingering); report with ``discarded(_:)``.
        case discard
    }

    enum Action {
        /// Nothing to do until the next event.
        case none
        case read(ReadTarget)
        /// Write pending output until done or blocked; report with ``wrote(now:)``,
        /// ``writeBlocked()`` and ``outputDrained(responseComplete:now:)``.
        case write
        /// A head is in (``head``): check the caps and run the head job; answer with
        /// ``beginBody(_:now:buffers:)`` or ``responseStarted(forceClose:now:)``.
        case decide(RequestHead)
        /// Queue `HTTP/1.1 100 Continue` (RFC 9110 §10.1.1): the route will take the body.
        case sendContinue
        /// A buffered request is whole: run its handler with this request.
        case handle(HTTPRequest)
        /// Give this buffer to the streaming consumer; report with ``chunkConsumed(_:failed:buffers:)``.
        case consume(BodyBuffer)
        /// The streamed body ended and every byte was consumed: call the consumer's `finish`.
        case finish(trailers: HTTPHeaders)
        /// End the streaming consumer with `abort`.
        case abortConsumer(BodyAbortReason)
        /// Answer this error (problem+json) and close after it.
        case reject(HTTPError)
        /// The consumer's `consume` threw: answer that error and close after it.
        case consumerFailed
        /// The response is out and the connection ends: shut the write side, then linger.
        case shutdownWrite
        /// Close the descriptor; `logAborted`: the request in progress is logged (499 if unanswered).
        case close(BodyAbortReason, logAborted: Bool)
    }

    struct Settings {
        var timeouts = HTTPServer.Timeouts()
        var parserLimits = RequestParser.Limits()
        /// The size of the loop's scratch buffer: the largest read into `inbound`.
        var readSize = 256 * 1024
    }

    let settings: Settings
    var phase: Phase = .readingHead
    var parser: RequestParser
    private(set) var inbound: [UInt8] = []
    private(set) var inboundStart = 0
    private(set) var head: RequestHead?
    /// The request being served; the shell sets it when it builds it from the head (request ID,
    /// remote address) and when the head job returns the routed request.
    var request: HTTPRequest?
    private(set) var keepAlive = true
    /// The server is shutting down: no new request on this connection.
    private(set) var draining = false
    var closeAfterWrite = false
    var lastActivity: Int64
    private(set) var headStartedAt: Int64 = 0
    var requestStartedAt: Int64 = 0
    /// Counts requests on this connection, so a late ``CancelHandle`` never ends a later one.
    private(set) var requestSerial: UInt64 = 0
    /// Request bytes read since the last access-log line.
    var bytesIn: Int64 = 0
    /// Edge-triggered readiness: set by epoll, cleared when a read or write would block.
    var readReady = false
    /// The peer shut its write side (EPOLLRDHUP): a short read no longer means "drained", since
    /// the end of input raises no new edge; reads go on until they return 0.
    private(set) var peerShutWrite = false
    private(set) var writeReady = true
    /// The shell holds response bytes it has not written yet.
    private(set) var outputPending = false
    private(set) var lastWriteProgress: Int64 = 0
    private(set) var lingerDiscarded = 0

    // Body state (ConnectionMachine+Body.swift).
    var bodyMode: BodyMode = .none
    var bodyReceived: Int64 = 0
    /// Body bytes given to the consumer so far: the next buffer starts at this offset.
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
    /// An abort to send once the chunk in flight comes back.
    var pendingAbort: BodyAbortReason?
    /// When the body times out: each body byte moves it later (``creditBody(_:now:)``).
    var bodyDeadline: Int64 = 0

    // Effects waiting for `nextAction`, in the order it hands them out.
    var abortNow: BodyAbortReason?
    private var closing: (reason: BodyAbortReason, logAborted: Bool)?
    var pendingError: HTTPError?
    var pendingConsumerFailure = false
    private var pendingDecide = false
    var pendingContinue = false
    var pendingHandle = false
    private var pendingShutdown = false
    /// Buffered bytes may hold the next element: parse before reading more.
    var parseDirty = false

    init(settings: Settings, now: Int64) {
        self.settings = settings
        self.parser = RequestParser(limits: settings.parserLimits)
        self.lastActivity = now
    }

    var unparsed: Int { inbound.count - inboundStart }

    /// Whether no byte of a request is buffered or parsed (an idle connection).
    var isIdle: Bool { phase == .readingHead && parser.isIdle && unparsed == 0 }

    // MARK: the next action

    /// What the shell does next; call again after reporting its outcome, until `.none`.
    mutating func nextAction(now: Int64, buffers: inout BodyBufferPool) -> Action {
        while true {
            if let reason = abortNow {
                abortNow = nil
                releaseBodyBuffers(&buffers)
                return .abortConsumer(reason)
            }
            if let c = closing {
                closing = nil
                return .close(c.reason, logAborted: c.logAborted)
            }
            if phase == .closed { return .none }
            if let error = pendingError {
                pendingError = nil
                return .reject(error)
            }
            if pendingConsumerFailure {
                pendingConsumerFailure = false
                return .consumerFailed
            }
            if pendingDecide, let head {
                pendingDecide = false
                return .decide(head)
            }
            if pendingContinue {
                pendingContinue = false
                return .sendContinue
            }
            if pendingHandle, let request {
                pendingHandle = false
                return .handle(request)
            }
            if pendingShutdown {
                pendingShutdown = false
                return .shutdownWrite
            }
            if writeReady && outputPending { return .write }
            if parseDirty && (phase == .readingHead || phase == .readingBody) {
                parseDirty = false
                if phase == .readingBody, case .streaming = bodyMode {
                    streamingStep()
                } else {
                    processInbound(now: now)
                }
                continue
            }
            if readReady, let target = readTarget { return .read(target) }
            if let dispatch = dispatchBody(buffers: &buffers) { return dispatch }
            return .none
        }
    }

    /// Whether the connection's phase wants more bytes from the socket now.
    var wantsRead: Bool {
        switch phase {
        case .readingHead: return unparsed < settings.parserLimits.maxHeaderBytes + 4096
        case .readingBody:
            if case .streaming = bodyMode { return !bodyEnded && (filling?.space ?? 0) > 0 }
            return !bodyEnded
        case .lingering: return true
        default: return false
        }
    }

    /// Whether the shell could make progress on the socket now (it yields after a bounded number
    /// of rounds, so one busy connection does not starve the others).
    var hasSocketWork: Bool { (writeReady && outputPending) || (readReady && wantsRead) }

    private var readTarget: ReadTarget? {
        guard wantsRead else { return nil }
        switch phase {
        case .lingering: return .discard
        case .readingBody:
            guard case .streaming = bodyMode, let buffer = filling else { return .inbound(max: settings.readSize) }
            if unparsed == 0, let remaining = parser.identityRemaining, remaining > 0 {
                return .body(buffer, max: Int(min(Int64(buffer.space), remaining)))
            }
            return .inbound(max: min(buffer.space, settings.readSize))
        default: return .inbound(max: settings.readSize)
        }
    }

    // MARK: socket events

    /// An epoll event: `readable` (EPOLLIN), `writable` (EPOLLOUT), `peerShutWrite` (EPOLLRDHUP),
    /// `failed` (EPOLLERR or EPOLLHUP).
    mutating func socketEvent(
        readable: Bool, writable: Bool, peerShutWrite shut: Bool = false, failed: Bool = false,
        buffers: inout BodyBufferPool
    ) {
        if failed && !readable {
            close(.connectionClosed, buffers: &buffers)
            return
        }
        if readable { readReady = true }
        if shut {
            peerShutWrite = true
            readReady = true
        }
        if writable { writeReady = true }
    }

    /// `bytes` were read for a `.inbound(max: requested)` target.
    mutating func received(_ bytes: UnsafeRawBufferPointer, requested: Int, now: Int64) {
        let n = bytes.count
        lastActivity = now
        bytesIn += Int64(n)
        if phase == .readingBody, case .streaming = bodyMode {
            creditBody(n, now: now)
        } else {
            // A short read drained the socket: the next arrival raises a new edge.
            if n < requested && !peerShutWrite { readReady = false }
            if phase == .readingHead && parser.isIdle && unparsed == 0 { headStartedAt = now }
            if phase == .readingBody { creditBody(n, now: now) }
            if inboundStart > 0 && inboundStart == inbound.count {
                inbound.removeAll(keepingCapacity: true)
                inboundStart = 0
            }
        }
        inbound.append(contentsOf: bytes)
        parseDirty = true
    }

    /// A read would block: wait for the next edge.
    mutating func readBlocked() { readReady = false }

    /// A read returned 0 or failed. The peer closed its side: routine between requests;
    /// mid-body, the consumer is aborted (RFC 9112 §8: an incomplete message is never handled
    /// as if whole).
    mutating func endOfInput(buffers: inout BodyBufferPool) {
        close(.connectionClosed, buffers: &buffers)
    }

    /// `n` bytes were read and thrown away while lingering.
    mutating func discarded(_ n: Int, buffers: inout BodyBufferPool) {
        // Discard a bounded amount: a client still pushing a refused 1 GB body is cut off.
        lingerDiscarded += n
        if lingerDiscarded > 4 << 20 { close(.connectionClosed, buffers: &buffers) }
    }

    /// Response bytes were queued by the shell (a head, a `100 Continue`, stream chunks).
    mutating func outputQueued() { outputPending = true }

    /// Some output was written.
    mutating func wrote(now: Int64) { lastWriteProgress = now }

    /// A write would block: wait for the next edge.
    mutating func writeBlocked() { writeReady = false }

    /// Everything queued is written; `responseComplete` when the response is whole (its stream,
    /// if any, finished) rather than only drained for now.
    mutating func outputDrained(responseComplete: Bool, now: Int64) {
        outputPending = false
        guard responseComplete, phase == .writing else { return }
        if closeAfterWrite {
            // Shut our side, then read and discard until the client closes (bounded), so it
            // sees the response rather than a reset caused by unread request bytes.
            phase = .lingering(until: now + 2000)
            inbound = []
            inboundStart = 0
            pendingShutdown = true
            return
        }
        // Ready for the next request; pipelined bytes may already be waiting.
        phase = .readingHead
        parser.reset()
        head = nil
        request = nil
        bodyMode = .none
        lastActivity = now
        requestStartedAt = 0
        if unparsed > 0 { headStartedAt = now }
        parseDirty = true
    }

    // MARK: parsing

    /// Parses buffered bytes (heads, buffered bodies) for as long as the phase lets it.
    private mutating func processInbound(now: Int64) {
        while phase == .readingHead || phase == .readingBody {
            if case .streaming = bodyMode, phase == .readingBody {
                parseDirty = true
                return
            }
            let start = inboundStart
            let result = inbound.withUnsafeBytes { raw in
                Result { () throws(HTTPError) in try parser.feed(UnsafeRawBufferPointer(rebasing: raw[start...])) }
            }
            guard case .success(let step) = result else {
                if case .failure(let error) = result { protocolError(error, now: now) }
                return
            }
            inboundStart += step.consumed
            guard let event = step.event else {
                if step.consumed == 0 { break }
                continue
            }
            switch event {
            case .head(let h): headReceived(h, now: now)
            case .body(let range): bufferedBody(start + range.lowerBound, start + range.upperBound, now: now)
            case .end(let t): bodyComplete(trailers: t)
            }
        }
        compactInbound()
    }

    mutating func compactInbound() {
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

    mutating func consumeInbound(_ n: Int) { inboundStart += n }

    private mutating func headReceived(_ h: RequestHead, now: Int64) {
        requestStartedAt = now
        requestSerial &+= 1
        head = h
        keepAlive = h.keepAlive && !draining
        request = nil
        phase = .awaitingDecision
        pendingDecide = true
    }

    /// A malformed or timed-out request: answer its status with problem+json and close.
    mutating func protocolError(_ error: HTTPError, now: Int64) {
        abortBody(.malformed)
        closeAfterWrite = true
        if requestStartedAt == 0 || phase == .readingHead { requestStartedAt = now }
        phase = .handling
        pendingError = error
    }

    // MARK: responses

    /// The shell starts writing a response; `forceClose` when it must end the connection (a
    /// refusal, an HTTP/1.0 stream, server shutdown). Returns whether the connection closes after it.
    mutating func responseStarted(forceClose: Bool, now: Int64) -> Bool {
        if forceClose || !keepAlive || draining { closeAfterWrite = true }
        phase = .writing
        lastWriteProgress = now
        outputPending = true
        return closeAfterWrite
    }

    /// The head job answered without taking the body: a body that was not read makes the
    /// connection unusable for another request.
    mutating func answeredBeforeBody() {
        if head?.hasBody == true { closeAfterWrite = true }
    }

    /// The shell refused the request at its head (connection caps, a full handler queue).
    mutating func refused() { closeAfterWrite = true }

    /// Server shutdown: idle connections close now, busy ones after their response.
    mutating func drain(buffers: inout BodyBufferPool) {
        keepAlive = false
        draining = true
        if isIdle { close(.serverShutdown, buffers: &buffers) }
    }

    /// Ends the connection; a streaming body is aborted with `reason`.
    mutating func close(_ reason: BodyAbortReason, buffers: inout BodyBufferPool) {
        guard phase != .closed else { return }
        abortBody(reason)
        let active = phase == .writing || phase == .handling || phase == .readingBody || phase == .awaitingDecision
        phase = .closed
        closing = (reason, active)
        pendingError = nil
        pendingConsumerFailure = false
        pendingDecide = false
        pendingContinue = false
        pendingHandle = false
        pendingShutdown = false
        inbound = []
        inboundStart = 0
        releaseBodyBuffers(&buffers)
    }

    // MARK: timers

    /// The loop's timer: enforces the header, idle, body and write timeouts and the linger.
    mutating func tick(now: Int64, buffers: inout BodyBufferPool) {
        let t = settings.timeouts
        switch phase {
        case .readingHead:
            if parser.isIdle && unparsed == 0 {
                // A new connection that has sent nothing gets the header timeout; a kept-alive one
                // between requests the idle timeout.
                let limit = requestSerial == 0 ? t.headerRead : t.idleKeepAlive
                if draining || now - lastActivity > limit.milliseconds {
                    close(.connectionClosed, buffers: &buffers)
                }
            } else if now - headStartedAt > t.headerRead.milliseconds {
                // Slowloris: a head that never ends.
                protocolError(HTTPError(status: .requestTimeout, code: "request_timeout"), now: now)
            }
        case .readingBody:
            if outputPending && now - lastWriteProgress > t.write.milliseconds {
                close(.timeout, buffers: &buffers)
            } else if !wantsRead {
                // Paused by backpressure: the client is not the slow one.
                bodyDeadline = now + t.bodyIdle.milliseconds
            } else if now > bodyDeadline {
                // A stalled body, or one slower than the minimum rate: 408, then close.
                abortBody(.timeout)
                protocolError(
                    HTTPError(
                        status: .requestTimeout, code: "request_timeout",
                        detail: "the body arrived slower than \(t.minimumBodyBytesPerSecond) bytes per second"),
                    now: now)
            }
        case .writing:
            if outputPending && now - lastWriteProgress > t.write.milliseconds { close(.timeout, buffers: &buffers) }
        case .lingering(let until):
            if now >= until { close(.connectionClosed, buffers: &buffers) }
        default:
            break
        }
    }
}
