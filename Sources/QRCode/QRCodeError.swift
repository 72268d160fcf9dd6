/// The one error of the QRCode module.
///
/// Only the payload can be wrong: every other input (error-correction level, rendering sizes) has a
/// valid meaning for every value.
public enum QRCodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The payload does not fit even a version 40 symbol at the requested level.
    ///
    /// `byteCount` is the payload's UTF-8 length and `maximumByteCount` the largest byte-mode payload
    /// that version 40 holds at `ecc` (alphanumeric payloads may hold more characters).
    case payloadTooLong(byteCount: Int, maximumByteCount: Int, ecc: ErrorCorrection)

    public var description: String {
        switch self {
        case .payloadTooLong(let byteCount, let maximumByteCount, let ecc):
            "QR payload too long: \(byteCount) UTF-8 bytes, at most \(maximumByteCount) fit at level \(ecc)"
        }
    }
}
