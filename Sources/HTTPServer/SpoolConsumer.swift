import Glibc
import SystemKit

/// The consumer behind `.spooled(limit:)` routes: writes the body to a temporary file, then
/// runs the route's handler with `.file(path, length)` and deletes the file afterwards.
final class SpoolConsumer: RequestBodyConsumer {
    private let path: String
    private var fd: Int32
    private var length: Int64 = 0
    private let request: HTTPRequest
    private let handler: Router.Handler
    private let responder: Responder

    init(directory: String, request: HTTPRequest, handler: @escaping Router.Handler, responder: Responder) throws {
        var template = Array((directory + "/kandas-body-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw HTTPError(
                status: .insufficientStorage, code: "insufficient_storage", detail: "cannot create a temporary file",
                errno: Syscall.errno)
        }
        self.fd = fd
        self.path = String(cString: template.map { $0 })
        self.request = request
        self.handler = handler
        self.responder = responder
    }

    func consume(_ chunk: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < chunk.count {
            let r = try syscall("write") { Glibc.write(fd, chunk.baseAddress! + off, chunk.count - off) }
            guard case .processed(let n) = r else { continue }
            off += n
        }
        length += Int64(chunk.count)
    }

    func finish(trailers: HTTPHeaders) throws -> HTTPResponse {
        close(fd)
        fd = -1
        defer { unlink(path) }
        var r = request
        r.body = .file(path: path, length: length)
        return try handler(r)
    }

    func abort(_ reason: BodyAbortReason) {
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(path)
    }
}
