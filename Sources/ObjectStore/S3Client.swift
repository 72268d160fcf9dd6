import Crypto
import CurlKit
import Glibc
import Synchronization

/// A blocking client for an S3-compatible object store over libcurl, signed with libcurl's own
/// AWS Signature Version 4 (`CURLOPT_AWS_SIGV4`).
///
/// Every call blocks its thread for the whole exchange (`curl_easy_perform`), so call it from an
/// upload or command thread, never from Swift's cooperative pool. Easy handles are pooled, which
/// keeps connections to the store alive between calls.
///
/// Two libcurl 7.88 quirks are handled here, not left to callers: its SigV4 signs the query string
/// as written, so every query is built canonical (``S3Query``); and for an uploaded body it signs
/// the empty payload unless `x-amz-content-sha256` is set, so that header is always sent, with
/// the body's real SHA-256 or `UNSIGNED-PAYLOAD`.
///
/// ```swift
/// let s3 = S3Client(configuration: try .fromEnvironment(bucket: "evidence", endpoint: url,
///                                                        region: "us-east-1", environment: env))
/// try s3.putObject(key: "ab/cd/abcd...", file: path, sha256: hex, ifNoneMatch: true)
/// ```
public final class S3Client: Sendable {
    public let configuration: S3Configuration
    private let idle = Mutex<[CurlEasy]>([])

    /// The payload hash that tells S3 the body is not covered by the signature.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of the empty string, the payload hash of a request without a body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public init(configuration: S3Configuration) {
        self.configuration = configuration
    }

    /// One request as this client sends it.
    struct Request {
        var method: String
        var key: String?
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var body: S3Exchange.Body = .none
        /// `x-amz-content-sha256`: the body's SHA-256 in hex, or ``S3Client/unsignedPayload``.
        var payloadHash: String = S3Client.emptyPayloadHash
        var operation: String
    }

    /// What came back: the final response's status, header fields and (unless streamed) body.
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// The URL of `key` (or of the bucket), with the canonical query.
    func url(key: String?, query: [(name: String, value: String)]) -> String {
        var url = configuration.baseURL + (key.map(S3Query.path(forKey:)) ?? "/")
        if !query.isEmpty { url += "?" + S3Query.canonical(query) }
        return url
    }

    /// Sends `request` and returns any answer; the caller decides what a status means.
    ///
    /// - Throws: ``S3Error`` `unavailable` when no answer arrived, `local` when the body could not
    ///   be read or libcurl refused an option.
    func perform(
        _ request: Request, sink: ((UnsafeRawBufferPointer) -> Bool)? = nil
    ) throws(S3Error) -> Response {
        guard let easy = idle.withLock({ $0.popLast() }) ?? CurlEasy() else {
            throw S3Error(.local, operation: request.operation, detail: "curl_easy_init failed")
        }
        let exchange = S3Exchange(body: request.body, sink: sink)
        let code = withExtendedLifetime(exchange) { configure(easy, request, exchange) ?? easy.perform() }
        easy.reset()
        idle.withLock { if $0.count < 16 { $0.append(easy) } }
        if code != .ok {
            if let reason = exchange.readFailure {
                throw S3Error(.local, operation: request.operation, detail: "reading the body: \(reason)")
            }
            if exchange.sinkStopped {
                throw S3Error(.local, operation: request.operation, detail: "the reader stopped the download")
            }
            throw S3Error(.unavailable, operation: request.operation, detail: "\(code) (curl \(code.rawValue))")
        }
        return Response(status: exchange.status, headers: exchange.headers, body: exchange.buffered)
    }

    /// Sets every option; returns a refused option's code, or nil.
    private func configure(_ easy: CurlEasy, _ request: Request, _ exchange: S3Exchange) -> CurlCode? {
        let me = Unmanaged.passUnretained(exchange).toOpaque()
        var codes: [CurlCode] = []
        codes.append(easy.set(.noSignal, 1))
        codes.append(easy.set(.url, string: url(key: request.key, query: request.query)))
        codes.append(easy.set(.protocols, string: "http,https"))
        codes.append(easy.set(.followLocation, 0))
        codes.append(easy.set(.connectTimeoutMs, configuration.connectTimeoutMilliseconds))
        codes.append(easy.set(.lowSpeedLimit, 1))
        codes.append(easy.set(.lowSpeedTime, configuration.lowSpeedSeconds))
        codes.append(easy.set(.tcpKeepAlive, 1))
        codes.append(easy.set(.awsSigV4, string: "aws:amz:\(configuration.region):s3"))
        codes.append(easy.set(.userPassword, string: configuration.accessKeyID + ":" + configuration.secretAccessKey))
        codes.append(easy.set(.writeFunction, callback: S3Exchange.writeCallback))
        codes.append(easy.set(.writeData, pointer: me))
        codes.append(easy.set(.headerFunction, callback: S3Exchange.headerCallback))
        codes.append(easy.set(.headerData, pointer: me))
        codes.append(easy.set(.bufferSize, 512 << 10))
        switch request.method {
        case "HEAD":
            codes.append(easy.set(.noBody, 1))
        case "GET":
            break
        case "PUT", "POST":
            // UPLOAD streams from the read callback with a Content-Length and no form Content-Type.
            codes.append(easy.set(.upload, 1))
            codes.append(easy.set(.inFileSizeLarge, offset: request.body.length))
            codes.append(easy.set(.readFunction, callback: S3Exchange.readCallback))
            codes.append(easy.set(.readData, pointer: me))
            codes.append(easy.set(.uploadBufferSize, 2 << 20))
            if request.method == "POST" { codes.append(easy.set(.customRequest, string: "POST")) }
        default:
            codes.append(easy.set(.customRequest, string: request.method))
        }
        // No "Expect:" override: libcurl 7.88 would sign the emptied header it then does not send.
        // Both AWS and the S3-compatible stores answer `100 Continue` at once.
        var lines = ["x-amz-content-sha256: \(request.payloadHash)"]
        if let token = configuration.sessionToken { lines.append("x-amz-security-token: \(token)") }
        for field in request.headers { lines.append("\(field.name): \(field.value)") }
        codes.append(easy.set(.httpHeader, list: CurlHeaderList(lines)))
        return codes.first { $0 != .ok }
    }

    /// The error for an answer outside 2xx, from its status and S3's XML `<Code>`.
    func failure(_ response: Response, operation: String) -> S3Error {
        let xml = S3XML(response.body)
        let code = xml.first("Code")
        let message = xml.first("Message") ?? "HTTP \(response.status)"
        let kind: S3Error.Kind
        switch (response.status, code) {
        case (_, "NoSuchBucket"): kind = .noSuchBucket
        case (403, _): kind = .accessDenied
        case (404, _): kind = .notFound
        case (412, _): kind = .alreadyExists
        case (500..., _), (429, _): kind = .serverError
        default: kind = .rejected
        }
        return S3Error(kind, operation: operation, status: response.status, code: code, detail: message)
    }

    /// Sends `request`, throwing for any answer outside 2xx.
    func send(_ request: Request, sink: ((UnsafeRawBufferPointer) -> Bool)? = nil) throws(S3Error) -> Response {
        let response = try perform(request, sink: sink)
        guard (200..<300).contains(response.status) else { throw failure(response, operation: request.operation) }
        return response
    }

    /// The hex SHA-256 of a small body, for its `x-amz-content-sha256`.
    static func payloadHash(_ bytes: [UInt8]) -> String { SHA256.hash(bytes).hex }
}
