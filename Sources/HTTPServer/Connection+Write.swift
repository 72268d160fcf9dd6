import Glibc
import SystemKit

extension Connection {
    var hasPendingOutput: Bool { outboundStart < outbound.count || (file?.remaining ?? 0) > 0 }

    /// Back on the loop with a handler's response.
    func responseReady(_ prepared: PreparedResponse) {
        guard phase == .handling || phase == .awaitingDecision else {
            if case .file(let fd, _, _) = prepared.body { Glibc.close(fd) }
            return
        }
        startResponse(prepared)
        updateInterest()
    }

    /// Serializes the head (and a bytes body) and starts writing.
    func startResponse(_ prepared: PreparedResponse) {
        phase = .writing
        responseStatus = prepared.status.code
        responseRoute = prepared.route
        let isHead = request?.method == .head
        let version = request?.version ?? .http1_1
        if !keepAlive || loop.draining || context.isDraining { closeAfterWrite = true }
        var h = "HTTP/1.1 \(prepared.status.code) \(prepared.status.reasonPhrase)\r\n"
        for field in prepared.headers {
            // Framing is ours to decide: a handler's Content-Length could desynchronize the connection.
            if HTTPHeaders.sameName(field.name, "Content-Length")
                || HTTPHeaders.sameName(field.name, "Transfer-Encoding")
                || HTTPHeaders.sameName(field.name, "Connection")
            {
                continue
            }
            // Header injection: a CR or LF in a handler's value would start a new field.
            let safeValue = field.value.contains(where: { $0 == "\r" || $0 == "\n" }) ? "" : field.value
            h += "\(field.name): \(safeValue)\r\n"
        }
        h += "Date: \(loop.currentDate())\r\n"
        for field in context.configuration.responseHeaders where prepared.headers[field.name] == nil {
            h += "\(field.name): \(field.value)\r\n"
        }
        // Protocol §1: every response carries `Request-Id` (a handler may have set it already).
        if let id = request?.requestID, !id.isEmpty, prepared.headers["Request-Id"] == nil {
            h += "Request-Id: \(id)\r\n"
        }
        let code = prepared.status.code
        let bodyless = code == 204 || code == 304 || (100..<200).contains(code)
        var bodyBytes: [UInt8]?
        switch prepared.body {
        case .none:
            if !bodyless { h += "Content-Length: 0\r\n" }
        case .bytes(let b):
            h += "Content-Length: \(b.count)\r\n"
            if !isHead && !bodyless { bodyBytes = b }
        case .file(let ffd, let offset, let length):
            h += "Content-Length: \(length)\r\n"
            if isHead || bodyless || length == 0 {
                Glibc.close(ffd)
            } else {
                file = (ffd, offset, length)
            }
        case .stream(let producer):
            if version == .http1_1 {
                h += "Transfer-Encoding: chunked\r\n"
            } else {
                // HTTP/1.0 has no chunked coding: the body ends when the connection does.
                closeAfterWrite = true
            }
            if !isHead && !bodyless { startStream(producer, chunked: version == .http1_1) }
        }
        if closeAfterWrite {
            h += "Connection: close\r\n"
        } else if version == .http1_0 {
            h += "Connection: keep-alive\r\n"
        }
        h += "\r\n"
        outbound.append(contentsOf: h.utf8)
        if let bodyBytes { outbound.append(contentsOf: bodyBytes) }
        lastWriteProgress = monotonicMillis()
        flush()
    }

    private func startStream(_ producer: @escaping @Sendable (ResponseBodyWriter) throws -> Void, chunked: Bool) {
        let loop = self.loop
        let channel = StreamChannel(notify: { [self] in loop.execute { self.streamReady() } })
        stream = channel
        streamChunked = chunked
        let logger = context.logger
        let requestID = request?.requestID ?? ""
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
        guard phase == .writing else { return }
        flush()
        updateInterest()
    }

    /// Writes as much as the socket takes; completes the response when everything is out.
    func flush() {
        while phase != .closed {
            if outboundStart < outbound.count {
                let result: IOResult<Int>
                do {
                    result = try outbound.withUnsafeBytes { raw throws(HTTPError) in
                        try syscall("send") {
                            send(fd, raw.baseAddress! + outboundStart, raw.count - outboundStart, Int32(MSG_NOSIGNAL))
                        }
                    }
                } catch {
                    close(abort: .connectionClosed)
                    return
                }
                guard case .processed(let n) = result else {
                    writeReady = false
                    return
                }
                outboundStart += n
                bytesOut += Int64(n)
                lastWriteProgress = monotonicMillis()
                if outboundStart == outbound.count {
                    outbound = []
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
                    close(abort: .connectionClosed)
                    return
                }
                guard case .processed(let n) = result else {
                    writeReady = false
                    return
                }
                if n == 0 {
                    // The file shrank under us: the promised length cannot be met, so cut the connection.
                    close(abort: .connectionClosed)
                    return
                }
                f.offset = Int64(offset)
                f.remaining -= Int64(n)
                bytesOut += Int64(n)
                lastWriteProgress = monotonicMillis()
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
                guard taken.finished else { return }
                stream = nil
                if taken.failed {
                    // Headers are out: the only honest signal of a broken body is a cut connection.
                    close(abort: .connectionClosed)
                    return
                }
                if streamChunked {
                    outbound.append(contentsOf: Array("0\r\n\r\n".utf8))
                    continue
                }
            }
            if phase == .writing { responseComplete() }
            return
        }
    }

    private func responseComplete() {
        logRequest()
        if closeAfterWrite {
            // Shut our side, then read and discard until the client closes (bounded), so it
            // sees the response rather than a reset caused by unread request bytes.
            shutdown(fd, Int32(SHUT_WR))
            phase = .lingering(until: monotonicMillis() + 2000)
            inbound = []
            inboundStart = 0
            updateInterest()
            return
        }
        // Ready for the next request; pipelined bytes may already be waiting.
        phase = .readingHead
        parser.reset()
        head = nil
        request = nil
        bodyMode = .none
        lastActivity = monotonicMillis()
        requestStartedAt = 0
        if unparsed > 0 { headStartedAt = lastActivity }
        processInbound()
        updateInterest()
    }

    private func logRequest() {
        guard let req = request, requestStartedAt > 0 else { return }
        let entry = AccessLogEntry(
            method: req.method.rawValue, route: responseRoute ?? "-", status: responseStatus, bytesIn: bytesIn,
            bytesOut: bytesOut, durationMs: Double(monotonicMillis() - requestStartedAt),
            requestID: req.requestID, remoteAddress: remoteAddress)
        bytesIn = 0
        bytesOut = 0
        requestStartedAt = 0
        context.finished(entry)
    }

    /// Closes the socket and releases everything; a streaming body is aborted with `reason`.
    func close(abort reason: BodyAbortReason) {
        guard phase != .closed else { return }
        abortBody(reason)
        if phase == .writing || phase == .handling || phase == .readingBody || phase == .awaitingDecision {
            if responseStatus == 0 { responseStatus = 499 }
            logRequest()
        }
        phase = .closed
        stream?.close()
        stream = nil
        if let f = file {
            Glibc.close(f.fd)
            file = nil
        }
        inbound = []
        outbound = []
        releaseBodyBuffers()
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
