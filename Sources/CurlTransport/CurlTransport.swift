public import KandasClient

/// The `Transport` the CLI and devices use: HTTP/1.1 and HTTPS through the system libcurl.
///
/// All transfers of one instance run on one dedicated thread driving a libcurl multi handle (see
/// `MultiDriver`), which keeps connections alive between requests. Request bodies from files are
/// streamed through `CURLOPT_READFUNCTION` in 512 KiB pieces, never read whole. TLS peer and host
/// verification are always on; proxies come from the environment (`http_proxy`, `https_proxy`,
/// `no_proxy`) as libcurl reads them by default. Redirects are not followed.
///
/// Cancelling the task that awaits `send` aborts its transfer and throws `.cancelled`.
public final class CurlTransport: Transport {
    /// How every transfer of one transport is set up.
    public struct Configuration: Sendable, Equatable {
        /// A PEM bundle of trusted CA certificates; nil uses the system's default store.
        public var caBundlePath: String?
        public var userAgent: String
        /// Transfers running at once; more wait in submission order.
        public var maxConcurrentTransfers: Int

        public init(caBundlePath: String? = nil, userAgent: String = "kandas", maxConcurrentTransfers: Int = 4) {
            self.caBundlePath = caBundlePath
            self.userAgent = userAgent
            self.maxConcurrentTransfers = maxConcurrentTransfers
        }
    }

    public let configuration: Configuration
    private let driver: MultiDriver

    /// Starts the transport's thread. libcurl's verbose output stays off: it would print
    /// `Authorization` headers.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.driver = MultiDriver(configuration: configuration)
    }

    deinit {
        driver.shutdown()
    }

    /// Sends one request on the transport's thread and waits for the whole response.
    ///
    /// `progress` is called on the transport's thread at most every 100 ms while bytes move, and
    /// once more with the final counts; it must return quickly.
    ///
    /// - Throws: `TransportError` when no complete HTTP response arrived; see `TransportError`.
    public func send(
        _ request: TransportRequest, progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws(TransportError) -> TransportResponse {
        try RequestCheck.validate(request)
        let transfer = Transfer(request: request, progress: progress)
        let driver = self.driver
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                transfer.setContinuation(continuation)
                driver.submit(transfer)
            }
        } onCancel: {
            transfer.cancel()
            driver.wake()
        }
        return try result.get()
    }
}
