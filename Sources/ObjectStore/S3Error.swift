/// Why an object-store request failed, with what is needed to act on it and nothing secret.
public struct S3Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The store could not be reached or the connection broke (retry later).
        case unavailable
        /// The store refused the signature or the key (HTTP 403).
        case accessDenied
        /// The bucket does not exist.
        case noSuchBucket
        /// The object or multipart upload does not exist (HTTP 404).
        case notFound
        /// `If-None-Match: *` found the object already there (HTTP 412).
        case alreadyExists
        /// The store answered 5xx or throttled (retry later).
        case serverError
        /// Any other refusal (4xx), e.g. `EntityTooSmall`, `InvalidPart`.
        case rejected
        /// A local problem: a body file unreadable, a malformed answer, a bad setting.
        case local
        case invalidConfiguration
    }

    public var kind: Kind
    /// What the client was doing (`put_object`, `upload_part`, ...).
    public var operation: String
    /// The HTTP status (0 without a response).
    public var status: Int
    /// S3's `<Code>` (e.g. `SignatureDoesNotMatch`), if the answer had one.
    public var code: String?
    public var detail: String

    public init(_ kind: Kind, operation: String, status: Int = 0, code: String? = nil, detail: String) {
        self.kind = kind
        self.operation = operation
        self.status = status
        self.code = code
        self.detail = detail
    }

    /// Worth retrying later: the store was unreachable, overloaded or failing.
    public var isTransient: Bool { kind == .unavailable || kind == .serverError }

    public var description: String {
        var s = "s3 \(operation): \(kind.rawValue)"
        if status != 0 { s += " (HTTP \(status)" + (code.map { " \($0)" } ?? "") + ")" }
        return s + ": " + detail
    }
}
