/// The one error type of the Crypto module.
///
/// Carries the failing operation, the file path (for file hashing), the `errno` of a failed
/// system call and libcrypto's own error string, so a failure can be debugged from its
/// description alone. Never carries key material or message bytes.
public struct CryptoError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was being done, e.g. `"open"`, `"read"`, `"EVP_DigestUpdate"`.
    public var operation: String
    /// The file involved, if any.
    public var path: String?
    /// `errno` of the failed system call, if the failure came from the kernel.
    public var errno: Int32?
    /// A human-readable reason (strerror or libcrypto's error queue).
    public var message: String

    public init(operation: String, path: String? = nil, errno: Int32? = nil, message: String) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.message = message
    }

    public var description: String {
        var text = "crypto error in \(operation)"
        if let path { text += " (\(path))" }
        if let errno { text += ": errno \(errno)" }
        return text + ": \(message)"
    }
}
