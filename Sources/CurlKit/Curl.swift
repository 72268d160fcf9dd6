internal import CCurl

/// The one home of libcurl in this package: the only module that imports `CCurl`.
///
/// The client's `CurlTransport` (a multi handle on its own thread) and the server's S3 client
/// (blocking easy handles on upload threads) both go through these wrappers, so libcurl is set up
/// once per process and its constants have Swift names in one place.
public enum Curl {
    /// `curl_global_init` exactly once per process, before the first handle exists (Swift runs a
    /// global's initializer once, thread-safely).
    ///
    /// - Returns: libcurl's result code; anything but ``CurlCode/ok`` means libcurl is unusable.
    public static func initialize() -> CurlCode { globalInit }

    /// The libcurl version string, e.g. `7.88.1`.
    public static var version: String { String(cString: curl_version_info(CURLVERSION_TENTH).pointee.version) }

    /// What a read callback returns to abort the transfer (`CURL_READFUNC_ABORT`).
    public static let readAbort = Int(CURL_READFUNC_ABORT)
}

private let globalInit = CurlCode(rawValue: curl_global_init(Int(CURL_GLOBAL_ALL)).rawValue)

/// A `CURLcode`: libcurl's result of an easy transfer or option call.
///
/// The numbers are libcurl's stable ABI (`curl/curl.h`).
public struct CurlCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    init(_ code: CURLcode) { rawValue = code.rawValue }

    /// libcurl's short explanation (`curl_easy_strerror`).
    public var description: String { String(cString: curl_easy_strerror(CURLcode(rawValue: rawValue))) }

    public static let ok = CurlCode(CURLE_OK)
    public static let unsupportedProtocol = CurlCode(CURLE_UNSUPPORTED_PROTOCOL)
    public static let urlMalformat = CurlCode(CURLE_URL_MALFORMAT)
    public static let couldntResolveProxy = CurlCode(CURLE_COULDNT_RESOLVE_PROXY)
    public static let couldntResolveHost = CurlCode(CURLE_COULDNT_RESOLVE_HOST)
    public static let couldntConnect = CurlCode(CURLE_COULDNT_CONNECT)
    public static let http2 = CurlCode(CURLE_HTTP2)
    public static let partialFile = CurlCode(CURLE_PARTIAL_FILE)
    public static let writeError = CurlCode(CURLE_WRITE_ERROR)
    public static let readError = CurlCode(CURLE_READ_ERROR)
    public static let operationTimedOut = CurlCode(CURLE_OPERATION_TIMEDOUT)
    public static let abortedByCallback = CurlCode(CURLE_ABORTED_BY_CALLBACK)
    public static let gotNothing = CurlCode(CURLE_GOT_NOTHING)
    public static let sendError = CurlCode(CURLE_SEND_ERROR)
    public static let recvError = CurlCode(CURLE_RECV_ERROR)
    public static let filesizeExceeded = CurlCode(CURLE_FILESIZE_EXCEEDED)
    public static let http2Stream = CurlCode(CURLE_HTTP2_STREAM)
    public static let http3 = CurlCode(CURLE_HTTP3)
    public static let quicConnectError = CurlCode(CURLE_QUIC_CONNECT_ERROR)
    /// Every code that means the TLS handshake or certificate check failed.
    public static let tlsFailures: Set<CurlCode> = [
        CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
        CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
        CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_NOTFOUND,
        CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CLIENTCERT,
    ].reduce(into: []) { $0.insert(CurlCode($1)) }
}

/// A `CURLoption` with a Swift name, for ``CurlEasy/set(_:_:)`` and its overloads.
public struct CurlOption: Sendable, Hashable {
    /// The `CURLOPT_*` number.
    public let rawValue: UInt32
    init(_ option: CURLoption) { rawValue = option.rawValue }
    var c: CURLoption { CURLoption(rawValue: rawValue) }

