/// Request bodies: collected whole for buffered routes, streamed through ``BodyBuffer``s to a
/// consumer (one buffer in flight at a time, in order) for streaming ones.
extension ConnectionMachine {
    /// The head job routed the request to a body-taking route.
    mutating func beginBody(_ mode: BodyMode, now: Int64, buffers: inout BodyBufferPool) {
        guard phase == .awaitingDecision else { return }
        bodyMode = mode
        bodyReceived = 0
        bodyHandedOff = 0
        bodyEnded = false
        phase = .readingBody
        bodyDeadline = now + settings.timeouts.bodyIdle.milliseconds
        if case .streaming = mode {
            consumerDone = false
            filling = buffers.take(large: fastSender)
        }
        // A buffered body of known length is collected without regrowing (and copying) its array on
        // the way; at most `reservedBodyBytes` up front, so a declared length costs nothing unsent.
        if case .buffered(let limit, var bytes) = mode, let expected = parser.identityRemaining, expected > 0,
            expected <= Int64(limit)
        {
            bytes.reserveCapacity(Int(min(expected, Int64(Self.reservedBodyBytes))))
            bodyMode = .buffered(limit: limit, bytes: bytes)
        }
        // RFC 9110 §10.1.1: the route will take the body, so invite the client to send it.
        if head?.expectContinue == true { pendingContinue = true }
        parseDirty = true
    }

    /// The most a buffered body's array is given before its bytes arrive (a full push is ~350 KB).
    static let reservedBodyBytes = 1 << 20

    /// Body bytes of a buffered route, from `inbound`.
    mutating func bufferedBody(_ from: Int, _ to: Int, now: Int64) {
        guard case .buffered(let limit, var bytes) = bodyMode else { return }
        bodyReceived += Int64(to - from)
        guard bodyReceived <= Int64(limit) else {
            protocolError(Responder.tooLarge(limit: Int64(limit)), now: now)
            return
        }
        bodyMode = .none  // drop the reference so the append does not copy
        bytes.append(contentsOf: inbound[from..<to])
        bodyMode = .buffered(limit: limit, bytes: bytes)
    }

    /// The parser reached the end of the message (the head of a body-less request included).
    mutating func bodyComplete(trailers t: HTTPHeaders) {
        switch bodyMode {
        case .buffered(_, let bytes):
            bodyMode = .none
            phase = .handling
            request?.body = .bytes(bytes)
            pendingHandle = true
        case .streaming:
            bodyEnded = true
            trailers = t
        case .none:
            // A request answered before its body: nothing to do until the response is written.
            break
        }
    }

    /// Moves parsed body bytes from `inbound` into the filling buffer (never more than fits).
    mutating func streamingStep() {
        guard case .streaming(let limit) = bodyMode, phase == .readingBody else { return }
        while !bodyEnded, let buffer = filling, buffer.space > 0 {
            let offered = min(unparsed, buffer.space)
            let start = inboundStart
            let result = inbound.withUnsafeBytes { raw in
                Result { () throws(HTTPError) in
                    try parser.feed(UnsafeRawBufferPointer(rebasing: raw[start..<(start + offered)]))
                }
            }
            guard case .success(let step) = result else {
                if case .failure(let error) = result { protocolError(error, now: lastActivity) }
                return
            }
            consumeInbound(step.consumed)
            if case .body(let range)? = step.event {
                let n = range.count
                bodyReceived += Int64(n)
                if bodyReceived > limit {
                    abortBody(.tooLarge)
                    protocolError(Responder.tooLarge(limit: limit), now: lastActivity)
                    return
                }
                inbound.withUnsafeBytes { raw in
                    buffer.end.copyMemory(from: raw.baseAddress! + start + range.lowerBound, byteCount: n)
                }
                buffer.count += n
            } else if case .end(let t)? = step.event {
                bodyEnded = true
                trailers = t
            } else if step.consumed == 0 {
                break
            }
        }
        compactInbound()
    }

    /// `n` body bytes were read straight into the filling buffer for a `.body(_, max: requested)` target.
    mutating func receivedBody(_ n: Int, requested: Int, now: Int64) {
        guard let buffer = filling else { return }
        lastActivity = now
        bytesIn += Int64(n)
        creditBody(n, now: now)
        bodyReceived += Int64(n)
        buffer.count += n
        parser.consumeIdentity(n)
        if parser.identityRemaining == 0 { parseDirty = true }
        if n < requested && !peerShutWrite { readReady = false }
    }

