import Glibc
import SystemKit

extension Connection {
    func beginBody(_ mode: BodyMode) {
        bodyMode = mode
        bodyReceived = 0
        bodyHandedOff = 0
        bodyEnded = false
        phase = .readingBody
        bodyDeadline = monotonicMillis() + context.configuration.timeouts.bodyIdle.milliseconds
        if case .streaming = mode {
            consumerDone = false
            filling = loop.bodyBuffers.take(large: fastSender)
        }
        if head?.expectContinue == true {
            // RFC 9110 §10.1.1: the route will take the body, so invite the client to send it.
            outbound.append(contentsOf: Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            flush()
        }
        processInbound()
    }

    /// Body bytes of a buffered route, from `inbound`.
    func bufferedBody(_ from: Int, _ to: Int) {
        guard case .buffered(let limit, let handler, var bytes) = bodyMode else { return }
        bodyReceived += Int64(to - from)
        guard bodyReceived <= Int64(limit) else {
            protocolError(Responder.tooLarge(limit: Int64(limit)))
            return
        }
        bodyMode = .none  // drop the reference so the append does not copy
        bytes.append(contentsOf: inbound[from..<to])
        bodyMode = .buffered(limit: limit, handler: handler, bytes: bytes)
    }

    /// The parser reached the end of the message (the head of a body-less request included).
    func bodyComplete(trailers t: HTTPHeaders) {
        switch bodyMode {
        case .buffered(_, let handler, let bytes):
            bodyMode = .none
            phase = .handling
            guard var req = request else { return }
            req.body = .bytes(bytes)
            let responder = context.responder
            let whole = req
            context.pool.submitContinuation { [self] in
                let prepared = responder.run(handler, whole)
                loop.execute { self.responseReady(prepared) }
            }
        case .streaming:
            bodyEnded = true
            trailers = t
        case .none:
            // A request answered before its body: nothing to do until the response is written.
            break
        }
    }

    // MARK: streaming bodies

    /// Moves parsed body bytes from `inbound` into the filling buffer (never more than fits),
    /// then hands a buffer to the consumer if none is in flight.
    func streamingStep() {
        guard case .streaming(let limit, _) = bodyMode, phase == .readingBody else { return }
        while !bodyEnded, let buffer = filling, buffer.space > 0 {
            let offered = min(unparsed, buffer.space)
            let result = inbound.withUnsafeBytes { raw in
                Result { () throws(HTTPError) in
                    try parser.feed(UnsafeRawBufferPointer(rebasing: raw[inboundStart..<(inboundStart + offered)]))
                }
            }
            guard case .success(let step) = result else {
                if case .failure(let error) = result { protocolError(error) }
                return
            }
            let start = inboundStart
            inboundStart += step.consumed
            if case .body(let range)? = step.event {
                let n = range.count
                bodyReceived += Int64(n)
                if bodyReceived > limit {
                    abortBody(.tooLarge)
                    protocolError(Responder.tooLarge(limit: limit))
                    return
                }
                inbound.withUnsafeBytes { raw in
                    buffer.end.copyMemory(
                        from: raw.baseAddress! + start + range.lowerBound, byteCount: n)
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
        dispatchBody()
    }

    /// Reads a streaming body: straight into the consumer's buffer for `Content-Length`
    /// bodies (no copy, reads as big as the buffer), through `inbound` for chunked ones.
    func readStreamingBody() {
        while readReady, phase == .readingBody, !bodyEnded, let buffer = filling, buffer.space > 0 {
            if unparsed == 0, let remaining = parser.identityRemaining, remaining > 0 {
                let want = Int(min(Int64(buffer.space), remaining))
                let result: IOResult<Int>
                do {
                    result = try syscall("recv") { recv(fd, buffer.end, want, 0) }
                } catch {
                    close(abort: .connectionClosed)
                    return
                }
                guard case .processed(let n) = result else {
                    readReady = false
                    break
                }
                guard n > 0 else {
                    close(abort: .connectionClosed)
                    return
                }
                lastActivity = monotonicMillis()
                bytesIn += Int64(n)
                creditBody(n, now: lastActivity)
                bodyReceived += Int64(n)
                buffer.count += n
                parser.consumeIdentity(n)
                if parser.identityRemaining == 0 { streamingStep() }
                if n < want && !peerShutWrite {
                    readReady = false
                    break
                }
            } else {
                let before = bytesIn
                let result: IOResult<Int>
                do {
                    result = try syscall("recv") {
                        recv(fd, loop.scratch.baseAddress, min(buffer.space, loop.scratch.count), 0)
                    }
                } catch {
                    close(abort: .connectionClosed)
                    return
                }
                guard case .processed(let n) = result else {
                    readReady = false
                    break
                }
                guard n > 0 else {
                    close(abort: .connectionClosed)
                    return
                }
                lastActivity = monotonicMillis()
                bytesIn = before + Int64(n)
                creditBody(n, now: lastActivity)
                inbound.append(contentsOf: UnsafeRawBufferPointer(start: loop.scratch.baseAddress, count: n))
                streamingStep()
            }
        }
        dispatchBody()
    }

    /// Gives the filled buffer to the consumer (one job at a time, in order), or calls
    /// `finish` once the body has ended and every byte was consumed.
    func dispatchBody() {
        guard phase == .readingBody, !chunkInFlight, case .streaming(_, let box) = bodyMode else { return }
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
            if let s = reused, large, s.storage.count < loop.bodyBuffers.largeCapacity {
                loop.bodyBuffers.recycle(s)
                reused = nil
            }
            let next = reused ?? loop.bodyBuffers.take(large: large)
            next.reset(bodyOffset: bodyHandedOff)
            filling = next
            context.pool.submitContinuation { [self] in
                var failure: (any Error)?
                do { try box.consumer.consume(buffer.bytes) } catch { failure = error }
                let error = failure.map { SendableError($0) }
                loop.execute { self.chunkConsumed(buffer, error: error) }
            }
        } else if bodyEnded {
            phase = .handling
            consumerDone = true
            // The whole body is in: from here the response tells the client how it ended.
            box.cancel?.release()
            releaseBodyBuffers()
            let t = trailers
            let responder = context.responder
            guard let req = request else { return }
            context.pool.submitContinuation { [self] in
                let prepared: PreparedResponse
                do {
                    prepared = responder.prepare(try box.consumer.finish(trailers: t), for: req)
                } catch {
                    prepared = responder.prepare(responder.errorResponse(error, request: req), for: req)
                }
                loop.execute { self.responseReady(prepared) }
            }
        }
        updateInterest()
    }

    private func chunkConsumed(_ buffer: BodyBuffer, error: SendableError?) {
        chunkInFlight = false
        buffer.count = 0
        if let reason = pendingAbort, !consumerDone {
            pendingAbort = nil
            loop.bodyBuffers.recycle(buffer)
            sendAbort(reason)
            return
        }
        guard phase == .readingBody else {
            loop.bodyBuffers.recycle(buffer)
            return
        }
        spare = buffer
        if let error {
            sendAbort(.consumerFailed)
            closeAfterWrite = true
            phase = .handling
            guard let req = request else { return }
            startResponse(
                context.responder.prepare(context.responder.errorResponse(error.error, request: req), for: req))
            updateInterest()
            return
        }
        streamingStep()
        if phase == .readingBody { readStreamingBody() }
        updateInterest()
    }

    /// Ends a streaming body early: `abort` now, or as soon as the chunk in flight returns.
    func abortBody(_ reason: BodyAbortReason) {
        guard case .streaming = bodyMode, !consumerDone else { return }
        if chunkInFlight {
            if pendingAbort == nil { pendingAbort = reason }
        } else {
            sendAbort(reason)
        }
    }

    private func sendAbort(_ reason: BodyAbortReason) {
        guard case .streaming(_, let box) = bodyMode, !consumerDone else { return }
        consumerDone = true
        box.cancel?.release()
        releaseBodyBuffers()
        context.pool.submitContinuation { box.consumer.abort(reason) }
    }
}

extension Connection {
    /// Returns the filling and spare buffers to the loop's pool (a buffer in flight comes back
    /// through `chunkConsumed`).
    func releaseBodyBuffers() {
        if let b = filling { loop.bodyBuffers.recycle(b) }
        if let b = spare { loop.bodyBuffers.recycle(b) }
        filling = nil
        spare = nil
    }

    /// A ``CancelHandle`` fired: end request `serial` if its body is still streaming.
    ///
    /// The consumer gets `abort(.cancelled)` (deferred while a chunk is in flight) and the socket
    /// is closed without a response: the client learns the true offset from its next request.
    func cancelRequest(_ serial: UInt64) {
        guard serial == requestSerial, phase != .closed, case .streaming = bodyMode, !consumerDone else { return }
        close(abort: .cancelled)
    }
}

/// Carries an error a consumer threw back to the loop.
///
/// `@unchecked Sendable` invariant: the error is only read on the loop after the consumer job
/// that created it has finished with it.
struct SendableError: @unchecked Sendable {
    let error: any Error
    init(_ error: any Error) { self.error = error }
}