    public static let url = CurlOption(CURLOPT_URL)
    public static let noSignal = CurlOption(CURLOPT_NOSIGNAL)
    public static let errorBuffer = CurlOption(CURLOPT_ERRORBUFFER)
    public static let protocols = CurlOption(CURLOPT_PROTOCOLS_STR)
    public static let followLocation = CurlOption(CURLOPT_FOLLOWLOCATION)
    public static let sslVerifyPeer = CurlOption(CURLOPT_SSL_VERIFYPEER)
    public static let sslVerifyHost = CurlOption(CURLOPT_SSL_VERIFYHOST)
    public static let caInfo = CurlOption(CURLOPT_CAINFO)
    public static let userAgent = CurlOption(CURLOPT_USERAGENT)
    public static let connectTimeoutMs = CurlOption(CURLOPT_CONNECTTIMEOUT_MS)
    public static let lowSpeedLimit = CurlOption(CURLOPT_LOW_SPEED_LIMIT)
    public static let lowSpeedTime = CurlOption(CURLOPT_LOW_SPEED_TIME)
    public static let tcpKeepAlive = CurlOption(CURLOPT_TCP_KEEPALIVE)
    public static let tcpKeepIdle = CurlOption(CURLOPT_TCP_KEEPIDLE)
    public static let tcpKeepInterval = CurlOption(CURLOPT_TCP_KEEPINTVL)
    public static let writeFunction = CurlOption(CURLOPT_WRITEFUNCTION)
    public static let writeData = CurlOption(CURLOPT_WRITEDATA)
    public static let headerFunction = CurlOption(CURLOPT_HEADERFUNCTION)
    public static let headerData = CurlOption(CURLOPT_HEADERDATA)
    public static let readFunction = CurlOption(CURLOPT_READFUNCTION)
    public static let readData = CurlOption(CURLOPT_READDATA)
    public static let noProgress = CurlOption(CURLOPT_NOPROGRESS)
    public static let xferInfoData = CurlOption(CURLOPT_XFERINFODATA)
    public static let xferInfoFunction = CurlOption(CURLOPT_XFERINFOFUNCTION)
    public static let bufferSize = CurlOption(CURLOPT_BUFFERSIZE)
    public static let uploadBufferSize = CurlOption(CURLOPT_UPLOAD_BUFFERSIZE)
    public static let maxFileSizeLarge = CurlOption(CURLOPT_MAXFILESIZE_LARGE)
    public static let noBody = CurlOption(CURLOPT_NOBODY)
    public static let upload = CurlOption(CURLOPT_UPLOAD)
    public static let inFileSizeLarge = CurlOption(CURLOPT_INFILESIZE_LARGE)
    public static let customRequest = CurlOption(CURLOPT_CUSTOMREQUEST)
    public static let httpHeader = CurlOption(CURLOPT_HTTPHEADER)
    public static let post = CurlOption(CURLOPT_POST)
    public static let postFieldSizeLarge = CurlOption(CURLOPT_POSTFIELDSIZE_LARGE)
    /// `aws:amz:REGION:SERVICE`: libcurl signs the request with AWS Signature Version 4 (7.75+).
    public static let awsSigV4 = CurlOption(CURLOPT_AWS_SIGV4)
    public static let userPassword = CurlOption(CURLOPT_USERPWD)
    public static let timeoutMs = CurlOption(CURLOPT_TIMEOUT_MS)
}

/// A `CURLINFO` with a Swift name, for ``CurlEasy/info(_:)``.
public struct CurlInfo: Sendable, Hashable {
    let raw: UInt32
    init(_ info: CURLINFO) { raw = info.rawValue }
    var c: CURLINFO { CURLINFO(rawValue: raw) }

    public static let responseCode = CurlInfo(CURLINFO_RESPONSE_CODE)
    public static let sizeUpload = CurlInfo(CURLINFO_SIZE_UPLOAD_T)
    public static let sizeDownload = CurlInfo(CURLINFO_SIZE_DOWNLOAD_T)
}

/// The C signature of `CURLOPT_WRITEFUNCTION`, `CURLOPT_HEADERFUNCTION` and `CURLOPT_READFUNCTION`.
public typealias CurlDataCallback =
    @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int

/// The C signature of `CURLOPT_XFERINFOFUNCTION` (totals and counts are `curl_off_t`).
public typealias CurlXferInfoCallback =
    @convention(c) (UnsafeMutableRawPointer?, Int, Int, Int, Int) -> Int32
