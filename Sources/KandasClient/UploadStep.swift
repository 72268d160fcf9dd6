public import KandasProtocol

/// One HTTP request of a file upload that the app runs itself, and what it is for.
///
/// On iOS, uploads that continue while the app is suspended need a background `URLSession` upload task
/// *from a file*: the core cannot run those requests through a `Transport`. `KandasClient.nextUploadStep()`
/// hands the app the next request (method, URL, headers and, for a chunk, the file range to send), and
/// `KandasClient.finishUploadStep(_:response:)` takes the server's answer back. A chunk's body is
/// `.file(path:offset:length:)`: the app sends exactly that range (for a background task, written to a
/// file of its own first, or the whole local copy when the range is the whole file).
public struct UploadStep: Sendable, Equatable {
    /// What the request does (tus, sync-v1 §10).
    public enum Kind: String, Sendable, Equatable {
        /// `POST /v1/uploads`: creates the upload (idempotent per attachment).
        case create
        /// `HEAD <upload>`: asks the server's offset.
        case status
        /// `PATCH <upload>`: sends `length` bytes of the local copy from the server's offset.
        case chunk
    }

    /// The file.
    public var attachmentID: WireID
    /// What the request does.
    public var kind: Kind
    /// The request to send, headers included (with the bearer token: keep it out of logs).
    public var request: TransportRequest
}
