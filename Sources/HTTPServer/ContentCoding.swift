import ZlibKit

/// gzip on the wire (Protocol §1): response bodies compressed when the client accepts it, gzip
/// request bodies decoded with the route's size limit applied to the decoded bytes.
///
/// Responses: a `bytes` or `stream` body whose `Content-Type` is text-like (JSON, problem+json,
/// GeoJSON, CSV, HTML, plain text, XML, SVG, JavaScript) is gzip-encoded when the request's
/// `Accept-Encoding` accepts `gzip` (RFC 9110 §12.5.3, q-values honoured, `*` counts, `q=0` refuses)
/// and, for bytes, the body has at least ``minimumBytes``. Such responses carry `Vary: Accept-Encoding`
/// whether or not they were compressed. Files (`sendfile`, ranges), already-encoded bodies, media
/// (images, video, archives) and bodiless statuses are left alone.
///
/// Requests: `Content-Encoding: gzip` (or `x-gzip`) on a buffered route is decoded before the handler
/// sees the body, refusing more than the route's limit of decoded bytes (413 `body_too_large`, the
/// handler never runs); corrupt gzip is 400 `invalid_content_encoding`; any other coding, or gzip on
/// a route that streams or spools its body, is 415 `unsupported_content_encoding`.
public enum ContentCoding {
    /// Bodies smaller than this are sent as they are: a gzip header and trailer cost 18 bytes, and a
    /// small body saves too little to pay for the CPU (nginx's `gzip_min_length` idea).
    public static let minimumBytes = 1024
    /// zlib level: 4 keeps JSON under a fifth of its size at a fraction of level 6's CPU.
    public static let level: Int32 = 4

    /// Whether an `Accept-Encoding` field value (all lines) accepts gzip (RFC 9110 §12.5.3).
    ///
    /// No field means no preference, which this server reads as identity only (old clients and
    /// tools get plain bodies). `gzip` or `x-gzip` with q > 0 accepts; an explicit `gzip;q=0` refuses
    /// even if `*` is accepted; `*` with q > 0 accepts when gzip is not listed.
    public static func acceptsGzip(_ values: [String]) -> Bool {
        var gzip: Double?
        var star: Double?
        for value in values {
            for element in value.split(separator: ",") {
                let parts = element.split(separator: ";")
                guard let first = parts.first else { continue }
                let coding = first.trimmingSpaces().lowercased()
                var q = 1.0
                for parameter in parts.dropFirst() {
                    let pair = parameter.split(separator: "=", maxSplits: 1)
                    guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "q" else { continue }
                    // A malformed weight counts as 0: never guess that a client accepts a coding.
                    q = Double(pair[1].trimmingSpaces()).flatMap { (0...1).contains($0) ? $0 : nil } ?? 0
                }
                if coding == "gzip" || coding == "x-gzip" {
                    gzip = max(gzip ?? 0, q)
                } else if coding == "*" {
                    star = q
                }
            }
        }
        if let gzip { return gzip > 0 }
        return (star ?? 0) > 0
    }

    /// Whether a body of this media type is worth compressing (text-like, not already compressed).
    public static func isCompressible(contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.split(separator: ";").first.map { $0.trimmingSpaces().lowercased() } ?? ""
        if type.hasPrefix("text/") { return true }
        switch type {
        case "application/json", "application/problem+json", "application/geo+json", "application/xml",
            "application/javascript", "image/svg+xml", "application/x-ndjson", "application/openapi+yaml",
            "application/yaml":
            return true
        default:
            return type.hasSuffix("+json") || type.hasSuffix("+xml")
        }
    }

    /// `response` gzip-encoded for `request` when the rules above allow it; otherwise as it was
    /// (with `Vary` added when the answer depended on `Accept-Encoding`).
    static func encode(_ response: PreparedResponse, for request: HTTPRequest) -> PreparedResponse {
        // Only a large bytes body or a stream is ever encoded: a small answer (a poll) returns at once.
        switch response.body {
        case .bytes(let bytes) where bytes.count >= minimumBytes: break
        case .stream: break
        default: return response
        }
        let code = response.status.code
        guard code >= 200, code != 204, code != 206, code != 304,
            response.headers["Content-Encoding"] == nil,
            isCompressible(contentType: response.headers["Content-Type"])
        else { return response }
        var out = response
        switch response.body {
        case .bytes(let bytes) where bytes.count >= minimumBytes:
            out.headers = varied(response.headers)
            guard acceptsGzip(request.headers.values("Accept-Encoding")) else { return out }
            out.headers["Content-Encoding"] = "gzip"
            out.headers["ETag"] = response.headers["ETag"].map(gzipTag)
            out.body = .bytes(Gzip.compress(bytes, level: level))
        case .stream(let producer):
            out.headers = varied(response.headers)
            guard acceptsGzip(request.headers.values("Accept-Encoding")) else { return out }
            out.headers["Content-Encoding"] = "gzip"
            out.headers["ETag"] = response.headers["ETag"].map(gzipTag)
            out.body = .stream { writer in
                let gzip = writer.gzipped(level: level)
                try producer(gzip)
                try gzip.finishGzip()
            }
        default:
            return response
        }
        return out
    }

    /// The headers with `Accept-Encoding` in `Vary` (once).
    static func varied(_ headers: HTTPHeaders) -> HTTPHeaders {
        var h = headers
        let existing = headers.tokens("Vary")
        if existing.contains("*") || existing.contains("accept-encoding") { return h }
        if let vary = headers["Vary"] {
            h["Vary"] = vary + ", Accept-Encoding"
        } else {
            h["Vary"] = "Accept-Encoding"
        }
        return h
    }

    /// A strong validator of the gzip representation: another entity-tag than the identity one (RFC 9110 §8.8.3).
    static func gzipTag(_ tag: String) -> String {
        guard tag.hasSuffix("\""), !tag.hasPrefix("W/") else { return tag }
        return String(tag.dropLast()) + "-gzip\""
    }

    /// The handler of a buffered route behind request decoding: a gzip body is decoded (at most
    /// `limit` decoded bytes) and the handler sees the plain body without `Content-Encoding`.
    static func decoding(_ handler: @escaping Router.Handler, limit: Int) -> Router.Handler {
        { request in
            var plain = request
            let encoded = request.bodyBytes
            if !encoded.isEmpty {
                do throws(Gzip.Failure) {
                    plain.body = .bytes(try Gzip.decompress(encoded, limit: limit))
                } catch .tooLarge(let limit) {
                    throw HTTPError(
                        status: .contentTooLarge, code: "body_too_large",
                        detail: "the decoded body exceeds the limit of \(limit) bytes", members: ["limit": Int64(limit)]
                    )
                } catch {
                    throw HTTPError(
                        status: .badRequest, code: "invalid_content_encoding", detail: "the body is not valid gzip data"
                    )
                }
            }
            plain.headers.remove("Content-Encoding")
            plain.attributes["content-encoding"] = "gzip"
            return try handler(plain)
        }
    }

    /// The request's content codings (`Content-Encoding`, lowercased), `identity` dropped.
    static func requestCodings(_ request: HTTPRequest) -> [String] {
        request.headers.tokens("Content-Encoding").filter { $0 != "identity" }
    }

    static func unsupported(_ codings: [String]) -> HTTPError {
        HTTPError(
            status: .unsupportedMediaType, code: "unsupported_content_encoding",
            detail: "this route accepts Content-Encoding gzip or none, not \(codings.joined(separator: ", "))",
            headers: ["Accept-Encoding": "gzip"])
    }
}
