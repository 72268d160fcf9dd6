import CurlKit
import KandasClient

/// Why a transfer stopped, as far as our own callbacks know it: a bare `CURLcode` cannot tell a
/// cancelled task from a full response buffer, since both abort through a callback.
struct CurlFailure: Sendable, Equatable {
    /// The `CURLcode` libcurl returned.
    var code: UInt32
    /// libcurl's message from `CURLOPT_ERRORBUFFER`, or `curl_easy_strerror` when that is empty.
    var detail: String
    var cancelled = false
    /// Set when the write callback refused bytes beyond `maxResponseBytes`.
    var responseLimitExceeded = false
    var responseLimit = 0
    /// Set when the read callback could not read the request body's file.
    var readFailure: String?
}

extension TransportError {
    /// Maps a failed transfer to the error the sync engine acts on.
    ///
    /// Precise kinds matter: the engine retries `.timedOut` and `.connectionLost` with backoff,
    /// asks the user to fix `.invalidURL` or `.tls`, and quarantines `.fileUnreadable`.
    init(_ failure: CurlFailure) {
        // Our own reasons first: they explain an abort that libcurl reports generically.
        if failure.cancelled {
            self = .cancelled
            return
        }
        if failure.responseLimitExceeded {
            self = .responseTooLarge(failure.responseLimit)
            return
        }
        if let reason = failure.readFailure {
            self = .fileUnreadable(reason)
            return
        }
        let detail = failure.detail
        let code = CurlCode(rawValue: failure.code)
        switch code {
        case .unsupportedProtocol, .urlMalformat:
            self = .invalidURL(detail)
        case .couldntResolveHost, .couldntResolveProxy:
            self = .couldNotResolveHost(detail)
        case .couldntConnect:
            self = .couldNotConnect(detail)
        case .operationTimedOut:
            self = .timedOut(detail)
        case _ where CurlCode.tlsFailures.contains(code):
            self = .tls(detail)
        case .sendError, .recvError, .partialFile, .gotNothing, .http2, .http2Stream, .http3, .quicConnectError:
            self = .connectionLost(detail)
        case .filesizeExceeded:
            // CURLOPT_MAXFILESIZE_LARGE refused a declared Content-Length before any body byte.
            self = .responseTooLarge(failure.responseLimit)
        case .readError:
            self = .fileUnreadable(detail)
        case .abortedByCallback:
            // Only our progress callback aborts without recording a reason, and only on cancellation.
            self = .cancelled
        default:
            self = .other("curl error \(failure.code): \(detail)")
        }
    }
}
