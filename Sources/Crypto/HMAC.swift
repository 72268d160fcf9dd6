#if canImport(CryptoKit)
import CryptoKit
#else
internal import CCrypto
#endif

/// HMAC (RFC 2104) over libcrypto on Linux, CryptoKit on Apple platforms.
public enum HMAC {
    /// HMAC-SHA256 of `message` under `key`; 32 bytes.
    public static func sha256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        #if canImport(CryptoKit)
        return Array(CryptoKit.HMAC<CryptoKit.SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        #else
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // An empty array may have no storage; libcrypto treats a NULL key as "reuse the
        // previous key", so an empty key is passed as a valid pointer with length 0.
        let keyStorage = key.isEmpty ? [0] : key
        let result = keyStorage.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { messageBytes in
                CCrypto.HMAC(
                    EVP_sha256(), keyBytes.baseAddress, Int32(key.count), messageBytes.baseAddress,
                    messageBytes.count, &output, &length)
            }
        }
        guard result != nil else { fatalError("HMAC failed: \(libcryptoErrorString())") }
        return Array(output.prefix(Int(length)))
        #endif
    }
}
