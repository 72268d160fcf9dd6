// CryptoKit digests: the branch built on Apple platforms, where libcrypto is absent. Same value semantics
// as the libcrypto branch (CryptoKit's hash functions are value types: a copy forks the running hash), same
// digests, so CryptoTests' vectors hold for both. Not compiled on Linux: keep it this small.
#if canImport(CryptoKit)
import CryptoKit

/// The shared state machine behind `SHA256` and `SHA1`, over CryptoKit.
struct DigestState {
    private enum Running {
        case sha256(CryptoKit.SHA256)
        case sha1(Insecure.SHA1)
    }

    private var running: Running

    init(_ algorithm: DigestAlgorithm) {
        switch algorithm {
        case .sha256: running = .sha256(CryptoKit.SHA256())
        case .sha1: running = .sha1(Insecure.SHA1())
        }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch running {
        case .sha256(var hasher):
            hasher.update(bufferPointer: bytes)
            running = .sha256(hasher)
        case .sha1(var hasher):
            hasher.update(bufferPointer: bytes)
            running = .sha1(hasher)
        }
    }

    /// Finalizes a copy, so that other copies of the value stay usable.
    func finalize() -> Digest {
        switch running {
        case .sha256(let hasher): Digest(bytes: Array(hasher.finalize()))
        case .sha1(let hasher): Digest(bytes: Array(hasher.finalize()))
        }
    }
}
#endif
