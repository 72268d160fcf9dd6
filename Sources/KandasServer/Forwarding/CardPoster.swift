import CurlKit

/// One blocking HTTPS POST of a signed record to the digital-card receiver, over libcurl.
///
/// Runs on ``CardForwarder``'s own thread (blocking C calls stay off the cooperative pool).
/// The answer's body is read and dropped (at most 64 KiB): only the status matters.
final class CardPoster {
    /// What one POST came to.
    enum Result: Equatable {
        case status(Int)
        case failed(String)
    }

    /// Connection and whole-request limits: a receiver slower than this is retried later.
    static let connectTimeoutMilliseconds = 10_000
    static let timeoutMilliseconds = 30_000

    private let easy: CurlEasy?

    init() { easy = CurlEasy() }

    func post(url: String, headers: [String], body: [UInt8]) -> Result {
        guard let easy else { return .failed("curl_unavailable") }
        let exchange = PostExchange(body: body)
        defer { easy.reset() }
        let me = Unmanaged.passUnretained(exchange).toOpaque()
        let code: CurlCode = withExtendedLifetime(exchange) {
            let options = [
                easy.set(.noSignal, 1), easy.set(.url, string: url), easy.set(.protocols, string: "http,https"),
                easy.set(.followLocation, 0), easy.set(.connectTimeoutMs, Self.connectTimeoutMilliseconds),
                easy.set(.timeoutMs, Self.timeoutMilliseconds), easy.set(.post, 1),
                easy.set(.postFieldSizeLarge, offset: Int64(body.count)),
                easy.set(.readFunction, callback: PostExchange.readCallback), easy.set(.readData, pointer: me),
                easy.set(.writeFunction, callback: PostExchange.writeCallback), easy.set(.writeData, pointer: me),
                easy.set(.httpHeader, list: CurlHeaderList(headers + ["Expect:"])),
            ]
            if let failed = options.first(where: { $0 != .ok }) { return failed }
            return easy.perform()
        }
        guard code == .ok else { return .failed(Self.reason(code)) }
        return .status(Int(easy.info(.responseCode)))
    }

    /// A stable, secret-free name for a transport failure (shown to administrators, logged).
    static func reason(_ code: CurlCode) -> String {
        switch code {
        case .couldntConnect: "connect_failed"
        case .couldntResolveHost: "dns_failed"
        case .operationTimedOut: "timeout"
        case .sendError, .recvError, .gotNothing, .partialFile: "connection_lost"
        default: CurlCode.tlsFailures.contains(code) ? "tls_failed" : "curl_\(code.rawValue)"
        }
    }
}

/// The request body libcurl reads and the response it writes, on the calling thread.
private final class PostExchange {
    let body: [UInt8]
    var cursor = 0
    var received = 0

    init(body: [UInt8]) { self.body = body }

    static let readCallback: CurlDataCallback = { data, size, count, me in
        let exchange = Unmanaged<PostExchange>.fromOpaque(me!).takeUnretainedValue()
        let n = min(size * count, exchange.body.count - exchange.cursor)
        guard n > 0, let data else { return 0 }
        exchange.body.withUnsafeBytes { src in
            UnsafeMutableRawPointer(data).copyMemory(from: src.baseAddress! + exchange.cursor, byteCount: n)
        }
        exchange.cursor += n
        return n
    }

    static let writeCallback: CurlDataCallback = { _, size, count, me in
        let exchange = Unmanaged<PostExchange>.fromOpaque(me!).takeUnretainedValue()
        exchange.received += size * count
        return exchange.received > 65_536 ? 0 : size * count
    }
}
