import Glibc
import SystemKit

/// Serves a file with validators and a single byte range (RFC 9110 §13, §14).
///
/// The file is opened here, on a handler thread; the loop only calls `sendfile`. Multiple
/// ranges are answered with the whole file (RFC 9110 §14.2 lets a server ignore `Range`), an
/// unsatisfiable range with 416 and `Content-Range: bytes */size`, and a `Range` whose
/// `If-Range` does not match the current `ETag` or `Last-Modified` with the whole file. The `ETag`
/// is the one the handler set (e.g. a content hash), else one made of the size and modification time.
enum FileResponder {
    static func prepare(
        path: String, contentType: String, response: HTTPResponse, request: HTTPRequest,
        problems: ProblemRenderer = ProblemRenderer(typePrefix: nil)
    )
        -> PreparedResponse
    {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        var st = stat()
        guard fd >= 0, fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            if fd >= 0 { close(fd) }
            let missing = problems.response(HTTPError(status: .notFound, code: "not_found"), request: request)
            return PreparedResponse(
                status: missing.status, headers: missing.headers, body: bytesOf(missing), route: request.routePattern)
        }
        let size = Int64(st.st_size)
        // A handler that knows a stronger validator (a content hash) sets it; otherwise size and mtime.
        let etag =
            response.headers["ETag"]
            ?? "\"\(String(size, radix: 16))-\(String(Int64(st.st_mtim.tv_sec), radix: 16))\(String(Int64(st.st_mtim.tv_nsec), radix: 16))\""
        let lastModified = HTTPDate.format(Int64(st.st_mtim.tv_sec))
        var headers = response.headers
        headers["Content-Type"] = contentType
        headers["Accept-Ranges"] = "bytes"
        headers["ETag"] = etag
        headers["Last-Modified"] = lastModified

        if let inm = request.headers["If-None-Match"], response.status == .ok,
            inm.split(separator: ",").contains(where: { $0.trimmingSpaces() == etag || $0.trimmingSpaces() == "*" })
        {
            close(fd)
            return PreparedResponse(status: .notModified, headers: headers, body: .none, route: request.routePattern)
        }

        var status = response.status
        var offset: Int64 = 0
        var length = size
        if status == .ok, request.method == .get || request.method == .head, let range = request.headers["Range"],
            ifRangeMatches(request.headers["If-Range"], etag: etag, lastModified: lastModified)
        {
            switch parseRange(range, size: size) {
            case .ignore:
                break
            case .unsatisfiable:
                close(fd)
                var h = HTTPHeaders()
                h["Content-Range"] = "bytes */\(size)"
                let problem = problems.response(
                    HTTPError(status: .rangeNotSatisfiable, code: "range_not_satisfiable", headers: h), request: request
                )
                return PreparedResponse(
                    status: problem.status, headers: problem.headers, body: bytesOf(problem),
                    route: request.routePattern)
            case .range(let first, let last):
                status = .partialContent
                offset = first
                length = last - first + 1
                headers["Content-Range"] = "bytes \(first)-\(last)/\(size)"
            }
        }
        return PreparedResponse(
            status: status, headers: headers, body: .file(fd: fd, offset: offset, length: length),
            route: request.routePattern)
    }

    enum RangeDecision: Equatable {
        case ignore
        case unsatisfiable
        case range(first: Int64, last: Int64)
    }

    /// Parses a single `bytes=` range-spec against a representation of `size` bytes.
    static func parseRange(_ header: String, size: Int64) -> RangeDecision {
        let h = header.trimmingSpaces()
        guard h.lowercased().hasPrefix("bytes=") else { return .ignore }
        let spec = h.dropFirst(6).trimmingSpaces()
        guard !spec.contains(",") else { return .ignore }
        guard let dash = spec.firstIndex(of: "-") else { return .ignore }
        let a = spec[..<dash].trimmingSpaces()
        let b = spec[spec.index(after: dash)...].trimmingSpaces()
        func number(_ s: String) -> Int64? {
            guard !s.isEmpty, s.utf8.count <= 18, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int64(s)
        }
        if a.isEmpty {
            // suffix-range: the last N bytes.
            guard let n = number(b) else { return .ignore }
            guard n > 0, size > 0 else { return .unsatisfiable }
            return .range(first: max(0, size - n), last: size - 1)
        }
        guard let first = number(a) else { return .ignore }
        var last = size - 1
        if !b.isEmpty {
            guard let l = number(b), l >= first else { return .ignore }
            last = min(l, size - 1)
        }
        guard first < size else { return .unsatisfiable }
        return .range(first: first, last: last)
    }

    /// RFC 9110 §13.1.5: the range applies only if the validator matches exactly (strong ETag or the date).
    static func ifRangeMatches(_ ifRange: String?, etag: String, lastModified: String) -> Bool {
        guard let v = ifRange?.trimmingSpaces() else { return true }
        if v.hasPrefix("W/") { return false }
        if v.hasPrefix("\"") { return v == etag }
        return v == lastModified
    }

    static func bytesOf(_ response: HTTPResponse) -> PreparedResponse.Body {
        if case .bytes(let b) = response.body { return .bytes(b) }
        return .none
    }
}
