/// An incremental RFC 9112 request parser: a value-type state machine fed with bytes.
///
/// The caller keeps unconsumed bytes and feeds them again with more appended (swift-nio's
/// decoder contract: nothing is consumed until a whole element is present). Each call returns
/// how many bytes it consumed and at most one event: the head, a run of body bytes (a range of
/// the input, so bodies are never copied here), or the end of the message with its trailers.
/// No I/O, no clock: it is tested by feeding every split point of each request.
///
/// Any violation throws ``HTTPError`` with the status to send (400, 413, 414, 431, 501, 505);
/// the caller answers it and closes the connection, since the framing can no longer be trusted.
struct RequestParser {
    struct Limits: Sendable, Equatable {
        var maxRequestLineBytes = 8 * 1024
        var maxHeaderBytes = 32 * 1024
        var maxHeaderCount = 100
        /// Longest chunk-size line, extensions included.
        var maxChunkLineBytes = 4096
    }

    enum Event: Sendable {
        case head(RequestHead)
        case body(Range<Int>)
        case end(trailers: HTTPHeaders)
    }

    struct Step {
        var consumed: Int
        var event: Event?
    }

    enum State: Equatable {
        /// Reading the head; `scanned` bytes are complete, validated lines.
        case head(scanned: Int)
        case identity(remaining: Int64)
        case chunkSize
        case chunkData(remaining: Int64)
        case chunkDataEnd
        case trailers(scanned: Int)
        /// The message ended; `reset()` before the next one.
        case complete
    }

    let limits: Limits
    var state: State = .head(scanned: 0)

    init(limits: Limits = Limits()) { self.limits = limits }

    /// Prepares for the next request on the same connection.
    mutating func reset() { state = .head(scanned: 0) }

    /// Whether no byte of a message has been consumed yet (an idle keep-alive connection).
    var isIdle: Bool { state == .head(scanned: 0) || state == .complete }

    /// Body bytes still expected in a `Content-Length` body, for reads straight into a consumer buffer.
    var identityRemaining: Int64? {
        if case .identity(let r) = state { return r }
        return nil
    }

    /// Records `n` body bytes that the caller read directly, bypassing `feed`.
    mutating func consumeIdentity(_ n: Int) {
        guard case .identity(let r) = state, Int64(n) <= r else { preconditionFailure("not in an identity body") }
        state = .identity(remaining: r - Int64(n))
    }

    /// Parses what it can of `input`.
    mutating func feed(_ input: UnsafeRawBufferPointer) throws(HTTPError) -> Step {
        switch state {
        case .head(let scanned):
            return try feedHead(input, scanned: scanned)
        case .identity(let remaining):
            if remaining == 0 {
                state = .complete
                return Step(consumed: 0, event: .end(trailers: HTTPHeaders()))
            }
            let n = Int(min(Int64(input.count), remaining))
            guard n > 0 else { return Step(consumed: 0, event: nil) }
            state = .identity(remaining: remaining - Int64(n))
            return Step(consumed: n, event: .body(0..<n))
        case .chunkSize:
            return try feedChunkSize(input)
        case .chunkData(let remaining):
            let n = Int(min(Int64(input.count), remaining))
            guard n > 0 else { return Step(consumed: 0, event: nil) }
            state = remaining == Int64(n) ? .chunkDataEnd : .chunkData(remaining: remaining - Int64(n))
            return Step(consumed: n, event: .body(0..<n))
        case .chunkDataEnd:
            // RFC 9112 §7.1: chunk-data is followed by exactly CRLF.
            guard input.count >= 2 else {
                if input.count == 1 && input[0] != 0x0D { throw Self.bad("chunk data not followed by CRLF") }
                return Step(consumed: 0, event: nil)
            }
            guard input[0] == 0x0D, input[1] == 0x0A else { throw Self.bad("chunk data not followed by CRLF") }
            state = .chunkSize
            return Step(consumed: 2, event: nil)
        case .trailers(let scanned):
            return try feedTrailers(input, scanned: scanned)
        case .complete:
            return Step(consumed: 0, event: nil)
        }
    }

    /// The connection reached end of input; throws if a message was cut short.
    ///
    /// RFC 9112 §8: a request whose body ends before its `Content-Length` or before the final
    /// chunk is incomplete and must not be processed as if whole.
    func endOfInput() throws(HTTPError) {
        switch state {
        case .head(scanned: 0), .complete: return
        case .head: throw Self.bad("connection closed inside the request head")
        default: throw Self.bad("connection closed before the end of the body")
        }
    }

    // MARK: chunked framing (RFC 9112 §7.1)

    private mutating func feedChunkSize(_ input: UnsafeRawBufferPointer) throws(HTTPError) -> Step {
        guard let lf = Self.lineEnd(input, from: 0, limit: limits.maxChunkLineBytes) else {
            if input.count > limits.maxChunkLineBytes { throw Self.bad("chunk-size line too long") }
            try Self.checkNoBareCR(input, 0..<input.count)
            return Step(consumed: 0, event: nil)
        }
        guard lf > 0, input[lf - 1] == 0x0D else { throw Self.bad("chunk-size line not ended by CRLF") }
        let line = 0..<(lf - 1)
        try Self.checkNoBareCR(input, line)
        // chunk-size = 1*HEXDIG; refuse sizes that overflow 63 bits (smuggling by wrap-around).
        var size: Int64 = 0
        var i = line.lowerBound
        while i < line.upperBound, let d = Self.hexValue(input[i]) {
            guard size <= (Int64.max - Int64(d)) / 16 else { throw Self.bad("chunk size overflows") }
            size = size * 16 + Int64(d)
            i += 1
        }
        guard i > line.lowerBound else { throw Self.bad("chunk size is not hexadecimal") }
        // chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ): accepted and ignored,
        // but only after a ';' and only with visible characters.
        var j = i
        while j < line.upperBound, input[j] == 0x20 || input[j] == 0x09 { j += 1 }
        if j < line.upperBound {
            guard input[j] == 0x3B else { throw Self.bad("invalid chunk extension") }
            for k in j..<line.upperBound where !Self.isFieldValueByte(input[k]) {
                throw Self.bad("invalid chunk extension")
            }
        }
        state = size == 0 ? .trailers(scanned: 0) : .chunkData(remaining: size)
        return Step(consumed: lf + 1, event: nil)
    }

    private mutating func feedTrailers(_ input: UnsafeRawBufferPointer, scanned: Int) throws(HTTPError) -> Step {
        // trailer-section = *( field-line CRLF ) CRLF, parsed with the header rules and limits.
        var next = scanned
        guard let end = try scanLines(input, scanned: &next, isHead: false) else {
            state = .trailers(scanned: next)
            return Step(consumed: 0, event: nil)
        }
        var trailers = HTTPHeaders()
        var lineStart = 0
        while lineStart < end - 2 {
            let lf = Self.lineEnd(input, from: lineStart, limit: Int.max)!
            try parseFieldLine(input, lineStart..<(lf - 1), into: &trailers)
            lineStart = lf + 1
        }
        state = .complete
        return Step(consumed: end, event: .end(trailers: trailers))
    }
}
