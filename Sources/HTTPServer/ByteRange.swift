/// Single byte-range handling (RFC 9110 §14) for handlers that stream a representation they do not
/// hold as a local file (an object in S3): the same decisions the file responder makes.
public enum ByteRange: Equatable, Sendable {
    /// No usable `Range` (absent, multiple ranges, malformed, or `If-Range` did not match): send all.
    case whole
    /// 416 with `Content-Range: bytes */size`.
    case unsatisfiable
    /// 206 with these inclusive bounds.
    case partial(first: Int64, last: Int64)

    /// Decides how to answer `request` for a representation of `size` bytes with strong `etag`
    /// (quoted, as sent in `ETag`).
    public static func decide(_ request: HTTPRequest, size: Int64, etag: String) -> ByteRange {
        guard request.method == .get || request.method == .head, let header = request.headers["Range"],
            FileResponder.ifRangeMatches(request.headers["If-Range"], etag: etag, lastModified: "")
        else { return .whole }
        switch FileResponder.parseRange(header, size: size) {
        case .ignore: return .whole
        case .unsatisfiable: return .unsatisfiable
        case .range(let first, let last): return .partial(first: first, last: last)
        }
    }
}
