/// Hooks the application gives the engine: a head check before any body is read, and an access log.
public struct HTTPServerHooks: Sendable {
    /// Runs on a handler thread for every request once its head is parsed and routed
    /// (`routePattern` and `pathParameters` are set if a route matched), before any body byte
    /// is read. Return a response (401, 429...) to answer without reading the body, or nil to
    /// go on; it may add `attributes` (an authenticated device) for the handler.
    ///
    /// - Throws: an ``HTTPError`` is sent as a problem response; anything else as a 500.
    public var requestHead: (@Sendable (inout HTTPRequest) throws -> HTTPResponse?)?

    /// Receives one entry per finished request. Entries carry no query string, headers or body.
    /// Default: an `info` record on the server's logger.
    public var accessLog: (@Sendable (AccessLogEntry) -> Void)?

    public init(
        requestHead: (@Sendable (inout HTTPRequest) throws -> HTTPResponse?)? = nil,
        accessLog: (@Sendable (AccessLogEntry) -> Void)? = nil
    ) {
        self.requestHead = requestHead
        self.accessLog = accessLog
    }
}

/// One line of the access log: nothing that could carry a token or personal data.
public struct AccessLogEntry: Sendable, Equatable {
    public var method: String
    /// The matched route pattern (`/v1/families/:id`), never the raw path; `-` when unrouted.
    public var route: String
    public var status: Int
    public var bytesIn: Int64
    public var bytesOut: Int64
    public var durationMs: Double
    public var requestID: String
    public var remoteAddress: String

    public init(
        method: String, route: String, status: Int, bytesIn: Int64, bytesOut: Int64, durationMs: Double,
        requestID: String, remoteAddress: String
    ) {
        self.method = method
        self.route = route
        self.status = status
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.durationMs = durationMs
        self.requestID = requestID
        self.remoteAddress = remoteAddress
    }
}
