import CurlKit
import Glibc
import KandasClient
import Synchronization

/// One request in flight: its libcurl easy handle, the state the C callbacks fill in, and the
/// continuation of the task that waits for it.
///
/// Invariant that makes `@unchecked Sendable` sound: everything except `cancelFlag` and
/// `continuation` (both synchronised) is touched only by the driver thread of `MultiDriver`, which
/// creates the easy handle, runs every libcurl callback and finishes the transfer. The submitting task
/// only builds the object and later reads the result through the continuation.
final class Transfer: @unchecked Sendable {
    let request: TransportRequest
    let progress: (@Sendable (TransferProgress) -> Void)?
    /// Request-body length in bytes (0 without a body).
    let bodyLength: Int64

    private let cancelFlag = Atomic<Bool>(false)
    private let continuation = Mutex<CheckedContinuation<Result<TransportResponse, TransportError>, Never>?>(nil)

    // Driver-thread state.
    var easy: CurlEasy?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: 257)
    var head = ResponseHead()
    var body: [UInt8] = []
    var responseLimitExceeded = false
    /// Bytes of the request body already handed to libcurl (the next read starts here).
    var bodyCursor: Int64 = 0
    var file: Int32 = -1
    var readFailure: String?
    /// The most body bytes libcurl ever reported sent, unthrottled: its own counter restarts when it
    /// retries a dead reused connection, and a failed upload's caller needs what really left.
    private(set) var highestSent: Int64 = 0
    private var lastReport: TransferProgress?
    private var lastReportNanos: UInt64 = 0

    /// Progress callbacks come at most this often (libcurl calls the xferinfo function for every
    /// buffer), except the final one.
    static let progressInterval: UInt64 = 100_000_000

    init(request: TransportRequest, progress: (@Sendable (TransferProgress) -> Void)?) {
        self.request = request
        self.progress = progress
        switch request.body {
        case .none: bodyLength = 0
        case .bytes(let bytes): bodyLength = Int64(bytes.count)
        case .file(_, _, let length): bodyLength = length
        }
        errorBuffer.initialize(repeating: 0, count: 257)
    }

    deinit {
        errorBuffer.deallocate()
    }

    // MARK: Cross-thread

    var isCancelled: Bool { cancelFlag.load(ordering: .acquiring) }

    func cancel() { cancelFlag.store(true, ordering: .releasing) }

    func setContinuation(_ c: CheckedContinuation<Result<TransportResponse, TransportError>, Never>) {
        continuation.withLock { $0 = c }
    }

    /// Resumes the waiting task exactly once; later calls are ignored.
    func resume(_ result: Result<TransportResponse, TransportError>) {
        continuation.withLock { c in
            c?.resume(returning: result)
            c = nil
        }
    }

    // MARK: libcurl callbacks (driver thread)

    /// `CURLOPT_WRITEFUNCTION`: returning less than `count` makes libcurl fail with `CURLE_WRITE_ERROR`.
    func received(_ bytes: UnsafeRawBufferPointer) -> Int {
        if body.count + bytes.count > request.maxResponseBytes {
            responseLimitExceeded = true
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    /// `CURLOPT_HEADERFUNCTION`: one whole header line per call.
    func receivedHeader(_ line: UnsafeRawBufferPointer) -> Int {
        head.consume(line: line)
        return line.count
    }

    /// `CURLOPT_READFUNCTION`: fills libcurl's upload buffer straight from the source, so a file body
    /// is never held in memory beyond one buffer (`CURLOPT_UPLOAD_BUFFERSIZE`).
    ///
    /// Returns the number of bytes written, 0 at the end, or `CURL_READFUNC_ABORT` after recording why.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        let wanted = Int(min(Int64(buffer.count), bodyLength - bodyCursor))
        if wanted <= 0 { return 0 }
        switch request.body {
        case .none:
            return 0
        case .bytes(let bytes):
            let start = Int(bodyCursor)
            bytes.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + start, byteCount: wanted)
            }
            bodyCursor += Int64(wanted)
            return wanted
        case .file(let path, let offset, _):
            let n = pread(file, buffer.baseAddress, wanted, off_t(offset + bodyCursor))
            if n < 0 {
                if errno == EINTR { return fill(buffer) }
                return abortRead("\(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                return abortRead("\(path): ended at byte \(offset + bodyCursor), expected \(offset + bodyLength)")
            }
            bodyCursor += Int64(n)
            return n
        }
    }

    private func abortRead(_ reason: String) -> Int {
        readFailure = reason
        return Curl.readAbort
    }

    /// `CURLOPT_XFERINFOFUNCTION`: reports throttled progress; a non-zero return aborts the transfer.
    func progressed(sent: Int64, received: Int64) -> Int32 {
        if isCancelled { return 1 }
        highestSent = max(highestSent, sent)
        report(TransferProgress(bytesSent: sent, bytesToSend: bodyLength, bytesReceived: received), force: false)
        return 0
    }

    /// Calls the progress handler if the numbers moved and the last report is old enough (or `force`).
    func report(_ now: TransferProgress, force: Bool) {
        guard let progress, now != lastReport else { return }
        let nanos = monotonicNanos()
        if !force && lastReport != nil && nanos &- lastReportNanos < Self.progressInterval { return }
        lastReport = now
        lastReportNanos = nanos
        progress(now)
    }
}

/// CLOCK_MONOTONIC in nanoseconds: cheap, and unaffected by wall-clock jumps.
private func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
