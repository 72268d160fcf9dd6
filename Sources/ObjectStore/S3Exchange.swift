import CurlKit
import Glibc

/// The state of one request that libcurl's C callbacks fill in or read from, on the calling thread.
final class S3Exchange {
    enum Body {
        case none
        case bytes([UInt8])
        /// `length` bytes of an open file from `offset` (the caller owns the descriptor).
        case file(fd: Int32, offset: Int64, length: Int64)

        var length: Int64 {
            switch self {
            case .none: 0
            case .bytes(let b): Int64(b.count)
            case .file(_, _, let length): length
            }
        }
    }

    let body: Body
    /// Receives a successful response's body as it arrives; returning false aborts the transfer.
    let sink: ((UnsafeRawBufferPointer) -> Bool)?
    var cursor: Int64 = 0
    var status = 0
    var headers: [(name: String, value: String)] = []
    /// A non-2xx answer's body (S3's XML error), or a small response kept whole.
    var buffered: [UInt8] = []
    var readFailure: String?
    var sinkStopped = false
    static let bufferLimit = 16 << 20

    init(body: Body, sink: ((UnsafeRawBufferPointer) -> Bool)?) {
        self.body = body
        self.sink = sink
    }

    func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    func receivedHeader(_ raw: UnsafeRawBufferPointer) -> Int {
        // Trim CRLF as bytes: "\r\n" is one Character, so a Character-wise trim would miss it.
        var count = raw.count
        while count > 0, raw[count - 1] == 0x0A || raw[count - 1] == 0x0D { count -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<count]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
            headers.removeAll()
        } else if let colon = line.firstIndex(of: ":") {
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append((String(line[..<colon]), String(value)))
        }
        return raw.count
    }

    func received(_ bytes: UnsafeRawBufferPointer) -> Int {
        if let sink, (200..<300).contains(status) {
            guard sink(bytes) else {
                sinkStopped = true
                return 0
            }
            return bytes.count
        }
        guard buffered.count + bytes.count <= Self.bufferLimit else { return 0 }
        buffered.append(contentsOf: bytes)
        return bytes.count
    }

    func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        let wanted = Int(min(Int64(buffer.count), body.length - cursor))
        if wanted <= 0 { return 0 }
        switch body {
        case .none:
            return 0
        case .bytes(let bytes):
            let start = Int(cursor)
            bytes.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + start, byteCount: wanted)
            }
            cursor += Int64(wanted)
            return wanted
        case .file(let fd, let offset, _):
            while true {
                let n = pread(fd, buffer.baseAddress, wanted, off_t(offset + cursor))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    readFailure = n < 0 ? String(cString: strerror(errno)) : "file ended early"
                    return Curl.readAbort
                }
                cursor += Int64(n)
                return n
            }
        }
    }

    static let writeCallback: CurlDataCallback = { data, size, count, me in
        Unmanaged<S3Exchange>.fromOpaque(me!).takeUnretainedValue()
            .received(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    static let headerCallback: CurlDataCallback = { data, size, count, me in
        Unmanaged<S3Exchange>.fromOpaque(me!).takeUnretainedValue()
            .receivedHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    static let readCallback: CurlDataCallback = { data, size, count, me in
        Unmanaged<S3Exchange>.fromOpaque(me!).takeUnretainedValue()
            .fill(UnsafeMutableRawBufferPointer(start: data, count: size * count))
    }
}
