internal import CCurl
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
        switch CURLcode(rawValue: failure.code) {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            self = .invalidURL(detail)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .couldNotResolveHost(detail)
        case CURLE_COULDNT_CONNECT:
            self = .couldNotConnect(detail)
        case CURLE_OPERATION_TIMEDOUT:
            self = .timedOut(detail)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CLIENTCERT:
            self = .tls(detail)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_HTTP3, CURLE_QUIC_CONNECT_ERROR:
            self = .connectionLost(detail)
        case CURLE_FILESIZE_EXCEEDED:
            // CURLOPT_MAXFILESIZE_LARGE refused a declared Content-Length before any body byte.
            self = .responseTooLarge(failure.responseLimit)
        case CURLE_READ_ERROR:
            self = .fileUnreadable(detail)
        case CURLE_ABORTED_BY_CALLBACK:
            // Only our progress callback aborts without recording a reason, and only on cancellation.
            self = .cancelled
        default:
            self = .other("curl error \(failure.code): \(detail)")
        }
    }
}
