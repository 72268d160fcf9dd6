import Foundation

/// How the client core talks HTTP: an interface, so the sync engine is tested with an in-memory
/// transport and runs over libcurl (`CurlTransport`) in the CLI and on devices.
///
/// Implementations run blocking network I/O on their own threads, never on Swift's cooperative
/// pool, and must be safe to call concurrently.
public protocol Transport: Sendable {
    /// Sends one request and returns the whole response.
    ///
    /// - Throws: `TransportError` when no HTTP response was received (connect, TLS, timeout,
    ///   cut connection). An HTTP error status is a response, not a thrown error.
    func send(
        _ request: TransportRequest, progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws(TransportError)
        -> TransportResponse
}

extension Transport {
    public func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        try await send(request, progress: nil)
    }
}

/// One HTTP request as the client core builds it.
public struct TransportRequest: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        case none
        case bytes([UInt8])
        /// `length` bytes of the file at `path` starting at `offset`, streamed from disk (never whole in memory).
        case file(path: String, offset: Int64, length: Int64)
    }

    public var method: String
    public var url: String
    /// Header fields in order; names as given (HTTP field names are case-insensitive).
    public var headers: [(name: String, value: String)]
    public var body: Body
    /// Give up when no byte moved for this long (a dead 2G link), not after a fixed total time.
    public var lowSpeedTimeout: Duration
    public var connectTimeout: Duration
    /// Responses larger than this are refused with `TransportError.responseTooLarge`.
    public var maxResponseBytes: Int

    public init(
        method: String, url: String, headers: [(name: String, value: String)] = [], body: Body = .none,
        lowSpeedTimeout: Duration = .seconds(60), connectTimeout: Duration = .seconds(20),
        maxResponseBytes: Int = 64 << 20
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.lowSpeedTimeout = lowSpeedTimeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
    }

    public static func == (lhs: TransportRequest, rhs: TransportRequest) -> Bool {
        lhs.method == rhs.method && lhs.url == rhs.url && lhs.body == rhs.body
            && lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
            && lhs.lowSpeedTimeout == rhs.lowSpeedTimeout && lhs.connectTimeout == rhs.connectTimeout
            && lhs.maxResponseBytes == rhs.maxResponseBytes
    }
}

/// One HTTP response, with how many request-body bytes actually left this side.
public struct TransportResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Request-body bytes the transport sent (for resume accounting: bytes sent twice are measured).
    public var bytesSent: Int64

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], bytesSent: Int64 = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bytesSent = bytesSent
    }

    /// The first value of a header field, matched case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// Progress of one transfer, reported from the transport's own thread.
public struct TransferProgress: Sendable, Equatable {
    public var bytesSent: Int64
    public var bytesToSend: Int64
    public var bytesReceived: Int64

    public init(bytesSent: Int64, bytesToSend: Int64, bytesReceived: Int64) {
        self.bytesSent = bytesSent
        self.bytesToSend = bytesToSend
        self.bytesReceived = bytesReceived
    }
}

/// Why no HTTP response arrived. The sync engine retries the transient kinds with backoff.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case couldNotResolveHost(String)
    case couldNotConnect(String)
    case tls(String)
    case timedOut(String)
    /// The connection broke while sending or receiving.
    case connectionLost(String)
    case responseTooLarge(Int)
    case fileUnreadable(String)
    case cancelled
    case other(String)

    /// Whether a retry later may succeed without any change by the user.
    public var isTransient: Bool {
        switch self {
        case .couldNotResolveHost, .couldNotConnect, .timedOut, .connectionLost, .other: true
        case .invalidURL, .tls, .responseTooLarge, .fileUnreadable, .cancelled: false
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let s): "invalid server URL: \(s)"
        case .couldNotResolveHost(let s): "could not resolve host: \(s)"
        case .couldNotConnect(let s): "could not connect: \(s)"
        case .tls(let s): "TLS failure: \(s)"
        case .timedOut(let s): "timed out: \(s)"
        case .connectionLost(let s): "connection lost: \(s)"
        case .responseTooLarge(let n): "response larger than \(n) bytes"
        case .fileUnreadable(let s): "cannot read file: \(s)"
        case .cancelled: "cancelled"
        case .other(let s): s
        }
    }
}
