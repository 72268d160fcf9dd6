/// Just enough XML for S3's answers: the text of elements by name, in document order.
///
/// S3 responses are flat, machine-written documents without attributes we need, CDATA or
/// comments, so a scan for `<Name>` ... `</Name>` is exact for them; entities are decoded.
struct S3XML {
    let text: String

    init(_ bytes: [UInt8]) { text = String(decoding: bytes, as: UTF8.self) }
    init(text: String) { self.text = text }

    /// The text of every `<name>` element.
    func all(_ name: String) -> [String] { blocks(name).map(Self.unescape) }

    /// The text of the first `<name>` element.
    func first(_ name: String) -> String? { all(name).first }

    /// The raw inner XML of every `<name>` element, for nested lookups.
    func blocks(_ name: String) -> [String] {
        var result: [String] = []
        var rest = text[...]
        let open = "<\(name)>"
        let close = "</\(name)>"
        while let start = rest.range(of: open) {
            guard let end = rest[start.upperBound...].range(of: close) else { break }
            result.append(String(rest[start.upperBound..<end.lowerBound]))
            rest = rest[end.upperBound...]
        }
        return result
    }

    static func unescape(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingAll("&quot;", "\"").replacingAll("&apos;", "'").replacingAll("&lt;", "<")
            .replacingAll("&gt;", ">").replacingAll("&amp;", "&")
    }

    static func escape(_ s: String) -> String {
        s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;").replacingAll("\"", "&quot;")
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
