/// Streaming SHA-256 (FIPS 180-4) over libcrypto's EVP interface on Linux (which uses the CPU's SHA
/// extensions when present), over CryptoKit on Apple platforms.
///
/// A value type: copying a `SHA256` forks the running hash. With libcrypto the `EVP_MD_CTX` lives in a
/// final class box shared copy-on-write, so copies are cheap until one of them is updated, and the
/// context is freed when the last copy goes away. `update` overloads and one-shot `hash`
/// functions (bytes, files, descriptors) come from `HashFunction`.
///
/// ```swift
/// var hasher = SHA256()
/// hasher.update(chunk1)
/// hasher.update(chunk2)
/// let digest = hasher.finalize()
/// ```
public struct SHA256: HashFunction {
    public static let algorithm = HashAlgorithm(digest: .sha256)
    private var state = DigestState(.sha256)

    public static let byteCount = 32

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) { state.update(bytes) }

    public consuming func finalize() -> Digest { state.finalize() }
}
