import CurlKit
import Glibc
import KandasClient

extension Transfer {
    /// Creates and configures the easy handle (driver thread). Opens the body's file first, so a
    /// missing or short file fails before any byte goes on the wire.
    ///
    /// - Throws: `.fileUnreadable` for a body file that cannot be opened or is shorter than the region;
    ///   `.other` when libcurl refuses an option (a libcurl built without HTTP, or out of memory).
    func prepare(_ configuration: CurlTransport.Configuration) throws(TransportError) {
        if case .file(let path, let offset, let length) = request.body {
            try openFile(path: path, offset: offset, length: length)
        }
        guard let easy = CurlEasy() else { throw .other("curl_easy_init failed") }
        self.easy = easy
        let me = Unmanaged.passUnretained(self).toOpaque()
        var options = EasyOptions(easy: easy)

        options.set(.noSignal, 1)  // threads: no SIGALRM for DNS timeouts
        options.set(.errorBuffer, pointer: UnsafeMutableRawPointer(errorBuffer))
        options.set(.url, string: request.url)
        options.set(.protocols, string: "http,https")
        options.set(.followLocation, 0)  // the sync engine decides what a 3xx means
        options.set(.sslVerifyPeer, 1)
        options.set(.sslVerifyHost, 2)
        if let ca = configuration.caBundlePath { options.set(.caInfo, string: ca) }
        options.set(.userAgent, string: configuration.userAgent)

        options.set(.connectTimeoutMs, Int(milliseconds(request.connectTimeout)))
        // A dead 2G link is "under 1 byte/s for lowSpeedTimeout", not a total-time budget that a
        // healthy but slow 300 MB upload would exceed.
        options.set(.lowSpeedLimit, 1)
        options.set(.lowSpeedTime, max(1, Int((milliseconds(request.lowSpeedTimeout) + 999) / 1000)))
        options.set(.tcpKeepAlive, 1)
        options.set(.tcpKeepIdle, 30)
        options.set(.tcpKeepInterval, 15)

        options.set(.writeFunction, callback: Transfer.writeCallback)
        options.set(.writeData, pointer: me)
        options.set(.headerFunction, callback: Transfer.headerCallback)
        options.set(.headerData, pointer: me)
        options.set(.noProgress, 0)
        options.setXferInfo(Transfer.xferInfoCallback)
        options.set(.xferInfoData, pointer: me)
        options.set(.bufferSize, 256 << 10)
        if request.method != "HEAD" {
            // A Content-Length above the limit fails before any body byte; the write callback covers
            // chunked bodies. Not for HEAD, whose Content-Length describes a body that never comes.
            options.set(.maxFileSizeLarge, offset: Int64(request.maxResponseBytes))
        }

        setMethodAndBody(&options, me: me)
        setHeaders(&options)
        if let failure = options.failure { throw failure }
    }

    private func setMethodAndBody(_ options: inout EasyOptions, me: UnsafeMutableRawPointer) {
        let method = request.method
        let hasBody: Bool
        switch request.body {
        case .none: hasBody = ["POST", "PUT", "PATCH"].contains(method)  // sends Content-Length: 0
        case .bytes, .file: hasBody = true
        }
        if method == "HEAD" {
            options.set(.noBody, 1)
        } else if hasBody {
            // UPLOAD streams from the read callback with a Content-Length and, unlike CURLOPT_POST,
            // adds no form Content-Type of its own.
            options.set(.upload, 1)
            options.set(.inFileSizeLarge, offset: bodyLength)
            options.set(.readFunction, callback: Transfer.readCallback)
            options.set(.readData, pointer: me)
            options.set(.uploadBufferSize, 512 << 10)
            if method != "PUT" { options.set(.customRequest, string: method) }
        } else if method != "GET" {
            options.set(.customRequest, string: method)
        }
    }

    private func setHeaders(_ options: inout EasyOptions) {
        let list = CurlHeaderList()
        var callerSetExpect = false
        for field in request.headers {
            if field.name.caseInsensitiveCompare("Expect") == .orderedSame { callerSetExpect = true }
            // "Name:" would make libcurl drop the field; "Name;" sends it with an empty value.
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            list.append(line)
        }
        // An empty Expect stops libcurl's automatic `Expect: 100-continue`, which stalls each upload
        // above 1 MiB for up to a second waiting for an interim response many servers never send.
        if !callerSetExpect { list.append("Expect:") }
        options.set(.httpHeader, list: list)  // the handle keeps the list alive
    }

    private func openFile(path: String, offset: Int64, length: Int64) throws(TransportError) {
        guard offset >= 0, length >= 0 else {
            throw .fileUnreadable("\(path): negative region (offset \(offset), length \(length))")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .fileUnreadable("\(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int64(info.st_size) < offset + length {
            close(fd)
            throw .fileUnreadable("\(path): \(info.st_size) bytes, region ends at \(offset + length)")
        }
        file = fd
    }

    /// Releases the easy handle, its header list and the body file (driver thread, after
    /// `curl_multi_remove_handle`).
    func release() {
        easy = nil  // frees the handle and its header list
        if file >= 0 { close(file) }
        file = -1
    }

    private func milliseconds(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return max(0, s * 1000 + atto / 1_000_000_000_000_000)
    }
}
