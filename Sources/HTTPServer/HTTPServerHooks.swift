/// Hooks the application gives the engine: a head check before any body is read, and an access log.
public struct HTTPServerHooks: Sendable {
    /// Runs on a handler thread for every request once its head is parsed and routed
    /// (`routePattern` and `pathParameters` are set if a route matched), before any body byte
    /// is read. Return a response (401, 429...) to answer without reading the body, or nil to
    /// go on; it may add `attributes` (an authenticated device) for the handler.
    ///
    /// - Throws: an ``HTTPError`` is sent as a problem response; anything else as a 500.
    public var requestHead: (@Sendable (inout HTTPRequest) throws -> HTTPResponse?)?

    /// Runs on the event loop thread for a routed `GET` without a body, before the request goes to
    /// a handler thread: a response is sent at once, nil hands the request on as usual (where
    /// ``requestHead`` and the route's handler run). The server runs no other hook first: the
    /// closure does its own checks, and returns nil for anything it does not answer itself.
    ///
    /// It holds up every connection of its loop while it runs, so it must be quick and must not
    /// wait (for a lock held long, a connection, the network). For the answers that are most
    /// requests and cost less than the hand-off to a handler thread and back: a device polling
    /// with nothing new (issue 15).
    public var answerOnLoop: (@Sendable (HTTPRequest) -> HTTPResponse?)?

    /// Receives one entry per finished request. Entries carry no query string, headers or body.
    /// Default: an `info` record on the server's logger.
    public var accessLog: (@Sendable (AccessLogEntry) -> Void)?

    public init(
        requestHead: (@Sendable (inout HTTPRequest) throws -> HTTPResponse?)? = nil,
        accessLog: (@Sendable (AccessLogEntry) -> Void)? = nil,
        answerOnLoop: (@Sendable (HTTPRequest) -> HTTPResponse?)? = nil
    ) {
        self.requestHead = requestHead
        self.accessLog = accessLog
        self.answerOnLoop = answerOnLoop
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
