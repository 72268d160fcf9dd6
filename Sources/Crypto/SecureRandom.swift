import Foundation

#if canImport(CryptoKit)
import Security
#else
internal import CCrypto
#endif

/// Cryptographically secure random bytes from libcrypto's CSPRNG (`RAND_bytes`) on Linux, the system's
/// (`SecRandomCopyBytes`) on Apple platforms.
public enum SecureRandom {
    /// `n` random bytes.
    ///
    /// A CSPRNG failure is unrecoverable (issuing predictable tokens would be worse than stopping),
    /// so it traps instead of throwing.
    public static func bytes(_ n: Int) -> [UInt8] {
        precondition(n >= 0 && n <= Int(Int32.max), "SecureRandom.bytes: count out of range")
        var output = [UInt8](repeating: 0, count: n)
        guard n > 0 else { return output }
        #if canImport(CryptoKit)
        guard SecRandomCopyBytes(kSecRandomDefault, n, &output) == errSecSuccess else {
            fatalError("SecRandomCopyBytes failed")
        }
        #else
        guard RAND_bytes(&output, Int32(n)) == 1 else { fatalError("RAND_bytes failed: \(libcryptoErrorString())") }
        #endif
        return output
    }

    /// A random token: `bytes` random bytes as base64url without padding (RFC 4648 §5), safe in
    /// headers, URLs and file names. 32 bytes give 43 characters.
    public static func token(bytes count: Int = 32) -> String {
        base64URL(bytes(count))
    }

    /// base64url without padding (RFC 4648 §5).
    public static func base64URL(_ bytes: [UInt8]) -> String {
        Base64URL.encode(bytes)
    }
}
