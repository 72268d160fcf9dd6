import Foundation
import KandasClient

/// An `InputStream` over `length` bytes of a file from `offset`: how a tus PATCH body leaves the disk in
/// pieces of at most what URLSession asks for, never the whole chunk in memory.
///
/// URLSession reads a body stream from one thread at a time; the handle is opened in `init` (so a missing
/// file is `fileUnreadable` before any network activity) and closed by `close()` or `deinit`.
final class FileRangeStream: InputStream {
    // Not Sendable (InputStream is not): URLSession drives one body stream from one thread at a time.
    private let handle: FileHandle
    private var remaining: Int64
    private var status: Stream.Status = .notOpen

    init(path: String, offset: Int64, length: Int64) throws(TransportError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .fileUnreadable("\(path): cannot open")
        }
        do {
            try handle.seek(toOffset: UInt64(offset))
        } catch {
            try? handle.close()
            throw .fileUnreadable("\(path): cannot seek to \(offset)")
        }
        self.handle = handle
        remaining = length
        super.init(data: Data())
    }

    deinit { try? handle.close() }

    override func open() { status = .open }

    override func close() {
        status = .closed
        try? handle.close()
    }

    override var streamStatus: Stream.Status { status }

    override var streamError: (any Error)? { nil }

    override var hasBytesAvailable: Bool { status == .open && remaining > 0 }

    override func read(_ buffer: UnsafeMutablePointer<UInt8>, maxLength: Int) -> Int {
        guard status == .open, remaining > 0 else {
            if status == .open { status = .atEnd }
            return 0
        }
        let want = Int(min(Int64(min(maxLength, 256 << 10)), remaining))
        let data: Data
        do {
            data = try handle.read(upToCount: want) ?? Data()
        } catch {
            status = .error
            return -1
        }
        guard !data.isEmpty else {
            // The file is shorter than the declared range: the server sees a short body and answers.
            status = .atEnd
            return 0
        }
        data.copyBytes(to: buffer, count: data.count)
        remaining -= Int64(data.count)
        if remaining == 0 { status = .atEnd }
        return data.count
    }

    override func getBuffer(
        _ buffer: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, length len: UnsafeMutablePointer<Int>
    ) -> Bool { false }

    #if !canImport(FoundationNetworking)
    // Darwin's URLSession schedules a body stream on its own run loop; nothing to do for a file.
    override func schedule(in aRunLoop: RunLoop, forMode mode: RunLoop.Mode) {}

    override func remove(from aRunLoop: RunLoop, forMode mode: RunLoop.Mode) {}
    #endif
}
