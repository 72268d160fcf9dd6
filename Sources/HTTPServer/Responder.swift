import Foundation
import Glibc
import Log

/// The handler-thread half of the engine: hook, routing, handlers and response preparation.
///
/// Every method here may block (SQLite, disk) and runs on ``HandlerPool`` threads only.
struct Responder: Sendable {
    /// What to do with a request once its head has been seen.
    enum HeadOutcome: Sendable {
        case respond(PreparedResponse)
        case buffered(limit: Int, request: HTTPRequest, handler: Router.Handler)
        case stream(limit: Int64, consumer: ConsumerBox, request: HTTPRequest)
    }

    let router: Router
    let hooks: HTTPServerHooks
    let defaultBodyLimit: Int
    let spoolDirectory: String
    let logger: Logger
    /// Renders every error the engine answers itself (``ProblemRenderer``).
    let problems: ProblemRenderer

    /// Routes a request and decides, before any body byte is read, how its body is taken.
    func decide(_ incoming: HTTPRequest, framing: RequestHead.Framing) -> HeadOutcome {
        var request = incoming
        let match: Router.Match =
            request.path == "*"
            ? .options(allow: router.allMethods) : router.match(method: request.method, path: request.path)
        if case .found(let route, let params) = match {
            request.routePattern = route.pattern
            request.pathParameters = params
        }
        let announced: Int64? = if case .length(let n) = framing { n } else { nil }
        let hasBody = framing == .chunked || (announced ?? 0) > 0
        do {
            if let hook = hooks.requestHead, let early = try hook(&request) {
                return .respond(prepare(early, for: request))
            }
            switch match {
            case .notFound:
                return .respond(
                    prepare(problem(HTTPError(status: .notFound, code: "not_found"), request), for: request))
            case .methodNotAllowed(let allow):
                let error = HTTPError(
                    status: .methodNotAllowed, code: "method_not_allowed",
                    headers: ["Allow": allow.map(\.rawValue).joined(separator: ", ")])
                return .respond(prepare(problem(error, request), for: request))
            case .options(let allow):
                let response = HTTPResponse(
                    status: .noContent, headers: ["Allow": allow.map(\.rawValue).joined(separator: ", ")])
                return .respond(prepare(response, for: request))
            case .found(let route, _):
                switch route.action {
                case .whole(let policy, let plainHandler):
                    let codings = ContentCoding.requestCodings(request)
                    switch policy ?? .buffered(limit: defaultBodyLimit) {
                    case .buffered(let limit):
                        if let announced, announced > Int64(limit) { throw Self.tooLarge(limit: Int64(limit)) }
                        // Protocol §1: a gzip body is decoded with the same limit on the decoded bytes.
                        var handler = plainHandler
                        if !codings.isEmpty {
                            guard codings == ["gzip"] || codings == ["x-gzip"] else {
                                throw ContentCoding.unsupported(codings)
                            }
                            handler = ContentCoding.decoding(plainHandler, limit: limit)
                        }
                        guard hasBody else { return .respond(run(handler, request)) }
                        return .buffered(limit: limit, request: request, handler: handler)
                    case .spooled(let limit):
                        if !codings.isEmpty { throw ContentCoding.unsupported(codings) }
                        let handler = plainHandler
                        if let announced, announced > limit { throw Self.tooLarge(limit: limit) }
                        guard hasBody else { return .respond(run(handler, request)) }
                        let spool = try SpoolConsumer(
                            directory: spoolDirectory, request: request, handler: handler, responder: self)
                        return .stream(limit: limit, consumer: ConsumerBox(spool), request: request)
                    }
                case .streaming(let limit, let decideBody):
                    let codings = ContentCoding.requestCodings(request)
                    if !codings.isEmpty { throw ContentCoding.unsupported(codings) }
                    if let announced, announced > limit { throw Self.tooLarge(limit: limit) }
                    switch try decideBody(request) {
                    case .respond(let response):
                        return .respond(prepare(response, for: request))
                    case .consume(let consumer, let cancel):
                        guard hasBody else {
                            cancel?.release()
                            return .respond(prepare(try consumer.finish(trailers: HTTPHeaders()), for: request))
                        }
                        return .stream(
                            limit: limit, consumer: ConsumerBox(consumer, cancel: cancel), request: request)
                    }
                }
            }
        } catch {
            return .respond(prepare(errorResponse(error, request: request), for: request))
        }
    }

    /// The event loop's own answer (``HTTPServerHooks/answerOnLoop``) to a routed `GET` without a
    /// body, prepared; nil when there is no such hook, the request is another kind, or the hook
    /// leaves it to a handler thread.
    func answerOnLoop(_ incoming: HTTPRequest, framing: RequestHead.Framing) -> PreparedResponse? {
        guard let answer = hooks.answerOnLoop, incoming.method == .get else { return nil }
        switch framing {
        case .none, .length(0): break
        default: return nil
        }
        guard case .found(let route, let params) = router.match(method: .get, path: incoming.path),
            route.method == .get
        else { return nil }
        var request = incoming
        request.routePattern = route.pattern
        request.pathParameters = params
        guard let response = answer(request) else { return nil }
        return prepare(response, for: request)
    }

    static func tooLarge(limit: Int64) -> HTTPError {
        HTTPError(
            status: .contentTooLarge, code: "body_too_large", detail: "the limit is \(limit) bytes",
            members: ["limit": limit])
    }

    /// The problem response for an error the engine answers itself, for `request`.
    func problem(_ error: HTTPError, _ request: HTTPRequest) -> HTTPResponse {
        problems.response(error, request: request)
    }

    /// Runs a whole-body handler and prepares its response; errors become problem responses.
    func run(_ handler: Router.Handler, _ request: HTTPRequest) -> PreparedResponse {
        do {
            return prepare(try handler(request), for: request)
        } catch {
            return prepare(errorResponse(error, request: request), for: request)
        }
    }

    /// Maps a thrown error to a response: ``HTTPError`` as is, anything else a bare 500.
    func errorResponse(_ error: any Error, request: HTTPRequest) -> HTTPResponse {
        if let e = error as? HTTPError { return problem(e, request) }
        // The client gets no detail (it could leak internals); the log gets the error type and
        // the request ID so the two can be matched.
        logger.error(
            "handler failed",
            [
                "http.request_id": .string(request.requestID), "http.route": .string(request.routePattern ?? "-"),
                "error.type": .string(String(describing: type(of: error))), "error": .string("\(error)"),
            ])
        return problem(HTTPError(status: .internalServerError, code: "internal_error"), request)
    }

    /// Resolves a response body: bytes as is, files opened with their range, streams passed on.
    func prepare(_ response: HTTPResponse, for request: HTTPRequest) -> PreparedResponse {
        ContentCoding.encode(prepareIdentity(response, for: request), for: request)
    }

    /// ``prepare(_:for:)`` before content coding.
    private func prepareIdentity(_ response: HTTPResponse, for request: HTTPRequest) -> PreparedResponse {
        switch response.body {
        case .empty:
            return PreparedResponse(
                status: response.status, headers: response.headers, body: .none, route: request.routePattern)
        case .bytes(let b):
            return PreparedResponse(
                status: response.status, headers: response.headers, body: .bytes(b), route: request.routePattern)
        case .stream(let producer):
            return PreparedResponse(
                status: response.status, headers: response.headers, body: .stream(producer), route: request.routePattern
            )
        case .file(let path, let contentType):
            return FileResponder.prepare(
                path: path, contentType: contentType, response: response, request: request, problems: problems)
        }
    }
}