    /// Body bytes arrived: the deadline moves `n / minimumBodyBytesPerSecond` later, but never more
    /// than `bodyIdle` ahead of now (so a pause is bounded and a slow trickle falls behind).
    mutating func creditBody(_ n: Int, now: Int64) {
        let t = settings.timeouts
        let credit = Int64(n) * 1000 / Int64(max(1, t.minimumBodyBytesPerSecond))
        bodyDeadline = min(bodyDeadline + credit, now + t.bodyIdle.milliseconds)
    }

    /// Gives the filled buffer to the consumer (one at a time, in order), or `finish`es once the
    /// body has ended and every byte was consumed; nil when neither is due.
    mutating func dispatchBody(buffers: inout BodyBufferPool) -> Action? {
        guard phase == .readingBody, !chunkInFlight, case .streaming = bodyMode else { return nil }
        if let buffer = filling, buffer.count > 0 {
            chunkInFlight = true
            bodyHandedOff += Int64(buffer.count)
            // A buffer that filled up while the previous one was being consumed means a sender
            // faster than the consumer: from here on this connection's bodies get large buffers
            // (a client sending PATCH after PATCH on one connection does not start small again).
            if buffer.space == 0 { fastSender = true }
            let large = fastSender
            var reused = spare
            spare = nil
            if let s = reused, large, s.storage.count < buffers.largeCapacity {
                buffers.recycle(s)
                reused = nil
            }
            let next = reused ?? buffers.take(large: large)
            next.reset(bodyOffset: bodyHandedOff)
            filling = next
            // Bytes left in `inbound` (a buffer filled up before they fit) go into the new one.
            if unparsed > 0 || bodyEnded { parseDirty = true }
            return .consume(buffer)
        }
        guard bodyEnded else { return nil }
        phase = .handling
        consumerDone = true
        // The whole body is in: from here the response tells the client how it ended.
        releaseBodyBuffers(&buffers)
        return .finish(trailers: trailers)
    }

    /// The consumer is done with `buffer`; `failed` if its `consume` threw.
    mutating func chunkConsumed(_ buffer: BodyBuffer, failed: Bool, buffers: inout BodyBufferPool) {
        chunkInFlight = false
        buffer.count = 0
        if let reason = pendingAbort, !consumerDone {
            pendingAbort = nil
            buffers.recycle(buffer)
            sendAbort(reason, buffers: &buffers)
            return
        }
        guard phase == .readingBody else {
            buffers.recycle(buffer)
            return
        }
        spare = buffer
        if failed {
            sendAbort(.consumerFailed, buffers: &buffers)
            closeAfterWrite = true
            phase = .handling
            pendingConsumerFailure = true
            return
        }
        parseDirty = true
    }

    /// Ends a streaming body early: `abort` now, or as soon as the chunk in flight returns.
    mutating func abortBody(_ reason: BodyAbortReason) {
        guard case .streaming = bodyMode, !consumerDone else { return }
        if chunkInFlight {
            if pendingAbort == nil { pendingAbort = reason }
        } else {
            consumerDone = true
            abortNow = reason
        }
    }

    private mutating func sendAbort(_ reason: BodyAbortReason, buffers: inout BodyBufferPool) {
        guard case .streaming = bodyMode, !consumerDone else { return }
        consumerDone = true
        releaseBodyBuffers(&buffers)
        abortNow = reason
    }

    /// Returns the filling and spare buffers to the loop's pool (a buffer in flight comes back
    /// through ``chunkConsumed(_:failed:buffers:)``).
    mutating func releaseBodyBuffers(_ buffers: inout BodyBufferPool) {
        if let b = filling { buffers.recycle(b) }
        if let b = spare { buffers.recycle(b) }
        filling = nil
        spare = nil
    }

    /// A ``CancelHandle`` fired: end request `serial` if its body is still streaming.
    ///
    /// The consumer gets `abort(.cancelled)` (deferred while a chunk is in flight) and the socket
    /// is closed without a response: the client learns the true offset from its next request.
    mutating func cancelRequest(_ serial: UInt64, buffers: inout BodyBufferPool) {
        guard serial == requestSerial, phase != .closed, case .streaming = bodyMode, !consumerDone else { return }
        close(.cancelled, buffers: &buffers)
    }
}
