public import Foundation

/// A streaming hash over libcrypto's EVP interface: what `SHA256` and `SHA1` share.
///
/// Conforming types supply the algorithm and the running state; this protocol's extension gives
/// every conforming type the same `update` overloads and one-shot `hash` functions, including
/// bounded-memory file hashing.
public protocol HashFunction {
    /// Digest size in bytes.
    static var byteCount: Int { get }
    /// Which libcrypto algorithm runs underneath.
    static var algorithm: HashAlgorithm { get }
    init()
    /// Feeds raw bytes into the hash.
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    /// Returns the digest of everything fed so far; the value is consumed.
    consuming func finalize() -> Digest
}

/// Names a libcrypto digest; opaque outside this module.
public struct HashAlgorithm: Sendable, Hashable {
    let digest: DigestAlgorithm
}

extension HashFunction {
    /// Feeds a byte array into the hash.
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { update($0) } }

    /// Feeds any contiguous or discontiguous byte collection (`Data`, `ArraySlice<UInt8>`...).
    public mutating func update(_ data: some DataProtocol) {
        for region in data.regions { region.withUnsafeBytes { update($0) } }
    }

    /// One-shot hash of a byte array.
    public static func hash(_ bytes: [UInt8]) -> Digest {
        var hasher = Self()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// One-shot hash of any byte collection.
    public static func hash(_ data: some DataProtocol) -> Digest {
        var hasher = Self()
        hasher.update(data)
        return hasher.finalize()
    }
}

extension HashFunction {
    /// Hashes a file with bounded memory: one buffer of `bufferSize` bytes, a `read(2)` loop.
    ///
    /// Advises the kernel of sequential access (`posix_fadvise`) so read-ahead is generous.
    /// - Throws: `CryptoError` with the path and `errno` when the file cannot be opened or read.
    public static func hash(
        fileAt path: String, bufferSize: Int = FileHasher.defaultBufferSize
    ) throws(CryptoError)
        -> Digest
    {
        try FileHasher.hash(path: path, algorithm: algorithm.digest, bufferSize: bufferSize)
    }

    /// Hashes everything readable from an open file descriptor, from its current offset to EOF.
    ///
    /// The descriptor is not closed.
    /// - Throws: `CryptoError` with `errno` when a read fails.
    public static func hash(
        fileDescriptor: Int32, bufferSize: Int = FileHasher.defaultBufferSize
    ) throws(CryptoError)
        -> Digest
    {
        try FileHasher.hash(
            fileDescriptor: fileDescriptor, path: nil, algorithm: algorithm.digest, bufferSize: bufferSize)
    }
}
