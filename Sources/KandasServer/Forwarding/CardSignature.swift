import Crypto

/// The signature on a digital-card delivery (services.md §7.1): HMAC-SHA256 (libcrypto, through
/// ``Crypto/HMAC``) over `"<timestamp>.<delivery id>." + body`, sent as
/// `Kandas-Signature: v1=<lowercase hex>`.
///
/// The timestamp and delivery ID are inside the MAC so a receiver can refuse a replayed request
/// (stale timestamp) and drop a repeat (delivery ID it already acknowledged) without trusting
/// unsigned headers.
enum CardSignature {
    static let deliveryHeader = "Kandas-Delivery-Id"
    static let timestampHeader = "Kandas-Timestamp"
    static let signatureHeader = "Kandas-Signature"

    /// The header value for `body` sent at `timestamp` (Unix seconds) as delivery `deliveryID`.
    static func sign(secret: [UInt8], timestamp: Int64, deliveryID: String, body: [UInt8]) -> String {
        "v1=" + Digest(bytes: HMAC.sha256(key: secret, message: Array("\(timestamp).\(deliveryID).".utf8) + body)).hex
    }

    /// Whether `header` is the signature of `body` (constant-time compare; receivers do the same).
    static func verify(
        _ header: String, secret: [UInt8], timestamp: Int64, deliveryID: String, body: [UInt8]
    ) -> Bool {
        constantTimeEqual(
            Array(header.utf8),
            Array(sign(secret: secret, timestamp: timestamp, deliveryID: deliveryID, body: body).utf8))
    }
}
