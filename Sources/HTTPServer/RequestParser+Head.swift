extension RequestParser {
    mutating func feedHead(_ input: UnsafeRawBufferPointer, scanned: Int) throws(HTTPError) -> Step {
        // RFC 9112 §2.2: ignore empty lines received before the request-line (old clients send
        // CRLF after a POST body).
        if scanned == 0, input.count >= 1, input[0] == 0x0D {
            if input.count < 2 { return Step(consumed: 0, event: nil) }
            if input[1] == 0x0A { return Step(consumed: 2, event: nil) }
        }
        var next = scanned
        guard let end = try scanLines(input, scanned: &next, isHead: true) else {
            state = .head(scanned: next)
            return Step(consumed: 0, event: nil)
        }
        let head = try makeHead(input, end: end)
        switch head.framing {
        case .none: state = .identity(remaining: 0)
        case .length(let n): state = .identity(remaining: n)
        case .chunked: state = .chunkSize
        }
        return Step(consumed: end, event: .head(head))
    }

    /// Scans CRLF-terminated lines from `scanned`; returns the offset just past the empty line
    /// that ends the section, or nil (with `scanned` at the start of the incomplete line).
    ///
    /// RFC 9112 §2.2: a bare CR, or a bare LF (which we do not accept as a line end, to leave no
    /// room for a proxy to disagree with us on where a line ends), is a 400.
    func scanLines(_ input: UnsafeRawBufferPointer, scanned: inout Int, isHead: Bool) throws(HTTPError) -> Int? {
        var lineStart = scanned
        while true {
            guard let lf = Self.lineEnd(input, from: lineStart, limit: Int.max) else {
                try Self.checkNoBareCR(input, lineStart..<input.count)
                if isHead && lineStart == 0 && input.count > limits.maxRequestLineBytes {
                    throw HTTPError(status: .uriTooLong, code: "uri_too_long")
                }
                if input.count > limits.maxHeaderBytes {
                    throw HTTPError(status: .requestHeaderFieldsTooLarge, code: "header_too_large")
                }
                scanned = lineStart
                return nil
            }
            guard lf > lineStart, input[lf - 1] == 0x0D else { throw Self.bad("line ended by a bare LF") }
            try Self.checkNoBareCR(input, lineStart..<(lf - 1))
            if isHead && lineStart == 0 && lf - 1 > limits.maxRequestLineBytes {
                throw HTTPError(status: .uriTooLong, code: "uri_too_long")
            }
            if lf + 1 > limits.maxHeaderBytes {
                throw HTTPError(status: .requestHeaderFieldsTooLarge, code: "header_too_large")
            }
            if lf - 1 == lineStart && !(isHead && lineStart == 0) { return lf + 1 }
            lineStart = lf + 1
        }
    }

    private func makeHead(_ input: UnsafeRawBufferPointer, end: Int) throws(HTTPError) -> RequestHead {
        let firstLF = Self.lineEnd(input, from: 0, limit: Int.max)!
        let (method, target, version) = try Self.parseRequestLine(input, 0..<(firstLF - 1))
        var headers = HTTPHeaders()
        var lineStart = firstLF + 1
        while lineStart < end - 2 {
            let lf = Self.lineEnd(input, from: lineStart, limit: Int.max)!
            try parseFieldLine(input, lineStart..<(lf - 1), into: &headers)
            lineStart = lf + 1
        }
        // RFC 9112 §3.2: a 1.1 request without exactly one Host, or with several, gets 400.
        let hosts = headers.values("Host")
        if hosts.count > 1 || (version == .http1_1 && hosts.isEmpty) { throw Self.bad("missing or repeated Host") }
        let framing = try Self.framing(headers, version: version)
        let connection = headers.tokens("Connection")
        let keepAlive =
            version == .http1_1
            ? !connection.contains("close") : connection.contains("keep-alive") && !connection.contains("close")
        var expectContinue = false
        if let expect = headers["Expect"] {
            // RFC 9110 §10.1.1: only 100-continue is defined; ignore it in HTTP/1.0.
            guard expect.trimmingSpaces().lowercased() == "100-continue" else {
                throw HTTPError(status: .expectationFailed, code: "expectation_failed")
            }
            expectContinue = version == .http1_1
        }
        let (path, query) = try Self.parseTarget(target, method: method)
        return RequestHead(
            method: method, target: target, version: version, headers: headers, framing: framing,
            keepAlive: keepAlive, expectContinue: expectContinue, path: path, query: query)
    }

    /// RFC 9112 §6.3: how the body length is determined, refusing every ambiguous combination.
    static func framing(_ headers: HTTPHeaders, version: HTTPVersion) throws(HTTPError) -> RequestHead.Framing {
        let lengths = headers.values("Content-Length")
        if headers.contains("Transfer-Encoding") {
            // §6.1: Transfer-Encoding in HTTP/1.0 means faulty framing.
            if version == .http1_0 { throw bad("Transfer-Encoding in an HTTP/1.0 request") }
            // §6.1 and §6.3 (3): both headers is a smuggling attempt, not a choice to make.
            if !lengths.isEmpty { throw bad("Content-Length together with Transfer-Encoding") }
            let codings = headers.tokens("Transfer-Encoding")
            // §6.3 (4): chunked must be the final coding, or the length cannot be known: 400.
            guard codings.last == "chunked", codings.filter({ $0 == "chunked" }).count == 1 else {
                throw bad("Transfer-Encoding must end with a single chunked")
            }
            // §6.1: a coding we do not implement (gzip before chunked) is a 501.
            guard codings.count == 1 else {
                throw HTTPError(status: .notImplemented, code: "unsupported_transfer_encoding")
            }
            return .chunked
        }
        guard !lengths.isEmpty else { return .none }
        // §6.3 (5): repeated or listed values must all be the same valid number, else 400.
        var length: Int64?
        for element in lengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
            let digits = element.trimmingSpaces()
            guard !digits.isEmpty, digits.utf8.count <= 18, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let n = Int64(digits)
            else { throw bad("invalid Content-Length") }
            if let length, length != n { throw bad("conflicting Content-Length values") }
            length = n
        }
        return .length(length!)
    }

    /// RFC 9112 §3: method SP request-target SP HTTP-version, single spaces only.
    static func parseRequestLine(
        _ input: UnsafeRawBufferPointer, _ line: Range<Int>
    ) throws(HTTPError) -> (
        HTTPMethod, String, HTTPVersion
    ) {
        var parts: [Range<Int>] = []
        var start = line.lowerBound
        for i in line where input[i] == 0x20 {
            parts.append(start..<i)
            start = i + 1
        }
        parts.append(start..<line.upperBound)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { throw bad("malformed request line") }
        guard parts[0].allSatisfy({ isTokenByte(input[$0]) }) else { throw bad("invalid method") }
        // The target is visible ASCII only; anything else (controls, UTF-8) is a 400.
        guard parts[1].allSatisfy({ input[$0] > 0x20 && input[$0] < 0x7F }) else { throw bad("invalid request target") }
        let v = parts[2]
        let prefix: [UInt8] = Array("HTTP/".utf8)
        guard v.count == 8, (0..<5).allSatisfy({ input[v.lowerBound + $0] == prefix[$0] }),
            isDigit(input[v.lowerBound + 5]), input[v.lowerBound + 6] == 0x2E, isDigit(input[v.lowerBound + 7])
        else { throw bad("malformed HTTP version") }
        let major = Int(input[v.lowerBound + 5] - 0x30)
        let minor = Int(input[v.lowerBound + 7] - 0x30)
        // Protocol §15: exactly 1.0 and 1.1. RFC 9110 §2.5 would let a server treat 1.2 as 1.1, but
        // no HTTP/1.2 exists, and a version we cannot name is answered as one we do not speak.
        guard major == 1, minor <= 1 else {
            throw HTTPError(
                status: .httpVersionNotSupported, code: "http_version_not_supported",
                detail: "only HTTP/1.0 and HTTP/1.1 are supported")
        }
        return (
            HTTPMethod(string(input, parts[0])), string(input, parts[1]), minor == 0 ? .http1_0 : .http1_1
        )
    }

    /// RFC 9112 §5: field-name ":" OWS field-value OWS.
    func parseFieldLine(
        _ input: UnsafeRawBufferPointer, _ line: Range<Int>, into headers: inout HTTPHeaders
    )
        throws(HTTPError)
    {
        // §5.2: obs-fold (a line starting with SP or HTAB) is rejected with 400.
        guard let first = line.first, input[first] != 0x20, input[first] != 0x09 else {
            throw Self.bad("obsolete line folding")
        }
        guard let colon = line.first(where: { input[$0] == 0x3A }), colon > line.lowerBound else {
            throw Self.bad("header field without a name")
        }
        // §5.1: no whitespace between the name and the colon; names are tokens.
        guard (line.lowerBound..<colon).allSatisfy({ Self.isTokenByte(input[$0]) }) else {
            throw Self.bad("invalid header field name")
        }
        var vs = colon + 1
        var ve = line.upperBound
        while vs < ve, input[vs] == 0x20 || input[vs] == 0x09 { vs += 1 }
        while ve > vs, input[ve - 1] == 0x20 || input[ve - 1] == 0x09 { ve -= 1 }
        // RFC 9110 §5.5: field values are VCHAR, obs-text, SP and HTAB; NUL, CR, LF and other
        // controls are rejected rather than stripped.
        guard (vs..<ve).allSatisfy({ Self.isFieldValueByte(input[$0]) }) else {
            throw Self.bad("invalid character in a header field value")
        }
        guard headers.count < limits.maxHeaderCount else {
            throw HTTPError(status: .requestHeaderFieldsTooLarge, code: "header_too_large")
        }
        headers.add(Self.string(input, line.lowerBound..<colon), Self.string(input, vs..<ve))
    }

    // MARK: byte classes and helpers

    static func bad(_ detail: String) -> HTTPError {
        HTTPError(status: .badRequest, code: "bad_request", detail: detail)
    }

    static func lineEnd(_ input: UnsafeRawBufferPointer, from: Int, limit: Int) -> Int? {
        guard from < input.count else { return nil }
        let end = min(input.count, limit == Int.max ? input.count : from + limit + 2)
        var i = from
        while i < end {
            if input[i] == 0x0A { return i }
            i += 1
        }
        return nil
    }

    static func lastLineStart(_ input: UnsafeRawBufferPointer, from: Int) -> Int {
        var start = from
        while let lf = lineEnd(input, from: start, limit: Int.max) { start = lf + 1 }
        return start
    }

    /// A CR must be followed by LF; a CR as the very last byte may still get its LF.
    static func checkNoBareCR(_ input: UnsafeRawBufferPointer, _ range: Range<Int>) throws(HTTPError) {
        for i in range where input[i] == 0x0D {
            if i + 1 < input.count, input[i + 1] != 0x0A { throw bad("bare CR") }
            if i + 1 < range.upperBound { throw bad("bare CR") }
        }
    }

    /// RFC 9110 §5.6.2 tchar.
    static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }

    static func isFieldValueByte(_ b: UInt8) -> Bool { b == 0x09 || (b >= 0x20 && b != 0x7F) }

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }

    static func string(_ input: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: input[range]), as: UTF8.self)
    }
}
