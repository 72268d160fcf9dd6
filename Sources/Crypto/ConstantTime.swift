#if canImport(CryptoKit)
import Darwin
#else
internal import CCrypto
#endif

/// Compares two byte strings in time that depends only on their lengths (`CRYPTO_memcmp` on Linux,
/// `timingsafe_bcmp` on Apple platforms).
///
/// Use it for secrets: token hashes, MACs. Lengths are not secret (a different length returns
/// `false` at once).
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { lhs in
        b.withUnsafeBytes { rhs in
            #if canImport(CryptoKit)
            timingsafe_bcmp(lhs.baseAddress, rhs.baseAddress, a.count) == 0
            #else
            CRYPTO_memcmp(lhs.baseAddress, rhs.baseAddress, a.count) == 0
            #endif
        }
    }
}
