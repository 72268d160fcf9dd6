/// A single-pass RFC 8259 parser from UTF-8 bytes to `JSONValue`.
///
/// Foundation's `JSONDecoder` builds its own tree, then walks it through `Codable` boxes; a
/// 500-event push spent most of the server's time there. This parser builds the `JSONValue`
/// tree directly, and `JSONValueDecoder` decodes wire types from it, so a push body is read once.
/// Invalid UTF-8, control characters in strings, lone surrogates, trailing commas, leading zeros
/// and trailing bytes are refused, as `JSONDecoder` refuses them; nesting is limited. Numbers are
/// syntax only here: one too large for a `Double` parses as ±infinity and its decoder refuses it.
struct JSONParser {
    /// Deeper input is refused (a bounded stack for hostile bodies).
    static let maxDepth = 64

    // Internal, not private: the push body's direct reader (`PushRequest+Direct.swift`) reads with them.
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses a whole document.
    ///
    /// - Throws: `ProtocolError` `malformed_json` ("body is not valid JSON") for any syntax error.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(ProtocolError) -> JSONValue {
        var parser = JSONParser(bytes)
        guard let value = parser.document() else {
            throw ProtocolError(.malformedJSON, detail: "body is not valid JSON")
        }
        return value
    }

    private mutating func document() -> JSONValue? {
        skipSpace()
        guard let value = value() else { return nil }
        skipSpace()
        return index == bytes.count ? value : nil
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func value() -> JSONValue? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map { .string($0) }
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    mutating func literal(_ text: StaticString, _ value: JSONValue) -> JSONValue? {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return nil }
        for k in 0..<count where bytes[index + k] != text.utf8Start[k] { return nil }
        index += count
        return value
    }

    private mutating func object() -> JSONValue? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object([:])
        }
        // Room for a wire object's usual members without growing (and rehashing) three times.
        var members = [String: JSONValue](minimumCapacity: 8)
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard let member = value() else { return nil }
            // A repeated key keeps its first value, as Foundation's JSONDecoder does (one lookup:
            // the `default:` modify inserts `member` only when the key is new).
            Self.keep(&members[key, default: member])
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { return nil }
            index += 1
            return .object(members)
        }
    }

    /// Leaves a dictionary entry as it is (see `object()`).
    private static func keep(_: inout JSONValue) {}

    private mutating func array() -> JSONValue? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        index += 1
        var elements: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipSpace()
            guard let element = value() else { return nil }
            elements.append(element)
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { return nil }
            index += 1
            return .array(elements)
        }
    }

    /// A string starting at the opening quote; nil on a control character, bad escape or bad UTF-8.
    mutating func string() -> String? {
        index += 1
        let start = index
        // Fast path: no escapes, validated as UTF-8 in one call; plain ASCII (IDs, times, keys: most
        // of a push) needs no validation, and `String(decoding:)` copies it without the generic
        // validating initializer's runtime type lookups.
        var ascii = true
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let utf8 = UnsafeBufferPointer(rebasing: bytes[start..<index])
                let text = ascii ? String(decoding: utf8, as: UTF8.self) : String(validating: utf8, as: UTF8.self)
                index += 1
                return text
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { return nil }
            if b >= 0x80 { ascii = false }
            index += 1
        }
        guard index < bytes.count else { return nil }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let b = bytes[index]
            switch b {
            case UInt8(ascii: "\""):
                index += 1
                return String(validating: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { return nil }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    out.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            default:
                if b < 0x20 { return nil }
                out.append(b)
                index += 1
            }
        }
        return nil
    }

    /// `\uXXXX`, with a following `\uXXXX` for a surrogate pair (RFC 8259 §7); lone surrogates are refused.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let high = hex4() else { return nil }
        if (0xD800..<0xDC00).contains(high) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { return nil }
            index += 2
            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        }
        return Unicode.Scalar(high)
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[index]
            let digit: UInt8
            switch b {
            case 0x30...0x39: digit = b - 0x30
            case 0x41...0x46: digit = b - 0x41 + 10
            case 0x61...0x66: digit = b - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func number() -> JSONValue? {
        let start = index
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { return nil }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { return nil }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { return nil }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let digits = UnsafeBufferPointer(rebasing: bytes[start..<index])
        if integral, digits.count <= 15 {
            // Short integers without a Double parse (every device_seq, version, count).
            var value = 0
            var negative = false
            for b in digits {
                if b == UInt8(ascii: "-") { negative = true } else { value = value * 10 + Int(b - 0x30) }
            }
            return .number(Double(negative ? -value : value))
        }
        // A number beyond Double's range (`1e400`) is still valid JSON (RFC 8259 §6 sets no range): it
        // becomes ±infinity, which every decoder refuses as `invalid_field` naming the field, instead of
        // the whole body being "not JSON".
        guard let value = Double(String(decoding: digits, as: UTF8.self)) else { return nil }
        return .number(value)
    }

    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}

extension JSONValue {
    /// Parses UTF-8 JSON text (RFC 8259) in one pass.
    ///
    /// - Throws: `ProtocolError` `malformed_json` when the bytes are not one valid JSON document.
    public static func parse(_ bytes: [UInt8]) throws(ProtocolError) -> JSONValue {
        do {
            return try bytes.withUnsafeBufferPointer { buffer throws(ProtocolError) in try JSONParser.parse(buffer) }
        }
    }
}
