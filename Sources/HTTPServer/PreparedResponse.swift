/// A response ready for the event loop: files opened and ranges resolved on a handler thread,
/// so the loop never blocks on `open` or `fstat`.
struct PreparedResponse: Sendable {
    enum Body: Sendable {
        case none
        case bytes([UInt8])
        /// An open descriptor the loop sends with `sendfile` and then closes.
        case file(fd: Int32, offset: Int64, length: Int64)
        case stream(@Sendable (ResponseBodyWriter) throws -> Void)
    }

    var status: HTTPStatus
    var headers: HTTPHeaders
    var body: Body
    /// The route pattern for the access log.
    var route: String?
}
