import Foundation

/// The output of a hash function: raw bytes plus the text forms the wire uses.
///
/// `hex` is lowercase (content addresses, `sha256` fields); `base64` is standard base64 with
/// padding, as the tus checksum extension (`Upload-Checksum: sha256 <base64>`) requires.
///
/// - Important: `==` is not constant-time. Compare secrets (tokens, MACs) with
///   `constantTimeEqual(_:_:)`.
public struct Digest: Sendable, Hashable, CustomStringConvertible {
    /// The raw digest bytes.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses hex text (either case); `nil` unless it is a non-empty, even-length hex string.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard !utf8.isEmpty, utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.bytes = bytes
    }

    /// Parses standard base64 (with padding); `nil` for invalid or empty input.
    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64), !data.isEmpty else { return nil }
        bytes = [UInt8](data)
    }

    /// Lowercase hex.
    ///
    /// Written straight into the string's storage: every authenticated request hex-encodes its
    /// token's hash (issue 15).
    public var hex: String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var i = 0
            for byte in bytes {
                out[i] = Self.hexDigit(byte >> 4)
                out[i + 1] = Self.hexDigit(byte & 0x0f)
                i += 2
            }
            return i
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    /// Standard base64 with padding.
    public var base64: String { Data(bytes).base64EncodedString() }

    public var description: String { hex }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
