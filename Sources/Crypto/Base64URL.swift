/// base64url without padding (RFC 4648 §5), without Foundation.
///
/// Every authenticated request decodes its bearer token, and every pull its cursor; through
/// `Data(base64Encoded:)` and two `replacingOccurrences` (NSString bridging) that was a tenth of
/// a polling device's request CPU (issue 15). A table lookup per character does the same.
public enum Base64URL {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Each byte's 6-bit value, or 0xFF for a byte outside the alphabet.
    static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// The bytes as base64url without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let a = iterator.next() {
            let b = iterator.next()
            let c = iterator.next()
            out.append(alphabet[Int(a >> 2)])
            out.append(alphabet[Int((a & 0x03) << 4 | (b ?? 0) >> 4)])
            if let b { out.append(alphabet[Int((b & 0x0F) << 2 | (c ?? 0) >> 6)]) }
            if let c { out.append(alphabet[Int(c & 0x3F)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of unpadded base64url text; `nil` for a character outside the alphabet (padding,
    /// `+`, `/`, whitespace) or a length no encoding has.
    ///
    /// Inlinable so callers get it specialized for their string type: unspecialized, every byte
    /// went through the generic `StringProtocol` witnesses, and decoding a bearer token and a
    /// pull cursor was about 5% of a polling device's request CPU (issue 15). Native strings are
    /// decoded straight from their UTF-8 storage.
    @inlinable
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        if let fast = text.utf8.withContiguousStorageIfAvailable({ decode(bytes: UnsafeRawBufferPointer($0)) }) {
            return fast
        }
        return decode(bytes: Array(text.utf8))
    }

    /// The bytes of unpadded base64url text given as its UTF-8 bytes (see ``decode(_:)``).
    public static func decode(bytes: some Collection<UInt8>) -> [UInt8]? {
        if let fast = bytes.withContiguousStorageIfAvailable({ decode(bytes: UnsafeRawBufferPointer($0)) }) {
            return fast
        }
        return decode(bytes: Array(bytes))
    }

    /// The core of ``decode(_:)`` on contiguous UTF-8 bytes.
    public static func decode(bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard bytes.count % 4 != 1 else { return nil }
        return values.withUnsafeBufferPointer { table -> [UInt8]? in
            var ok = true
            let out = [UInt8](unsafeUninitializedCapacity: bytes.count * 3 / 4) { buffer, written in
                var accumulator: UInt32 = 0
                var bits = 0
                var n = 0
                for c in bytes {
                    let v = table[Int(c)]
                    guard v != 0xFF else {
                        ok = false
                        break
                    }
                    accumulator = accumulator << 6 | UInt32(v)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        buffer[n] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                        n += 1
                    }
                }
                written = n
            }
            return ok ? out : nil
        }
    }

    /// Whether `bytes` are all base64url characters (no decoding, no allocation).
    public static func isAlphabet(_ bytes: UnsafeRawBufferPointer) -> Bool {
        values.withUnsafeBufferPointer { table in bytes.allSatisfy { table[Int($0)] != 0xFF } }
    }
}
