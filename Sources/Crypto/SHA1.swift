/// Streaming SHA-1 (FIPS 180-4) over libcrypto's EVP interface.
///
/// - Important: SHA-1 is broken for collision resistance. It exists only because the tus checksum
///   extension lets clients send `sha1` chunk checksums; content addressing uses `SHA256`.
///
/// A value type with the same copy-on-write behaviour and `HashFunction` API as `SHA256`.
public struct SHA1: HashFunction {
    public static let algorithm = HashAlgorithm(digest: .sha1)
    private var state = DigestState(.sha1)

    public static let byteCount = 20

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) { state.update(bytes) }

    public consuming func finalize() -> Digest { state.finalize() }
}
