public import Foundation
public import KandasClient
import KandasProtocol

/// A small client of the admin API (`Protocol/sync-v1.md` §2.1, §4) over the same `Transport` as sync.
///
/// Sends the session's bearer token, JSON bodies, and an `Idempotency-Key` on every unsafe request
/// (§1.3): a request lost in transit is retried with the same key, so the server applies it once.
/// Problem responses become `CLIError`s naming the server's code and the fields at fault.
public struct AdminClient: Sendable {
    /// The server's base URL (without `/v1`).
    public let baseURL: String
    /// The bearer token; `nil` only for login.
    let token: String?
    let transport: any Transport
    let makeKey: @Sendable () -> String
    /// Attempts per request when no HTTP answer arrives.
    let attempts = 3

    /// Creates a client.
    public init(
        baseURL: String, token: String?, transport: any Transport,
        makeKey: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.transport = transport
        self.makeKey = makeKey
    }

    /// What a request carries.
    public enum Body: Sendable {
        case none
        case json([UInt8])
        case raw([UInt8], contentType: String)
    }

    // MARK: Typed calls

    /// `GET /v1<path>` decoded as `T`.
    public func get<T: Decodable>(
        _ path: String, query: [(String, String)] = [], as type: T.Type = T.self
    ) async throws(CLIError) -> T {
        try Self.decode(T.self, try await send("GET", path, query: query))
    }

    /// Every item of a paginated list (§1.2), following `next_page_token` up to `maximum` items.
    public func list<T: Codable & Sendable & Equatable>(
        _ path: String, query: [(String, String)] = [], maximum: Int = 10_000, as type: T.Type = T.self
    ) async throws(CLIError) -> [T] {
        var items: [T] = []
        var token: String?
        repeat {
            var pageQuery = query + [("limit", String(min(500, max(1, maximum - items.count))))]
            if let token { pageQuery.append(("page_token", token)) }
            let page = try await get(path, query: pageQuery, as: Page<T>.self)
            items += page.items
            token = page.nextPageToken
        } while token != nil && items.count < maximum
        return Array(items.prefix(maximum))
    }

    /// An unsafe request with a JSON body, decoded as `T`.
    public func send<T: Decodable, B: Encodable>(
        _ method: String, _ path: String, query: [(String, String)] = [], json body: B, as type: T.Type = T.self
    ) async throws(CLIError) -> T {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try JSONCoding.encode(body))
        } catch {
            throw .runtime("cannot encode the request: \(error)")
        }
        return try Self.decode(T.self, try await send(method, path, query: query, body: .json(bytes)))
    }

    /// Sends one request; returns a 2xx response, throws for anything else.
    ///
    /// - Parameter headers: extra request header fields (e.g. `Range`).
    /// - Throws: `CLIError.runtime` for problem responses, non-Kandas answers and network failures.
    public func send(
        _ method: String, _ path: String, query: [(String, String)] = [], body: Body = .none,
        headers extra: [(name: String, value: String)] = []
    ) async throws(CLIError) -> TransportResponse {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")] + extra
        if let token { headers.append((HeaderName.authorization, "Bearer " + token)) }
        let unsafe = method != "GET" && method != "HEAD"
        // §1.3: login and logout take no key; every other unsafe request needs one, reused on retries.
        if unsafe, !path.hasPrefix("/auth/") { headers.append((HeaderName.idempotencyKey, makeKey())) }
        var payload = TransportRequest.Body.none
        switch body {
        case .none: break
        case .json(let bytes):
            headers.append((HeaderName.contentType, "application/json"))
            payload = .bytes(bytes)
        case .raw(let bytes, let contentType):
            headers.append((HeaderName.contentType, contentType))
            payload = .bytes(bytes)
        }
        let request = TransportRequest(
            method: method, url: url(path, query), headers: headers, body: payload, maxResponseBytes: 256 << 20)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try await transport.send(request)
                guard (200..<300).contains(response.status) else { throw Self.failure(response, method, path) }
                return response
            } catch let error as TransportError {
                guard error.isTransient, attempt < attempts else {
                    throw .runtime(
                        "no answer from \(baseURL): \(error)", hint: "check the URL and the connection, then retry",
                        code: "network")
                }
                try? await Task.sleep(for: .milliseconds(300 * attempt))
            } catch let error as CLIError {
                throw error
            } catch {
                throw .runtime("request failed: \(error)")
            }
        }
    }

    /// `<base>/v1<path>?query` with percent-encoded values.
    func url(_ path: String, _ query: [(String, String)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+;#?/")
        let encoded = query.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        }
        return baseURL + "/v1" + path + (encoded.isEmpty ? "" : "?" + encoded.joined(separator: "&"))
    }

    // MARK: Errors

    /// A problem response (§1.1) as an error that names the code, the status and the fields at fault.
    static func failure(_ response: TransportResponse, _ method: String, _ path: String) -> CLIError {
        guard let problem = try? JSONCoding.decode(Problem.self, from: Data(response.body)) else {
            return .runtime(
                "\(method) \(path) answered HTTP \(response.status) without a problem body",
                hint: "check that --server is the Kandas base URL (without /v1)", code: "http_\(response.status)")
        }
        var message = problem.detail.map { problem.title + ": " + $0 } ?? problem.title
        for error in problem.errors ?? [] {
            message += "\n  " + error.pointer + ": " + error.code + (error.detail.map { " (" + $0 + ")" } ?? "")
        }
        message += " [\(problem.code), HTTP \(problem.status)]"
        let hint: String? =
            switch problem.code {
            case "unauthenticated", "token_expired", "token_revoked":
                "the admin session ended: run kandas admin login --server URL --user NAME"
            case "invalid_credentials": "check the user name and KANDAS_PASSWORD"
            case "forbidden", "out_of_scope": "your role or region does not allow this"
            case "not_found": "check the ID (it may be outside your scope)"
            case "rate_limited", "unavailable":
                "retry after \(problem.retryAfterSeconds.map { "\($0) s" } ?? "a while")"
            case "conflict": "fetch the resource again and retry with its current version"
            default: nil
            }
        return .runtime(message, hint: hint, code: problem.code)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TransportResponse) throws(CLIError) -> T {
        do {
            return try JSONCoding.decode(T.self, from: Data(response.body))
        } catch {
            throw .runtime(
                "the server's answer is not a \(T.self): \(error.description)",
                hint: "the server may run another protocol version", code: "protocol_violation")
        }
    }
}
