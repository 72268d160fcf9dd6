#if canImport(CryptoKit)
import CommonCrypto
#else
internal import CCrypto
#endif

/// PBKDF2 (RFC 8018 §5.2) over libcrypto on Linux, CommonCrypto on Apple platforms, for password hashing.
public enum PBKDF2 {
    /// PBKDF2-HMAC-SHA256; DESIGN.md §4 uses 600,000 iterations for passwords.
    ///
    /// - Precondition: `iterations` and `keyLength` are in `1...Int32.max`.
    public static func sha256(password: [UInt8], salt: [UInt8], iterations: Int, keyLength: Int) -> [UInt8] {
        precondition((1...Int(Int32.max)).contains(iterations), "PBKDF2 iterations out of range")
        precondition((1...Int(Int32.max)).contains(keyLength), "PBKDF2 keyLength out of range")
        var output = [UInt8](repeating: 0, count: keyLength)
        // Empty arrays may have no storage; pass valid pointers with length 0 instead of NULL.
        let passwordStorage = password.isEmpty ? [0] : password
        let saltStorage = salt.isEmpty ? [0] : salt
        #if canImport(CryptoKit)
        let status = passwordStorage.withUnsafeBytes { passwordBytes in
            saltStorage.withUnsafeBufferPointer { saltBytes in
                CCKeyDerivationPBKDF(
                    CCPBKDFAlgorithm(kCCPBKDF2), passwordBytes.baseAddress?.assumingMemoryBound(to: CChar.self),
                    password.count, saltBytes.baseAddress, salt.count, CCPseudoRandomAlgorithm(kCCPRFHmacAlgSHA256),
                    UInt32(iterations), &output, keyLength)
            }
        }
        guard status == kCCSuccess else { fatalError("CCKeyDerivationPBKDF failed: \(status)") }
        return output
        #else
        let result = passwordStorage.withUnsafeBytes { passwordBytes in
            saltStorage.withUnsafeBufferPointer { saltBytes in
                PKCS5_PBKDF2_HMAC(
                    passwordBytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(password.count),
                    saltBytes.baseAddress, Int32(salt.count), Int32(iterations), EVP_sha256(), Int32(keyLength),
                    &output)
            }
        }
        guard result == 1 else { fatalError("PKCS5_PBKDF2_HMAC failed: \(libcryptoErrorString())") }
        return output
        #endif
    }
}
