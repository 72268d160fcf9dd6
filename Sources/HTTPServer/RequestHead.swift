/// A parsed and validated request head, before routing.
struct RequestHead: Sendable {
    /// How the body is delimited (RFC 9112 §6.3).
    enum Framing: Sendable, Equatable {
        case none
        case length(Int64)
        case chunked
    }

    var method: HTTPMethod
    var target: String
    var version: HTTPVersion
    var headers: HTTPHeaders
    var framing: Framing
    var keepAlive: Bool
    var expectContinue: Bool
    /// Percent-decoded path; `*` for `OPTIONS *`.
    var path: String
    var query: [HTTPRequest.QueryItem]

    /// Whether body bytes follow the head.
    var hasBody: Bool {
        switch framing {
        case .none, .length(0): false
        default: true
        }
    }
}
