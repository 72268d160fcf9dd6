/// A parsed request as handlers see it: head, route parameters and (for buffered routes) the body.
///
/// `path` is percent-decoded and was checked by the parser: no `..` segment, no NUL, no invalid
/// escape. `target` is the raw request-target as sent, kept for diagnostics only: it may carry
/// query strings, so it must never be logged.
public struct HTTPRequest: Sendable {
    /// Where the body of a request is, once the route's body policy has been applied.
    public enum Body: Sendable, Equatable {
        case none
        case bytes([UInt8])
        /// Spooled to a temporary file that the server deletes after the handler returns.
        case file(path: String, length: Int64)
    }

    /// One `name=value` element of the query, percent-decoded (`+` is a space).
    public struct QueryItem: Sendable, Equatable {
        public var name: String
        public var value: String?

        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    public var method: HTTPMethod
    public var target: String
    public var path: String
    public var query: [QueryItem]
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var pathParameters: [String: String]
    public var remoteAddress: String
    public var requestID: String
    public var body: Body
    /// Values the request hook attaches for the handler (an authenticated device ID), so the
    /// handler does not authenticate twice. Never logged.
    public var attributes: [String: String] = [:]
    /// The route pattern that matched (`/v1/families/:id`), for logs and metrics; nil before routing.
    public var routePattern: String?

    public init(
        method: HTTPMethod, target: String, path: String, query: [QueryItem] = [], version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(), pathParameters: [String: String] = [:],
        remoteAddress: String = "", requestID: String = "", body: Body = .none, routePattern: String? = nil
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.pathParameters = pathParameters
        self.remoteAddress = remoteAddress
        self.requestID = requestID
        self.body = body
        self.routePattern = routePattern
    }

    /// The value of a path parameter declared as `:name` in the route pattern.
    public func parameter(_ name: String) -> String? { pathParameters[name] }

    /// The first value of a query item.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }

    /// The body bytes of a buffered request (empty for other kinds).
    public var bodyBytes: [UInt8] {
        if case .bytes(let b) = body { return b }
        return []
    }
}
