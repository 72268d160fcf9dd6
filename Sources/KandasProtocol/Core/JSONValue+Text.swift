extension JSONValue {
    /// Compact JSON text with sorted keys, as `JSONCoding.makeEncoder()` writes it, without `Codable`.
    ///
    /// Integral numbers below 2^53 print without a fraction (as `encode(to:)` does); slashes are
    /// not escaped; control characters are escaped as RFC 8259 §7 requires.
    public var jsonText: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact, sorted-key text of this value to `out`.
    public func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): Self.writeNumber(n, to: &out)
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                element.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                // swift-format-ignore: NeverForceUnwrap
                members[key]!.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A number as `encode(to:)` writes it: integral values as integers, others in shortest form.
    public static func writeNumber(_ n: Double, to out: inout [UInt8]) {
        guard n.isFinite else {
            // Only a parsed out-of-range number (`1e400`) is infinite: write one that parses back to it.
            out.append(contentsOf: (n < 0 ? "-1e999" : n > 0 ? "1e999" : "0").utf8)
            return
        }
        if n.rounded() == n, abs(n) < 9_007_199_254_740_992 {
            out.append(contentsOf: String(Int64(n)).utf8)
        } else {
            out.append(contentsOf: n.description.utf8)
        }
    }

    /// A JSON string literal (RFC 8259 §7): quote, backslash and control characters escaped.
    public static func writeString(_ s: String, to out: inout [UInt8]) {
        JSONBytes.string(s, to: &out)
    }
}
