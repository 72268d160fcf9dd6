internal import CCurl
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
        guard let easy = curl_easy_init() else { throw .other("curl_easy_init failed") }
        self.easy = easy
        let me = Unmanaged.passUnretained(self).toOpaque()
        var options = EasyOptions(easy: easy)

        options.set(CURLOPT_NOSIGNAL, 1)  // threads: no SIGALRM for DNS timeouts
        options.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        options.set(CURLOPT_URL, string: request.url)
        options.set(CURLOPT_PROTOCOLS_STR, string: "http,https")
        options.set(CURLOPT_FOLLOWLOCATION, 0)  // the sync engine decides what a 3xx means
        options.set(CURLOPT_SSL_VERIFYPEER, 1)
        options.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let ca = configuration.caBundlePath { options.set(CURLOPT_CAINFO, string: ca) }
        options.set(CURLOPT_USERAGENT, string: configuration.userAgent)

        options.set(CURLOPT_CONNECTTIMEOUT_MS, Int(milliseconds(request.connectTimeout)))
        // A dead 2G link is "under 1 byte/s for lowSpeedTimeout", not a total-time budget that a
        // healthy but slow 300 MB upload would exceed.
        options.set(CURLOPT_LOW_SPEED_LIMIT, 1)
        options.set(CURLOPT_LOW_SPEED_TIME, max(1, Int((milliseconds(request.lowSpeedTimeout) + 999) / 1000)))
        options.set(CURLOPT_TCP_KEEPALIVE, 1)
        options.set(CURLOPT_TCP_KEEPIDLE, 30)
        options.set(CURLOPT_TCP_KEEPINTVL, 15)

        options.set(CURLOPT_WRITEFUNCTION, callback: Transfer.writeCallback)
        options.set(CURLOPT_WRITEDATA, pointer: me)
        options.set(CURLOPT_HEADERFUNCTION, callback: Transfer.headerCallback)
        options.set(CURLOPT_HEADERDATA, pointer: me)
        options.set(CURLOPT_NOPROGRESS, 0)
        options.setXferInfo(Transfer.xferInfoCallback)
        options.set(CURLOPT_XFERINFODATA, pointer: me)
        options.set(CURLOPT_BUFFERSIZE, 256 << 10)
        if request.method != "HEAD" {
            // A Content-Length above the limit fails before any body byte; the write callback covers
            // chunked bodies. Not for HEAD, whose Content-Length describes a body that never comes.
            options.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(request.maxResponseBytes))
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
            options.set(CURLOPT_NOBODY, 1)
        } else if hasBody {
            // UPLOAD streams from the read callback with a Content-Length and, unlike CURLOPT_POST,
            // adds no form Content-Type of its own.
            options.set(CURLOPT_UPLOAD, 1)
            options.set(CURLOPT_INFILESIZE_LARGE, offset: bodyLength)
            options.set(CURLOPT_READFUNCTION, callback: Transfer.readCallback)
            options.set(CURLOPT_READDATA, pointer: me)
            options.set(CURLOPT_UPLOAD_BUFFERSIZE, 512 << 10)
            if method != "PUT" { options.set(CURLOPT_CUSTOMREQUEST, string: method) }
        } else if method != "GET" {
            options.set(CURLOPT_CUSTOMREQUEST, string: method)
        }
    }

    private func setHeaders(_ options: inout EasyOptions) {
        var list: UnsafeMutablePointer<curl_slist>?
        var callerSetExpect = false
        for field in request.headers {
            if field.name.caseInsensitiveCompare("Expect") == .orderedSame { callerSetExpect = true }
            // "Name:" would make libcurl drop the field; "Name;" sends it with an empty value.
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            list = curl_slist_append(list, line)
        }
        // An empty Expect stops libcurl's automatic `Expect: 100-continue`, which stalls each upload
        // above 1 MiB for up to a second waiting for an interim response many servers never send.
        if !callerSetExpect { list = curl_slist_append(list, "Expect:") }
        headerList = list  // freed with the handle: libcurl keeps only the pointer
        options.set(CURLOPT_HTTPHEADER, list: list)
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
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        if file >= 0 { close(file) }
        file = -1
    }

    private func milliseconds(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return max(0, s * 1000 + atto / 1_000_000_000_000_000)
    }
}
