import Crypto
import Foundation

/// Opaque bearer tokens: a kind prefix plus 32 random bytes in base64url; the store keeps only SHA-256.
///
/// `kua_` user session, `kda_` device access, `kdr_` device refresh (Protocol §2). Refresh
/// rotation seals the successor pair with a pad derived from the *old* refresh token (HMAC-SHA256
/// keyed by its raw bytes), so the grace window can return the same successor although the
/// server never stores a usable token.
enum Tokens {
    enum Kind: String {
        case userSession = "kua_"
        case deviceAccess = "kda_"
        case deviceRefresh = "kdr_"
    }

    static let accessTTL: Int64 = 3600 * 1000
    static let refreshTTL: Int64 = 90 * 86_400 * 1000
    static let refreshMaxAge: Int64 = 365 * 86_400 * 1000
    static let refreshGrace: Int64 = 600 * 1000
    static let sessionTTL: Int64 = 8 * 3600 * 1000
    static let sessionIdle: Int64 = 1800 * 1000

    /// A new token: its text and raw secret bytes.
    static func make(_ kind: Kind) -> (text: String, raw: [UInt8]) {
        let raw = SecureRandom.bytes(32)
        return (kind.rawValue + SecureRandom.base64URL(raw), raw)
    }

    static func text(_ kind: Kind, raw: [UInt8]) -> String { kind.rawValue + SecureRandom.base64URL(raw) }

    /// The stored form of a token (or enrollment code).
    static func hash(_ text: String) -> String { SHA256.hash(Array(text.utf8)).hex }

    /// The raw bytes of a token of `kind`, or nil when it is not one.
    static func raw(_ text: String, kind: Kind) -> [UInt8]? {
        guard text.hasPrefix(kind.rawValue) else { return nil }
        let b64 = text.utf8.dropFirst(kind.rawValue.utf8.count)
        guard b64.count == 43, let bytes = Base64URL.decode(bytes: b64), bytes.count == 32 else { return nil }
        return bytes
    }

    /// The kind of a token given as its UTF-8 bytes, or nil when it is none: a kind prefix and 43
    /// base64url characters, exactly what ``raw(_:kind:)`` accepts, checked without decoding (every
    /// authenticated request checks its bearer token this way, issue 15).
    static func kind(of bytes: UnsafeRawBufferPointer) -> Kind? {
        guard bytes.count == 47, bytes[3] == UInt8(ascii: "_"), bytes[0] == UInt8(ascii: "k"),
            Base64URL.isAlphabet(UnsafeRawBufferPointer(rebasing: bytes[4...]))
        else { return nil }
        switch (bytes[1], bytes[2]) {
        case (UInt8(ascii: "u"), UInt8(ascii: "a")): return .userSession
        case (UInt8(ascii: "d"), UInt8(ascii: "a")): return .deviceAccess
        case (UInt8(ascii: "d"), UInt8(ascii: "r")): return .deviceRefresh
        default: return nil
        }
    }

    /// XORs 64 bytes (access raw + refresh raw) with a pad only the holder of `key` can derive.
    static func seal(_ bytes: [UInt8], key: [UInt8]) -> [UInt8] {
        let pad =
            HMAC.sha256(key: key, message: Array("kandas successor 1".utf8))
            + HMAC.sha256(key: key, message: Array("kandas successor 2".utf8))
        return zip(bytes, pad).map { $0 ^ $1 }
    }

    /// XORs `bytes` with an HMAC-SHA256 keystream under `key` (its own inverse): seals stored
    /// idempotent replays that contain tokens.
    static func stream(_ bytes: [UInt8], key: [UInt8]) -> [UInt8] {
        var out = bytes
        var block = 0
        while block * 32 < bytes.count {
            let pad = HMAC.sha256(key: key, message: Array("kandas replay \(block)".utf8))
            for i in 0..<min(32, bytes.count - block * 32) { out[block * 32 + i] ^= pad[i] }
            block += 1
        }
        return out
    }

    /// The base32 alphabet of enrollment codes (RFC 4648, uppercase, no padding).
    static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    /// 128 random bits as 26 base32 characters.
    static func enrollmentCode() -> String {
        let bytes = SecureRandom.bytes(16)
        var bits = 0
        var value = 0
        var out = ""
        for byte in bytes {
            value = (value << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(base32[(value >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(base32[(value << (5 - bits)) & 31]) }
        return out
    }

    /// An enrollment code as the server compares it: uppercase, without `-` and spaces.
    static func normaliseCode(_ code: String) -> String {
        code.uppercased().filter { $0 != "-" && $0 != " " }
    }
}
