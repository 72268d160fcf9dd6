import Glibc
import SystemKit

extension Connection {
    /// The most output buffer capacity a connection keeps between responses.
    static let keptOutputCapacity = 1024

    var hasPendingOutput: Bool { outboundStart < outbound.count || (file?.remaining ?? 0) > 0 }

    /// Back on the loop with a handler's response.
    func responseReady(_ prepared: PreparedResponse) {
        guard machine.phase == .handling || machine.phase == .awaitingDecision else {
            if case .file(let fd, _, _) = prepared.body { Glibc.close(fd) }
            return
        }
        startResponse(prepared)
        drive()
    }

    /// Serializes the head (and a bytes body) and queues it; the machine then asks for the write.
    func startResponse(_ prepared: PreparedResponse) {
        responseStatus = prepared.status.code
        responseRoute = prepared.route
        let isHead = machine.request?.method == .head
        let version = machine.request?.version ?? .http1_1
        var forceClose = loop.draining || context.isDraining
        // HTTP/1.0 has no chunked coding: a streamed body ends when the connection does.
        if case .stream = prepared.body, version != .http1_1 { forceClose = true }
        let closeAfterWrite = machine.responseStarted(forceClose: forceClose, now: monotonicMillis())
        let bodyless = ResponseHead.isBodyless(prepared.status.code)
        var bodyBytes: [UInt8]?
        let framing: ResponseHead.Framing
        switch prepared.body {
        case .none:
            framing = bodyless ? .none : .length(0)
        case .bytes(let b):
            framing = .length(Int64(b.count))
            if !isHead && !bodyless { bodyBytes = b }
        case .file(let ffd, let offset, let length):
            framing = .length(length)
            if isHead || bodyless || length == 0 {
                Glibc.close(ffd)
            } else {
                file = (ffd, offset, length)
            }
        case .stream(let producer):
            framing = version == .http1_1 ? .chunked : .none
            if !isHead && !bodyless { startStream(producer, chunked: version == .http1_1) }
        }
        let head = ResponseHead(
            status: prepared.status, fields: prepared.headers, date: loop.currentDate(),
            defaults: context.configuration.responseHeaders, requestID: machine.request?.requestID, framing: framing,
            persistence: closeAfterWrite ? .close : version == .http1_0 ? .keepAlive : .implicit)
        if outbound.isEmpty { outbound.reserveCapacity(256 + (bodyBytes?.count ?? 0)) }
        head.write(to: &outbound)
        if let bodyBytes { outbound.append(contentsOf: bodyBytes) }
    }

    private func startStream(_ producer: @escaping @Sendable (ResponseBodyWriter) throws -> Void, chunked: Bool) {
        let loop = self.loop
        let channel = StreamChannel(notify: { [self] in loop.execute { self.streamReady() } })
        stream = channel
        streamChunked = chunked
        let logger = context.logger
        let requestID = machine.request?.requestID ?? ""
        context.pool.submitContinuation {
            do {
                try producer(ResponseBodyWriter(channel: channel))
                channel.finish(failed: false)
            } catch {
                logger.warning(
                    "response stream failed",
                    ["http.request_id": .string(requestID), "error.type": .string(String(describing: type(of: error)))])
                channel.finish(failed: true)
            }
        }
    }

    private func streamReady() {
        guard machine.phase == .writing else { return }
        machine.outputQueued()
        drive()
    }

