import Foundation

/// Checks every transport runs before a request reaches the network, so malformed input fails with a clear
/// error and no network activity (shared by `CurlTransport` and `URLSessionTransport`).
extension TransportRequest {
    /// - Throws: `.invalidURL` for anything but an `http`/`https` URL without spaces or control
    ///   characters; `.other` for a method or header field that is not valid HTTP (a CR or LF in a
    ///   field would let a value inject headers); `.fileUnreadable` for a negative file region.
    public func validate() throws(TransportError) {
        let request = self
        let url = request.url
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw .invalidURL("\(url): only http and https URLs are supported")
        }
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            throw .invalidURL("\(url): spaces or control characters")
        }
        guard Self.isToken(request.method) else {
            throw .other("invalid HTTP method \"\(request.method)\"")
        }
        for field in request.headers {
            guard Self.isToken(field.name) else { throw .other("invalid header field name \"\(field.name)\"") }
            // RFC 9110 §5.5: field values carry no CR, LF or NUL. The value is not echoed (it may be a token).
            guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw .other("invalid value of header field \(field.name): CR, LF or NUL")
            }
        }
        if case .file(let path, let offset, let length) = request.body, offset < 0 || length < 0 {
            throw .fileUnreadable("\(path): negative region (offset \(offset), length \(length))")
        }
    }

    /// RFC 9110 §5.6.2: token = 1*tchar.
    public static func isToken(_ s: String) -> Bool {
        !s.isEmpty
            && s.utf8.allSatisfy { c in
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    true
                default: "!#$%&'*+-.^_`|~".utf8.contains(c)
                }
            }
    }
}
