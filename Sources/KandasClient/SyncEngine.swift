import Foundation
import KandasProtocol
import Log
import SystemKit
import ZlibKit

/// Runs the sync loop of sync-v1 §5 over a `Transport`: push, pull, tus uploads, pull for receipts,
/// free verified files. One sync at a time; every request retries transient failures with backoff.
///
/// An actor because it owns the cached credentials and the running sync's report; per STYLE rule 9
/// it re-reads the store after each `await` rather than trusting values read before it.
actor SyncEngine {
    let store: ClientStore
    let transport: any Transport
    let options: ClientOptions
    let logger: Logger
    var credentials: Credentials?
    var report = SyncReport()
    var running = false
    var progress: @Sendable (SyncProgress) -> Void = { _ in }
    /// Server offsets learned by app-run upload steps (`SyncEngine+Handoff`); lost on restart, then asked again.
    var handoffOffsets: [WireID: Int64] = [:]
    /// The server answered a gzip push body 415 `unsupported_content_encoding`: push plain JSON.
    var pushGzipRefused = false

    init(store: ClientStore, transport: any Transport, options: ClientOptions, logger: Logger) {
        self.store = store
        self.transport = transport
        self.options = options
        self.logger = logger
    }

    /// One full sync; the report says what moved. Errors are recorded as `status().lastError` too.
    func sync(progress: @escaping @Sendable (SyncProgress) -> Void) async throws(ClientError) -> SyncReport {
        guard !running else { throw ClientError.invalid("sync", "a sync is already running") }
        running = true
        defer { running = false }
        report = SyncReport()
        self.progress = progress
        do throws(ClientError) {
            guard let enrollment = try await store.enrollment() else {
                throw ClientError(
                    .notEnrolled, "this device is not enrolled: run enroll with a code from an administrator")
            }
            guard !enrollment.reEnrollRequired else {
                throw ClientError(
                    .reEnrollRequired,
                    "the server revoked this device; local data is kept: enroll again with a new code")
            }
            try await push(enrollment)
            try await pull(enrollment)
            let uploaded = try await uploadAll(enrollment)
            if uploaded { try await pull(enrollment) }
            report.filesFreed += try await freeVerifiedFiles()
            let now = options.now()
            try await store.recordSyncDone(at: now)
            logger.info(
                "sync done",
                ["sync.accepted": .int(Int64(report.eventsAccepted)), "sync.pages": .int(Int64(report.pagesPulled))])
            return report
        } catch {
            let message = error.problemCode ?? error.code.rawValue
            try? await store.set(.lastError, message + ": " + error.message)
            logger.warning("sync failed", ["sync.error": .string(error.code.rawValue)])
            throw error
        }
    }

    // MARK: Requests

    /// Sends a request built for the current credentials, handling auth and transient failures:
    /// transport errors and 503/429 retry with backoff (or `Retry-After`); `401 token_expired` refreshes
    /// with rotation and retries once; a revoked device or token stops with `reEnrollRequired`.
    func send(
        _ action: String, authenticated: Bool = true, retry: Bool = true,
        transferProgress: (@Sendable (TransferProgress) -> Void)? = nil,
        _ build: @Sendable () -> TransportRequest
    ) async throws(ClientError) -> TransportResponse {
        var attempt = 0
        var refreshed = false
        while true {
            var request = build()
            request.headers.append((HeaderName.kandasProtocol, "1"))
            if authenticated {
                let credentials = try await currentCredentials()
                request.headers.append((HeaderName.authorization, "Bearer " + credentials.accessToken))
            }
            // Protocol §1: JSON answers may come gzip-encoded (a pull page is a fifth of its size).
            if !request.headers.contains(where: {
                $0.name.caseInsensitiveCompare(HeaderName.acceptEncoding) == .orderedSame
            }) {
                request.headers.append((HeaderName.acceptEncoding, "gzip"))
            }
            let received: TransportResponse
            do {
                received = try await transport.send(request, progress: transferProgress)
            } catch {
                guard retry, error.isTransient, attempt + 1 < options.maxAttempts else {
                    throw ClientError(.network, "\(action): \(error.description)")
                }
                try await wait(options.backoff.delay(attempt: attempt), reason: "\(action): \(error.description)")
                attempt += 1
                continue
            }
            let response = try Self.decoded(received, limit: request.maxResponseBytes, action: action)
            if response.status == 503 || response.status == 429 {
                guard retry, attempt + 1 < options.maxAttempts else { return response }
                let delay = retryAfter(response) ?? options.backoff.delay(attempt: attempt)
                try await wait(delay, reason: "\(action): HTTP \(response.status)")
                attempt += 1
                continue
            }
            if response.status == 401, authenticated {
                let code = Self.problem(response)?.code
                if code == ErrorCode.tokenExpired.rawValue, !refreshed {
                    try await refresh()
                    refreshed = true
                    continue
                }
                try await markRevoked(code ?? "unauthenticated")
            }
            return response
        }
    }

    func wait(_ delay: Duration, reason: String) async throws(ClientError) {
        report.retries += 1
        progress(.retrying(after: delay, reason: reason))
        do { try await options.sleeper.sleep(for: delay) } catch { throw ClientError(.network, "cancelled") }
    }

    /// `Retry-After` in seconds (RFC 9110 §10.2.3), capped by the backoff's cap.
    func retryAfter(_ response: TransportResponse) -> Duration? {
        guard let text = response.header(HeaderName.retryAfter), let seconds = Int(text), seconds >= 0 else {
            return nil
        }
        return min(.seconds(seconds), options.backoff.cap)
    }

    func currentCredentials() async throws(ClientError) -> Credentials {
        if let credentials { return credentials }
        let home = store.home
        let loaded: Credentials?
        do { loaded = try await Blocking.run { try Credentials.load(home: home) } } catch {
            throw ClientError.wrap(error)
        }
        guard let loaded else {
            throw ClientError(.notEnrolled, "no tokens stored: enroll this device again")
        }
        credentials = loaded
        return loaded
    }

    /// Keeps every local row and file; only stops syncing until the worker enrolls again (sync-v1 §2.4).
    func markRevoked(_ code: String) async throws(ClientError) -> Never {
        try await store.set(.reEnrollRequired, code)
        throw ClientError(
            .reEnrollRequired,
            "the server answered \(code): local data is kept; enroll this device again with a new code",
            problemCode: code, status: 401)
    }

    /// Exchanges the refresh token for a new pair (rotation, sync-v1 §2.3) and stores it before use.
    func refresh() async throws(ClientError) {
        let old = try await currentCredentials()
        let url = try await baseURL() + "/v1/auth/refresh"
        // One key for every retry of this refresh: a lost response is replayed, not a second rotation.
        let key = UUID().uuidString.lowercased()
        let body = try Self.json(RefreshRequest(refreshToken: old.refreshToken))
        let response = try await send("refresh", authenticated: false) {
            TransportRequest(
                method: "POST", url: url,
                headers: [(HeaderName.contentType, "application/json"), (HeaderName.idempotencyKey, key)],
                body: .bytes(body))
        }
        guard response.status == 200 else {
            if response.status == 401 { try await markRevoked(Self.problem(response)?.code ?? "unauthenticated") }
            throw ClientError.problem(Self.problem(response), status: response.status, during: "token refresh")
        }
        let tokens = try Self.decode(TokenResponse.self, response, "refresh")
        let fresh = Credentials(tokens)
        let home = store.home
        do { try await Blocking.run { try fresh.save(home: home) } } catch { throw ClientError.wrap(error) }
        credentials = fresh
        report.tokenRefreshes += 1
    }

    func baseURL() async throws(ClientError) -> String {
        guard let url = try await store.setting(.serverURL) else {
            throw ClientError(.notEnrolled, "this device is not enrolled: run enroll with a code from an administrator")
        }
        return url
    }

    // MARK: Coding

    static func json<T: Encodable>(_ value: T) throws(ClientError) -> [UInt8] {
        do { return [UInt8](try JSONCoding.encode(value)) } catch { throw ClientError.wrap(error) }
    }

    /// Decodes a server answer in one pass: `JSONValue.parse`, then the protocol's `JSONValue` decoder.
    /// `JSONDecoder` builds its own tree and boxes every value on top, and a pull page's change data is
    /// decoded into a `JSONValue` either way; small answers (tokens) take the same path.
    static func decode<T: Decodable>(
        _ type: T.Type, _ response: TransportResponse, _ action: String
    ) throws(ClientError) -> T {
        do {
            return try JSONCoding.decodeReportingUnknown(type, from: JSONValue.parse(response.body)).value
        } catch {
            throw ClientError(
                .protocolViolation, "\(action): the server's answer does not decode: \(error.description)")
        }
    }

    static func problem(_ response: TransportResponse) -> Problem? {
        guard !response.body.isEmpty else { return nil }
        return try? JSONCoding.decode(Problem.self, from: Data(response.body))
    }

    /// A gzip-encoded answer decoded (at most `limit` bytes, as a plain body would be), without its
    /// `Content-Encoding`; any other answer as it is. A transport that already decoded the body (URLSession
    /// on Apple platforms) leaves no gzip magic number, so nothing is decoded twice.
    static func decoded(
        _ response: TransportResponse, limit: Int, action: String
    ) throws(ClientError) -> TransportResponse {
        guard response.header(HeaderName.contentEncoding)?.lowercased() == "gzip", Gzip.looksCompressed(response.body)
        else { return response }
        var plain = response
        do { plain.body = try Gzip.decompress(response.body, limit: limit) } catch {
            throw ClientError(.protocolViolation, "\(action): the gzip-encoded answer could not be decoded: \(error)")
        }
        plain.headers.removeAll { $0.name.caseInsensitiveCompare(HeaderName.contentEncoding) == .orderedSame }
        return plain
    }

    static func jsonRequest(_ method: String, _ url: String, _ body: [UInt8]) -> TransportRequest {
        TransportRequest(
            method: method, url: url, headers: [(HeaderName.contentType, "application/json")], body: .bytes(body))
    }
}
