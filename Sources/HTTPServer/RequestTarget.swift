extension RequestParser {
    /// Splits and decodes a request-target (RFC 9112 §3.2): origin-form, absolute-form, or `*`
    /// for OPTIONS. The path is percent-decoded and refused if it contains `..` or `.` segments,
    /// NUL, an encoded `/`, invalid escapes or invalid UTF-8, so no handler can be tricked into
    /// walking a file tree.
    static func parseTarget(
        _ target: String, method: HTTPMethod
    ) throws(HTTPError) -> (
        String, [HTTPRequest.QueryItem]
    ) {
        if target == "*" {
            guard method == .options else { throw bad("asterisk-form is only for OPTIONS") }
            return ("*", [])
        }
        var bytes = target
        let usual = bytes.withUTF8 { utf8 in
            Result { () throws(HTTPError) in try originForm(UnsafeRawBufferPointer(utf8)) }
        }
        if let parsed = try usual.get() { return parsed }
        var rest = Substring(target)
        if !rest.hasPrefix("/") {
            // absolute-form: scheme "://" authority path-abempty [ "?" query ].
            let lower = rest.prefix(8).lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { throw bad("invalid request target") }
            rest = rest[rest.index(rest.startIndex, offsetBy: lower.hasPrefix("http://") ? 7 : 8)...]
            guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return ("/", []) }
            rest = rest[slash...]
            if rest.hasPrefix("?") { rest = "/" + rest }
        }
        let rawPath: Substring
        var rawQuery: Substring?
        if let q = rest.firstIndex(of: "?") {
            rawPath = rest[..<q]
            rawQuery = rest[rest.index(after: q)...]
        } else {
            rawPath = rest
        }
        // Fragments are never sent in a request-target (RFC 9112 §3.2.1).
        if rest.utf8.contains(0x23) { throw bad("fragment in request target") }
        var segments: [String] = []
        for segment in rawPath.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let decoded = try percentDecode(segment, plusIsSpace: false)
            guard decoded != "..", decoded != ".", !decoded.utf8.contains(0x2F) else {
                throw bad("invalid path segment")
            }
            segments.append(decoded)
        }
        let path = "/" + segments.joined(separator: "/")
        var query: [HTTPRequest.QueryItem] = []
        if let rawQuery, !rawQuery.isEmpty {
            for pair in rawQuery.split(separator: "&") {
                if let eq = pair.firstIndex(of: "=") {
                    query.append(
                        HTTPRequest.QueryItem(
                            name: try percentDecode(pair[..<eq], plusIsSpace: true),
                            value: try percentDecode(pair[pair.index(after: eq)...], plusIsSpace: true)))
                } else {
                    query.append(HTTPRequest.QueryItem(name: try percentDecode(pair, plusIsSpace: true), value: nil))
                }
            }
        }
        return (path, query)
    }

    /// ``parseTarget(_:method:)`` for the usual target, read from its bytes: origin-form, ASCII, and
    /// no `%` in the path (so the path is the target's path as sent once its segments are checked).
    /// Nil for any other target, which takes the general path. Every request parses its target, and
    /// splitting Substrings walks grapheme clusters (issue 15).
    private static func originForm(
        _ bytes: UnsafeRawBufferPointer
    ) throws(HTTPError) -> (String, [HTTPRequest.QueryItem])? {
        guard bytes.first == 0x2F, !bytes.contains(where: { $0 >= 0x80 || $0 == 0x23 }) else { return nil }
        let pathEnd = bytes.firstIndex(of: 0x3F) ?? bytes.count
        let rawPath = UnsafeRawBufferPointer(rebasing: bytes[..<pathEnd])
        guard !rawPath.contains(0x25) else { return nil }
        // Every segment after the leading `/`: `.` and `..` are refused (encoded `/` needs a `%`).
        var segmentStart = 1
        for i in 1...rawPath.count where i == rawPath.count || rawPath[i] == 0x2F {
            let length = i - segmentStart
            if (length == 1 || length == 2) && rawPath[segmentStart] == 0x2E
                && (length == 1 || rawPath[segmentStart + 1] == 0x2E)
            {
                throw bad("invalid path segment")
            }
            segmentStart = i + 1
        }
        let path = String(decoding: rawPath, as: UTF8.self)
        var query: [HTTPRequest.QueryItem] = []
        var pairStart = pathEnd + 1
        if pairStart < bytes.count {
            for i in pairStart...bytes.count where i == bytes.count || bytes[i] == 0x26 {
                defer { pairStart = i + 1 }
                guard i > pairStart else { continue }
                let pair = UnsafeRawBufferPointer(rebasing: bytes[pairStart..<i])
                if let eq = pair.firstIndex(of: 0x3D) {
                    query.append(
                        HTTPRequest.QueryItem(
                            name: try percentDecode(UnsafeRawBufferPointer(rebasing: pair[..<eq])),
                            value: try percentDecode(UnsafeRawBufferPointer(rebasing: pair[(eq + 1)...]))))
                } else {
                    query.append(HTTPRequest.QueryItem(name: try percentDecode(pair), value: nil))
                }
            }
        }
        return (path, query)
    }

    /// ``percentDecode(_:plusIsSpace:)`` of a query element given as ASCII bytes (`+` is a space).
    private static func percentDecode(_ bytes: UnsafeRawBufferPointer) throws(HTTPError) -> String {
        guard bytes.contains(where: { $0 == 0x25 || $0 == 0x2B }) else { return String(decoding: bytes, as: UTF8.self) }
        return try percentDecode(Substring(String(decoding: bytes, as: UTF8.self)), plusIsSpace: true)
    }

    static func percentDecode(_ s: Substring, plusIsSpace: Bool) throws(HTTPError) -> String {
        guard s.utf8.contains(where: { $0 == 0x25 || (plusIsSpace && $0 == 0x2B) }) else { return String(s) }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let b = it.next() {
            if b == 0x25 {
                guard let h = it.next(), let l = it.next(), let hv = hexValue(h), let lv = hexValue(l) else {
                    throw bad("invalid percent-encoding")
                }
                let v = hv << 4 | lv
                guard v != 0 else { throw bad("NUL in request target") }
                out.append(v)
            } else if plusIsSpace && b == 0x2B {
                out.append(0x20)
            } else {
                out.append(b)
            }
        }
        guard let decoded = String(validating: out, as: UTF8.self) else { throw bad("invalid UTF-8 in request target") }
        return decoded
    }
}
