import Foundation
public import KandasClient
import Synchronization

#if canImport(FoundationNetworking)
// On Linux and Android, URLSession lives in FoundationNetworking (swift-corelibs-foundation over libcurl).
import FoundationNetworking
#endif

/// The `Transport` of phone apps: HTTP/1.1 and HTTPS through Foundation's `URLSession`
/// (FoundationNetworking on Linux and Android), beside the CLI's `CurlTransport`.
///
/// One `URLSession` per transport keeps connections alive between requests. Request bodies from files
/// are streamed from the file range (`FileRangeStream`, 256 KiB reads), never read whole; responses are
/// collected up to `maxResponseBytes` and the task is cancelled beyond that. Redirects are not followed.
/// TLS uses the platform's trust store. `TransportRequest.lowSpeedTimeout` becomes the request's idle
/// timeout (URLSession's `timeoutInterval` is "no byte for this long", not a total time);
/// `connectTimeout` has no separate knob in URLSession and is covered by the same idle timeout.
///
/// Cancelling the task that awaits `send` cancels its `URLSessionTask` and throws `.cancelled`.
///
/// - Important: this is a foreground transport. iOS background upload sessions need a file per request:
///   see `KandasClient.nextUploadStep()` for the core's file-range hand-off.
public final class URLSessionTransport: Transport {
    /// How every request of one transport is set up.
    public struct Configuration: Sendable, Equatable {
        public var userAgent: String
        /// Connections to one host at once; more requests wait.
        public var maxConnectionsPerHost: Int
        /// Whether requests may use cellular / expensive / constrained links (on Apple platforms the system
        /// also honours Low Data Mode); the core's own network policy for video applies on top.
        public var allowsExpensiveNetworkAccess: Bool

        public init(
            userAgent: String = "kandas", maxConnectionsPerHost: Int = 4, allowsExpensiveNetworkAccess: Bool = true
        ) {
            self.userAgent = userAgent
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.allowsExpensiveNetworkAccess = allowsExpensiveNetworkAccess
        }
    }

    public let configuration: Configuration
    private let session: URLSession
    private let delegate: SessionDelegate

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.httpMaximumConnectionsPerHost = configuration.maxConnectionsPerHost
        sessionConfiguration.httpAdditionalHeaders = ["User-Agent": configuration.userAgent]
        sessionConfiguration.httpCookieStorage = nil
        sessionConfiguration.urlCache = nil
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        #if !canImport(FoundationNetworking)
        sessionConfiguration.allowsExpensiveNetworkAccess = configuration.allowsExpensiveNetworkAccess
        sessionConfiguration.waitsForConnectivity = false
        #endif
        delegate = SessionDelegate()
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        queue.name = "URLSessionTransport.delegate"
        session = URLSession(configuration: sessionConfiguration, delegate: delegate, delegateQueue: queue)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Sends one request and waits for the whole response.
    ///
    /// `progress` is called on the session's delegate queue as body bytes leave, and once more with the
    /// final counts; it must return quickly.
    /// - Throws: `TransportError` when no complete HTTP response arrived; see `TransportError`.
    public func send(
        _ request: TransportRequest, progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws(TransportError) -> TransportResponse {
        try request.validate()
        guard let url = URL(string: request.url), url.host != nil else {
            throw .invalidURL("\(request.url): not a URL")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = Self.seconds(request.lowSpeedTimeout)
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        let toSend: Int64
        switch request.body {
        case .none:
            toSend = 0
            if ["POST", "PUT", "PATCH"].contains(request.method) { urlRequest.httpBody = Data() }
        case .bytes(let bytes):
            toSend = Int64(bytes.count)
            urlRequest.httpBody = Data(bytes)
        case .file(let path, let offset, let length):
            toSend = length
            // Checked here so a missing file is `fileUnreadable`, not a network error from inside the session.
            let stream = try FileRangeStream(path: path, offset: offset, length: length)
            urlRequest.httpBodyStream = stream
            // Darwin sends a stream body with the declared length. FoundationNetworking (Linux, Android) always
            // sends it chunked, and a Content-Length beside that would make the request invalid (RFC 9112 §6.3);
            // tus PATCHes accept chunked bodies.
            #if !canImport(FoundationNetworking)
            urlRequest.setValue(String(length), forHTTPHeaderField: "Content-Length")
            #endif
        }
        let exchange = Exchange(request: request, toSend: toSend, progress: progress)
        let task = session.dataTask(with: urlRequest)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                exchange.start(continuation)
                delegate.register(exchange, for: task.taskIdentifier)
                if Task.isCancelled { exchange.markCancelled() }
                task.resume()
                if Task.isCancelled { task.cancel() }
            }
        } onCancel: {
            exchange.markCancelled()
            task.cancel()
        }
        return try result.get()
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return max(1, TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18)
    }
}
