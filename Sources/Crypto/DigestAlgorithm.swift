/// The digests this module exposes (libcrypto's EVP on Linux, CryptoKit on Apple platforms).
enum DigestAlgorithm: Sendable {
    case sha256
    case sha1

    var outputCount: Int {
        switch self {
        case .sha256: 32
        case .sha1: 20
        }
    }
}
