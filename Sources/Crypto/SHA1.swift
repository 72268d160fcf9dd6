public import Foundation

/// Streaming SHA-1 (FIPS 180-4) over libcrypto's EVP interface.
///
/// - Important: SHA-1 is broken for collision resistance. It exists only because the tus checksum
///   extension lets clients send `sha1` chunk checksums; content addressing uses `SHA256`.
///
/// A value type: copying a `SHA1` forks the running hash. The `EVP_MD_CTX` lives in a final
/// class box shared copy-on-write, so copies are cheap until one of them is updated, and the
/// context is freed when the last copy goes away.
///
/// ```swift
/// var hasher = SHA1()
/// hasher.update(chunk1)
/// hasher.update(chunk2)
/// let digest = hasher.finalize()
/// ```
public struct SHA1 {
    private var state = EVPDigestState(.sha1)

    /// Digest size in bytes.
    public static let byteCount = 20

    public init() {}

    /// Feeds raw bytes into the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) { state.update(bytes) }

    /// Feeds a byte array into the hash.
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { state.update($0) } }

    /// Feeds any contiguous or discontiguous byte collection (`Data`, `ArraySlice<UInt8>`...).
    public mutating func update(_ data: some DataProtocol) {
        for region in data.regions { region.withUnsafeBytes { state.update($0) } }
    }

    /// Returns the digest of everything fed so far; the value is consumed.
    public consuming func finalize() -> Digest { state.finalize() }

    /// One-shot hash of a byte array.
    public static func hash(_ bytes: [UInt8]) -> Digest {
        var hasher = SHA1()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// One-shot hash of any byte collection.
    public static func hash(_ data: some DataProtocol) -> Digest {
        var hasher = SHA1()
        hasher.update(data)
        return hasher.finalize()
    }

    /// Hashes a file with bounded memory: one buffer of `bufferSize` bytes, a `read(2)` loop.
    ///
    /// Advises the kernel of sequential access (`posix_fadvise`) so read-ahead is generous.
    /// - Throws: `CryptoError` with the path and `errno` when the file cannot be opened or read.
    public static func hash(
        fileAt path: String, bufferSize: Int = FileHasher.defaultBufferSize
    ) throws(CryptoError)
        -> Digest
    {
        try FileHasher.hash(path: path, algorithm: .sha1, bufferSize: bufferSize)
    }

    /// Hashes everything readable from an open file descriptor, from its current offset to EOF.
    ///
    /// The descriptor is not closed.
    /// - Throws: `CryptoError` with `errno` when a read fails.
    public static func hash(
        fileDescriptor: Int32, bufferSize: Int = FileHasher.defaultBufferSize
    )
        throws(CryptoError) -> Digest
    {
        try FileHasher.hash(fileDescriptor: fileDescriptor, path: nil, algorithm: .sha1, bufferSize: bufferSize)
    }
}
