/// Receives a streaming request body chunk by chunk, on a handler thread.
///
/// Calls are made in order and never concurrently (`consume`* then exactly one of `finish` or
/// `abort`), though not always on the same thread, so a consumer needs no lock of its own. While
/// a chunk is being consumed the engine stops reading the socket (backpressure), so a consumer
/// that writes to disk bounds the server's memory. A connection cut mid-body, a timeout, a body
/// over the limit or malformed chunked framing calls `abort`, so the consumer can keep or
/// discard what it has (a tus upload keeps its durable prefix).
public protocol RequestBodyConsumer: AnyObject {
    /// Takes the next chunk of body bytes; the buffer is only valid during the call.
    ///
    /// A chunk's address is congruent to its offset in the body modulo 4096 (when
    /// `bodyReadSize` is at least two such blocks), so a consumer writing the body at a
    /// block-aligned file offset can give the chunk's whole blocks to `O_DIRECT` writes.
    ///
    /// - Throws: any error ends the request: an ``HTTPError`` is sent as is, others as 500; the
    ///   connection is closed because the rest of the body was not read.
    func consume(_ chunk: UnsafeRawBufferPointer) throws

    /// Called after the last byte (and the trailers of a chunked body); returns the response.
    func finish(trailers: HTTPHeaders) throws -> HTTPResponse

    /// Called instead of `finish` when the body cannot be completed.
    func abort(_ reason: BodyAbortReason)
}

/// Why a streaming body ended early.
public enum BodyAbortReason: Sendable, Equatable, CustomStringConvertible {
    /// The client closed the connection or it failed.
    case connectionClosed
    /// The body arrived slower than the configured minimum rate.
    case timeout
    /// A chunked body grew past the route's limit.
    case tooLarge
    /// The chunked framing was invalid.
    case malformed
    /// `consume` threw.
    case consumerFailed
    /// The server stopped before the body was complete.
    case serverShutdown
    /// Application code ended the request through its ``CancelHandle``.
    case cancelled

    public var description: String {
        switch self {
        case .connectionClosed: "connection_closed"
        case .timeout: "timeout"
        case .tooLarge: "too_large"
        case .malformed: "malformed"
        case .consumerFailed: "consumer_failed"
        case .serverShutdown: "server_shutdown"
        case .cancelled: "cancelled"
        }
    }
}

/// What a streaming route decides from the request head, before any body byte is read.
public enum BodyDecision {
    /// Answer now (401, 404, 409, 413...) without reading the body; the connection is closed
    /// afterwards if a body was announced, since its bytes are still in flight.
    case respond(HTTPResponse)
    /// Read the body into this consumer (sending `100 Continue` first if the client asked).
    ///
    /// With a `cancel` handle, other code can later end this request (abort the body, close
    /// the connection) from any thread; see ``CancelHandle``.
    case consume(any RequestBodyConsumer, cancel: CancelHandle? = nil)
}

/// Lets a consumer instance cross from the handler thread that created it to the ones that feed it.
///
/// `@unchecked Sendable` invariant: the engine calls the consumer strictly in sequence, each call
/// handed over through the handler pool's lock, which orders memory between the threads.
final class ConsumerBox: @unchecked Sendable {
    let consumer: any RequestBodyConsumer
    let cancel: CancelHandle?
    init(_ consumer: any RequestBodyConsumer, cancel: CancelHandle? = nil) {
        self.consumer = consumer
        self.cancel = cancel
    }
}
