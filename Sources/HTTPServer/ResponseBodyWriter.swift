import Dispatch
import Synchronization
import ZlibKit

/// Writes a chunked response body from a handler thread; `write` blocks while the client is slow.
///
/// Each write is sent as one chunk. Memory is bounded: once `highWater` bytes wait for the
/// socket, `write` waits until the event loop has taken them.
public final class ResponseBodyWriter: Sendable {
    let channel: StreamChannel
    /// Set when the body goes out gzip-encoded (``ContentCoding``): writes pass through it.
    private let gzip: GzipBox?

    init(channel: StreamChannel) {
        self.channel = channel
        gzip = nil
    }

    private init(channel: StreamChannel, gzip: GzipBox) {
        self.channel = channel
        self.gzip = gzip
    }

    /// A writer on the same body that gzip-encodes what is written to it; ``finishGzip()`` ends the member.
    func gzipped(level: Int32) -> ResponseBodyWriter {
        ResponseBodyWriter(channel: channel, gzip: GzipBox(GzipEncoder(level: level)))
    }

    /// Writes the end of the gzip member (a no-op on a plain writer).
    func finishGzip() throws {
        guard let gzip else { return }
        let tail = gzip.encoder.finish()
        if !tail.isEmpty { try channel.push(tail) }
    }

    /// Sends bytes as one chunk (empty writes are skipped: a zero chunk would end the body).
    ///
    /// - Throws: ``HTTPError`` `connection_closed` when the client went away; stop producing then.
    public func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        if let gzip {
            let encoded = gzip.encoder.compress(bytes)
            if !encoded.isEmpty { try channel.push(encoded) }
            return
        }
        try channel.push(bytes)
    }

    /// Sends the bytes of a buffer as one chunk.
    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard buffer.count > 0 else { return }
        if let gzip {
            let encoded = gzip.encoder.compress(buffer)
            if !encoded.isEmpty { try channel.push(encoded) }
            return
        }
        try channel.push([UInt8](buffer))
    }

    /// Sends UTF-8 text as one chunk.
    public func write(_ text: String) throws { try write(Array(text.utf8)) }
}

/// The encoder of a gzip body: used by the one producer thread of a stream only.
final class GzipBox: @unchecked Sendable {
    let encoder: GzipEncoder
    init(_ encoder: GzipEncoder) { self.encoder = encoder }
}

/// The hand-off between a streaming handler (producer) and the event loop (consumer).
final class StreamChannel: Sendable {
    struct State {
        var chunks: [[UInt8]] = []
        var pendingBytes = 0
        var closed = false
        var finished = false
        var failed = false
        var waiting = false
    }

    static let highWater = 256 * 1024

    private let state = Mutex(State())
    private let wakeProducer = DispatchSemaphore(value: 0)
    /// Tells the loop that chunks (or the end) are ready; set once before the producer starts.
    let notify: @Sendable () -> Void

    init(notify: @escaping @Sendable () -> Void) { self.notify = notify }

    func push(_ chunk: [UInt8]) throws(HTTPError) {
        let (mustWait, wasEmpty) = try state.withLock { s throws(HTTPError) -> (Bool, Bool) in
            if s.closed { throw HTTPError(status: .internalServerError, code: "connection_closed") }
            let wasEmpty = s.chunks.isEmpty
            s.chunks.append(chunk)
            s.pendingBytes += chunk.count
            let wait = s.pendingBytes >= StreamChannel.highWater
            if wait { s.waiting = true }
            return (wait, wasEmpty)
        }
        if wasEmpty { notify() }
        if mustWait {
            wakeProducer.wait()
            if state.withLock({ $0.closed }) {
                throw HTTPError(status: .internalServerError, code: "connection_closed")
            }
        }
    }

    /// The producer is done; `failed` means it threw, so the body must be cut, not terminated.
    func finish(failed: Bool) {
        state.withLock {
            $0.finished = true
            $0.failed = failed
        }
        notify()
    }

    /// Loop side: takes every waiting chunk and wakes a blocked producer.
    func take() -> (chunks: [[UInt8]], finished: Bool, failed: Bool) {
        let (out, wake) = state.withLock { s -> ((chunks: [[UInt8]], finished: Bool, failed: Bool), Bool) in
            let out = (chunks: s.chunks, finished: s.finished, failed: s.failed)
            s.chunks = []
            s.pendingBytes = 0
            let wake = s.waiting
            s.waiting = false
            return (out, wake)
        }
        if wake { wakeProducer.signal() }
        return out
    }

    /// Loop side: the connection is gone; a blocked or later `write` throws.
    func close() {
        let wake = state.withLock { s -> Bool in
            s.closed = true
            let w = s.waiting
            s.waiting = false
            return w
        }
        if wake { wakeProducer.signal() }
    }
}
