/// Writers of single JSON values straight into a byte buffer, in the wire encoder's exact form, for
/// encoders that write a known shape without building `Codable` values (the pull page, issue 15).
///
/// Each writer appends what ``JSONCoding/encodeBytes(_:)`` writes for the same value: strings as
/// ``JSONValue/writeString(_:to:)`` escapes them, integers in decimal, doubles as
/// ``JSONValue/writeNumber(_:to:)``, timestamps as ``Timestamp/description``, IDs as ``WireID``.
public enum JSONBytes {
    /// `"` + `s` escaped + `"`: runs of bytes that need no escape are copied whole.
    public static func string(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { string(utf8: $0, to: &out) }
    }

    /// A JSON string literal of UTF-8 bytes (escaped as ``JSONValue/writeString(_:to:)`` does).
    public static func string(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var start = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
            if start < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i])) }
            start = i + 1
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            default:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigit(b >> 4))
                out.append(hexDigit(b & 0xF))
            }
        }
        if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count])) }
        out.append(UInt8(ascii: "\""))
    }

    /// A key and its colon: `"key":` (keys are the encoder's constants: nothing to escape).
    @inline(__always)
    public static func key(_ key: StaticString, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    /// Bytes of a constant as they are (`,"op":"put"`, `true`, ...).
    @inline(__always)
    public static func raw(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// An integer in decimal, as `String(n)` prints it.
    public static func int(_ n: Int64, to out: inout [UInt8]) {
        if n < 0 {
            guard n != .min else {
                out.append(contentsOf: String(n).utf8)
                return
            }
            out.append(UInt8(ascii: "-"))
        }
        var v = n.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var i = buffer.count
            repeat {
                i -= 1
                buffer[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            } while v > 0
            out.append(contentsOf: buffer[i...])
        }
    }

    /// A number as ``JSONValue/writeNumber(_:to:)`` writes it (shortest round-trip form).
    public static func double(_ n: Double, to out: inout [UInt8]) {
        JSONValue.writeNumber(n, to: &out)
    }

    /// A timestamp's wire string (`"2026-11-20T10:15:30.123Z"`), as ``Timestamp/description``.
    public static func timestamp(_ milliseconds: Int64, to out: inout [UInt8]) {
        let ms = milliseconds
        let totalSeconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - totalSeconds * 1000)
        let days = totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400
        let secondOfDay = Int(totalSeconds - days * 86_400)
        let date = CalendarDate.civil(fromDays: Int(days))
        guard (0...9999).contains(date.year) else {
            string(Timestamp(millisecondsSince1970: ms).description, to: &out)
            return
        }
        out.append(UInt8(ascii: "\""))
        digits(date.year, 4, to: &out)
        out.append(UInt8(ascii: "-"))
        digits(date.month, 2, to: &out)
        out.append(UInt8(ascii: "-"))
        digits(date.day, 2, to: &out)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2, to: &out)
        out.append(UInt8(ascii: "."))
        digits(millis, 3, to: &out)
        out.append(UInt8(ascii: "Z"))
        out.append(UInt8(ascii: "\""))
    }

    /// Whether `s` is a wire ID as ``WireID`` writes it: 36 lowercase hex-and-dash characters
    /// (`8-4-4-4-12`), so its bytes can be copied as the encoded ID without a parse and a print.
    public static func isWireID(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.count == 36 else { return false }
        for i in 0..<36 {
            let c = s[i]
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                guard
                    (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                        || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"))
                else { return false }
            }
        }
        return true
    }

    @inline(__always)
    static func hexDigit(_ n: UInt8) -> UInt8 {
        n < 10 ? UInt8(ascii: "0") + n : UInt8(ascii: "a") + n - 10
    }

    /// `value` (0 or more) in at least `width` digits, zero-padded (as ``Timestamp`` pads).
    @inline(__always)
    static func digits(_ value: Int, _ width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 1 && value >= divisor * 10 { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(v / divisor))
            v %= divisor
            divisor /= 10
        }
    }
}
