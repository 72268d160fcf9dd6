/// Maps a method and a path to a handler: literal segments, `:name` parameters and a final `*`.
///
/// Built before the server starts and read-only afterwards. When several patterns match, the
/// one with a literal segment earliest wins (`/v1/files/new` over `/v1/files/:id`). `HEAD` is
/// answered by the `GET` route without its body, `OPTIONS` (and `OPTIONS *`) by an automatic
/// 204 with `Allow`, unless routes for them are added. No match: 404; path known but not for
/// this method: 405 with `Allow` (RFC 9110 §15.5.6).
///
/// ```swift
/// var router = Router()
/// router.add(.get, "/v1/families/:id") { request in
///     try .json(store.family(id: request.parameter("id")!))
/// }
/// ```
public struct Router: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) throws -> HTTPResponse
    public typealias StreamingHandler = @Sendable (HTTPRequest) throws -> BodyDecision

    /// How a route takes its request body when the handler wants it whole.
    public enum BodyPolicy: Sendable, Equatable {
        /// In memory, up to `limit` bytes (413 beyond).
        case buffered(limit: Int)
        /// To a temporary file, up to `limit` bytes; the handler sees `.file(path, length)`.
        case spooled(limit: Int64)
    }

    /// A route whose handler decides from the head and then consumes the body as a stream.
    public struct StreamingPolicy: Sendable, Equatable {
        public var limit: Int64
        public static func streaming(limit: Int64) -> StreamingPolicy { StreamingPolicy(limit: limit) }
    }

    enum Action: Sendable {
        case whole(BodyPolicy?, Handler)
        case streaming(Int64, StreamingHandler)
    }

    struct Route: Sendable {
        var method: HTTPMethod
        var pattern: String
        var segments: [Segment]
        var action: Action
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest
    }

    enum Match: @unchecked Sendable {
        case found(Route, [String: String])
        case notFound
        case methodNotAllowed(allow: [HTTPMethod])
        case options(allow: [HTTPMethod])
    }

    private(set) var routes: [Route] = []
    /// Routes by segment count and their first two segments, for routes whose first two segments
    /// are literals and that have no `*`; ``match(method:path:)`` looks at those of the path's key
    /// and at ``unkeyed`` only, instead of every route.
    private var keyed: [Key: [Int]] = [:]
    /// Indexes of the routes without a key (a parameter or `*` among the first two segments, or `*`
    /// anywhere): candidates for every path.
    private var unkeyed: [Int] = []

    public init() {}

    /// A route's index key: its segment count and first two segments (both literals).
    private struct Key: Hashable, Sendable {
        var count: Int
        var first: String
        var second: String
    }

    /// The index key of a route's segments (nil: the route is a candidate for every path).
    private static func key(_ segments: [Segment]) -> Key? {
        guard segments.count >= 2, !segments.contains(.rest), case .literal(let a) = segments[0],
            case .literal(let b) = segments[1]
        else { return nil }
        return Key(count: segments.count, first: a, second: b)
    }

    private mutating func append(_ route: Route) {
        if let k = Router.key(route.segments) {
            keyed[k, default: []].append(routes.count)
        } else {
            unkeyed.append(routes.count)
        }
        routes.append(route)
    }

    /// Indexes of the routes that may fit `parts`, in the order they were added.
    private func candidates(_ parts: [String]) -> [Int] {
        guard parts.count >= 2, let list = keyed[Key(count: parts.count, first: parts[0], second: parts[1])] else {
            return unkeyed
        }
        if unkeyed.isEmpty { return list }
        var merged: [Int] = []
        merged.reserveCapacity(list.count + unkeyed.count)
        var i = 0
        var j = 0
        while i < list.count || j < unkeyed.count {
            if j == unkeyed.count || (i < list.count && list[i] < unkeyed[j]) {
                merged.append(list[i])
                i += 1
            } else {
                merged.append(unkeyed[j])
                j += 1
            }
        }
        return merged
    }

    /// Adds a route whose handler gets the whole body (buffered by default, with the server's
    /// default limit).
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, body: BodyPolicy? = nil, _ handler: @escaping Handler
    ) {
        append(Route(method: method, pattern: pattern, segments: Router.parse(pattern), action: .whole(body, handler)))
    }

    /// Adds a route whose handler first decides from the head, then streams the body to a consumer.
    public mutating func add(
        _ method: HTTPMethod, _ pattern: String, body: StreamingPolicy, _ decide: @escaping StreamingHandler
    ) {
        append(
            Route(
                method: method, pattern: pattern, segments: Router.parse(pattern),
                action: .streaming(body.limit, decide)))
    }

    static func parse(_ pattern: String) -> [Segment] {
        pattern.split(separator: "/", omittingEmptySubsequences: true).map { s in
            if s == "*" { return .rest }
            if s.hasPrefix(":") { return .parameter(String(s.dropFirst())) }
            return .literal(String(s))
        }
    }

    /// Finds the route for a request; `path` is already percent-decoded.
    func match(method: HTTPMethod, path: String) -> Match {
        // An ASCII path is split on its bytes (a Character split walks grapheme clusters, and every
        // request is routed); a non-ASCII one, where `/` and a combining mark form one Character, as Characters.
        let parts =
            path.utf8.allSatisfy { $0 < 0x80 }
            ? path.utf8.split(separator: 0x2F, omittingEmptySubsequences: true).map { String(Substring($0)) }
            : path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var best: (route: Route, params: [String: String], score: [Bool])?
        var allowed: [HTTPMethod] = []
        for index in candidates(parts) {
            let route = routes[index]
            // Most routes differ from the path in length or a literal: ruled out without allocating.
            guard Router.fits(route.segments, parts), let (params, score) = Router.bind(route.segments, to: parts)
            else { continue }
            if !allowed.contains(route.method) { allowed.append(route.method) }
            let wanted = route.method == method || (method == .head && route.method == .get)
            guard wanted else { continue }
            if let b = best, !Router.moreSpecific(score, than: b.score) {
                // A route for HEAD itself beats the GET fallback at equal specificity.
                if !(b.score == score && route.method == method && b.route.method != method) { continue }
            }
            best = (route, params, score)
        }
        if let best { return .found(best.route, best.params) }
        if allowed.isEmpty { return .notFound }
        if allowed.contains(.get) && !allowed.contains(.head) { allowed.append(.head) }
        if method == .options {
            if !allowed.contains(.options) { allowed.append(.options) }
            return .options(allow: allowed)
        }
        return .methodNotAllowed(allow: allowed)
    }

    /// Every route template (`/v1/families/:id`): the bounded set of route labels for metrics.
    public var patterns: Set<String> { Set(routes.map(\.pattern)) }

    /// Every method routed anywhere, for `OPTIONS *`.
    var allMethods: [HTTPMethod] {
        var all: [HTTPMethod] = []
        for r in routes where !all.contains(r.method) { all.append(r.method) }
        if all.contains(.get) && !all.contains(.head) { all.append(.head) }
        if !all.contains(.options) { all.append(.options) }
        return all
    }

    /// Whether `bind` can succeed: the literals and the length, checked without building anything.
    private static func fits(_ segments: [Segment], _ parts: [String]) -> Bool {
        for (i, seg) in segments.enumerated() {
            switch seg {
            case .rest: return true
            case .literal(let l): guard i < parts.count, parts[i] == l else { return false }
            case .parameter: guard i < parts.count else { return false }
            }
        }
        return parts.count == segments.count
    }

    private static func bind(_ segments: [Segment], to parts: [String]) -> ([String: String], [Bool])? {
        var params: [String: String] = [:]
        var score: [Bool] = []
        for (i, seg) in segments.enumerated() {
            switch seg {
            case .rest:
                params["*"] = parts[min(i, parts.count)...].joined(separator: "/")
                return (params, score)
            case .literal(let l):
                guard i < parts.count, parts[i] == l else { return nil }
                score.append(true)
            case .parameter(let name):
                guard i < parts.count else { return nil }
                params[name] = parts[i]
                score.append(false)
            }
        }
        return parts.count == segments.count ? (params, score) : nil
    }

    private static func moreSpecific(_ a: [Bool], than b: [Bool]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x }
        return a.count > b.count
    }
}
