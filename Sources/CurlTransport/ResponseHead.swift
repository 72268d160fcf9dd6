/// The status and header fields of the final HTTP response, built from the lines libcurl hands to
/// `CURLOPT_HEADERFUNCTION`.
///
/// libcurl reports every response head it reads on one transfer: interim `1xx` responses
/// (`100 Continue`) come before the final one. A status line starts a new head, so only the last
/// response's fields survive. Lines arrive whole, CRLF included (libcurl guarantees one header line
/// per call).
struct ResponseHead: Sendable, Equatable {
    var status = 0
    var fields: [(name: String, value: String)] = []

    /// Takes one header line as libcurl delivered it.
    mutating func consume(line raw: some Collection<UInt8>) {
        // Strip CRLF as bytes: "\r\n" is one Character, so a Character-wise trim would miss it.
        var end = raw.endIndex
        var count = raw.count
        while count > 0 {
            let before = raw.index(raw.startIndex, offsetBy: count - 1)
            guard raw[before] == 0x0D || raw[before] == 0x0A else { break }
            end = before
            count -= 1
        }
        let line = Substring(decoding: raw[raw.startIndex..<end], as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            status = parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
            fields.removeAll()
            return
        }
        if line.isEmpty { return }
        if let first = line.first, first == " " || first == "\t" {
            // RFC 9112 §5.2: obsolete line folding; a recipient may replace it with a space.
            if !fields.isEmpty { fields[fields.count - 1].value += " " + trimmed(line) }
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        fields.append((name: String(line[..<colon]), value: trimmed(line[line.index(after: colon)...])))
    }

    static func == (lhs: ResponseHead, rhs: ResponseHead) -> Bool {
        lhs.status == rhs.status
            && lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    private func trimmed(_ s: Substring) -> String {
        String(s.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