    /// Writes as much as the socket takes; tells the machine when everything is out.
    func flush() {
        while machine.phase != .closed {
            if outboundStart < outbound.count {
                let result: IOResult<Int>
                do {
                    result = try outbound.withUnsafeBytes { raw throws(HTTPError) in
                        try syscall("send") {
                            send(fd, raw.baseAddress! + outboundStart, raw.count - outboundStart, Int32(MSG_NOSIGNAL))
                        }
                    }
                } catch {
                    machine.close(.connectionClosed, buffers: &loop.bodyBuffers)
                    return
                }
                guard case .processed(let n) = result else {
                    machine.writeBlocked()
                    return
                }
                outboundStart += n
                bytesOut += Int64(n)
                machine.wrote(now: monotonicMillis())
                if outboundStart == outbound.count {
                    // A small buffer is kept for the next response on this connection (a keep-alive
                    // client polling: no malloc and free per response); a large one is let go.
                    if outbound.capacity <= Self.keptOutputCapacity {
                        outbound.removeAll(keepingCapacity: true)
                    } else {
                        outbound = []
                    }
                    outboundStart = 0
                }
                continue
            }
            if var f = file, f.remaining > 0 {
                let result: IOResult<Int>
                var offset = off_t(f.offset)
                do {
                    result = try syscall("sendfile") {
                        sendfile(fd, f.fd, &offset, Int(min(f.remaining, 1 << 30)))
                    }
                } catch {
                    machine.close(.connectionClosed, buffers: &loop.bodyBuffers)
                    return
                }
                guard case .processed(let n) = result else {
                    machine.writeBlocked()
                    return
                }
                if n == 0 {
                    // The file shrank under us: the promised length cannot be met, so cut the connection.
                    machine.close(.connectionClosed, buffers: &loop.bodyBuffers)
                    return
                }
                f.offset = Int64(offset)
                f.remaining -= Int64(n)
                bytesOut += Int64(n)
                machine.wrote(now: monotonicMillis())
                file = f
                if f.remaining == 0 {
                    Glibc.close(f.fd)
                    file = nil
                }
                continue
            }
            if let channel = stream {
                let taken = channel.take()
                for chunk in taken.chunks {
                    if streamChunked {
                        outbound.append(contentsOf: Array((String(chunk.count, radix: 16) + "\r\n").utf8))
                    }
                    outbound.append(contentsOf: chunk)
                    if streamChunked { outbound.append(contentsOf: [0x0D, 0x0A]) }
                }
                if !taken.chunks.isEmpty { continue }
                guard taken.finished else {
                    machine.outputDrained(responseComplete: false, now: monotonicMillis())
                    return
                }
                stream = nil
                if taken.failed {
                    // Headers are out: the only honest signal of a broken body is a cut connection.
                    machine.close(.connectionClosed, buffers: &loop.bodyBuffers)
                    return
                }
                if streamChunked {
                    outbound.append(contentsOf: Array("0\r\n\r\n".utf8))
                    continue
                }
            }
            if machine.phase == .writing { logRequest() }
            machine.outputDrained(responseComplete: true, now: monotonicMillis())
            return
        }
    }

    private func logRequest() {
        guard let req = machine.request, machine.requestStartedAt > 0 else { return }
        let entry = AccessLogEntry(
            method: req.method.rawValue, route: responseRoute ?? "-", status: responseStatus, bytesIn: machine.bytesIn,
            bytesOut: bytesOut, durationMs: Double(monotonicMillis() - machine.requestStartedAt),
            requestID: req.requestID, remoteAddress: remoteAddress)
        machine.bytesIn = 0
        bytesOut = 0
        machine.requestStartedAt = 0
        context.finished(entry)
    }

    /// Releases the descriptor and what the response holds (the machine has closed).
    func closeSocket(logAborted: Bool) {
        if logAborted {
            if responseStatus == 0 { responseStatus = 499 }
            logRequest()
        }
        stream?.close()
        stream = nil
        if let f = file {
            Glibc.close(f.fd)
            file = nil
        }
        outbound = []
        outboundStart = 0
        handler = nil
        loop.forget(fd)
        Glibc.close(fd)
        context.release(admission)
    }

    /// Refuses a connection over a cap: a best-effort 503 (the socket buffer is empty, so a
    /// short response fits), then close, so no descriptor is kept.
    static func shed(fd: Int32, response: [UInt8]) {
        _ = response.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        Glibc.close(fd)
    }
}
