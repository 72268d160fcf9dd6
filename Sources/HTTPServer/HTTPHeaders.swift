/// An ordered list of header fields with case-insensitive lookup (RFC 9110 §5).
///
/// Repeated fields are kept in order rather than merged or overwritten, so a handler (and the
/// parser's smuggling checks) can see every `Content-Length` or `Set-Cookie` line.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public typealias Field = (name: String, value: String)

    public private(set) var fields: [Field] = []

    public init() {}

    public init(_ fields: [Field]) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value of the named field, or nil.
    public subscript(name: String) -> String? {
        get { fields.first { HTTPHeaders.sameName($0.name, name) }?.value }
        set {
            remove(name)
            if let newValue { fields.append((name: name, value: newValue)) }
        }
    }

    /// Every value of the named field, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { HTTPHeaders.sameName($0.name, name) }.map(\.value)
    }

    /// Every comma-separated element of the named field, trimmed and lowercased (`Connection`, `Transfer-Encoding`).
    public func tokens(_ name: String) -> [String] {
        values(name).flatMap { $0.split(separator: ",") }.map {
            $0.trimmingSpaces().lowercased()
        }.filter { !$0.isEmpty }
    }

    public func contains(_ name: String) -> Bool { fields.contains { HTTPHeaders.sameName($0.name, name) } }

    /// Appends a field, keeping any earlier field with the same name.
    public mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    /// Removes every field with that name.
    public mutating func remove(_ name: String) { fields.removeAll { HTTPHeaders.sameName($0.name, name) } }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    public var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n") }

    static func sameName(_ a: String, _ b: String) -> Bool {
        let a = a.utf8
        let b = b.utf8
        guard a.count == b.count else { return false }
        // On the contiguous bytes of native strings (every lookup of every request comes here; the
        // generic zip over two UTF8Views was ~2% of a poll's CPU, issue 15).
        let fast = a.withContiguousStorageIfAvailable { x in
            b.withContiguousStorageIfAvailable { y in
                for i in 0..<x.count where x[i] != y[i] && !sameLetter(x[i], y[i]) { return false }
                return true
            }
        }
        if let fast, let same = fast { return same }
        for (x, y) in zip(a, b) where x != y && !sameLetter(x, y) { return false }
        return true
    }

    /// Two different bytes that are one ASCII letter in two cases (field names are ASCII tokens,
    /// so folding A-Z is enough).
    @inline(__always)
    private static func sameLetter(_ x: UInt8, _ y: UInt8) -> Bool {
        (x | 0x20) == (y | 0x20) && (x | 0x20) >= 0x61 && (x | 0x20) <= 0x7A
    }
}

extension StringProtocol {
    /// Trims spaces and tabs (HTTP's OWS), not every Unicode whitespace.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
