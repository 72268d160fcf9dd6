import Foundation

/// An `Encoder` that writes the wire form (compact, sorted keys, slashes unescaped) itself.
///
/// `JSONEncoder` boxes every value and keeps the whole tree until it serializes; a 1000-change
/// pull page spent most of its time and peak memory there. This encoder builds a small tree of
/// reference nodes (nested containers must stay writable after they are handed out) and writes
/// it with `JSONValue`'s writer, producing the same bytes as `JSONCoding.encode` for wire types.
/// `Date`, `Data`, `URL` and `Decimal` (which `JSONEncoder` treats specially; no wire type uses
/// them) go through `JSONEncoder` so their form stays the same.
struct JSONTextEncoder: Encoder {
    /// One value being built.
    final class Node {
        enum Shape {
            case empty
            /// `raw` is written as is (numbers, literals, quoted strings).
            case raw
            case object
            case array
        }

        var shape = Shape.empty
        var raw: [UInt8] = []
        /// Members in encoding order; sorted when written (an array: cheaper than a dictionary per object).
        var members: [(key: String, node: Node)] = []
        var elements: [Node] = []

        func set(_ bytes: [UInt8]) {
            shape = .raw
            raw = bytes
        }

        func write(to out: inout [UInt8]) {
            switch shape {
            case .empty: out.append(contentsOf: "{}".utf8)
            case .raw: out.append(contentsOf: raw)
            case .object:
                out.append(UInt8(ascii: "{"))
                // Sorted by key; a key encoded twice keeps its last value, as in JSONEncoder.
                let order = members.indices.sorted {
                    members[$0].key != members[$1].key ? members[$0].key < members[$1].key : $0 < $1
                }
                var first = true
                for (n, i) in order.enumerated() {
                    if n + 1 < order.count, members[order[n + 1]].key == members[i].key { continue }
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    JSONValue.writeString(members[i].key, to: &out)
                    out.append(UInt8(ascii: ":"))
                    members[i].node.write(to: &out)
                }
                out.append(UInt8(ascii: "}"))
            case .array:
                out.append(UInt8(ascii: "["))
                for (i, element) in elements.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    element.write(to: &out)
                }
                out.append(UInt8(ascii: "]"))
            }
        }

        func member(_ key: String) -> Node {
            shape = .object
            let node = Node()
            members.append((key, node))
            return node
        }

        func append() -> Node {
            shape = .array
            let node = Node()
            elements.append(node)
            return node
        }
    }

    /// The coding path as a linked list, built only for containers (scalars, most values, need none).
    final class Path {
        let parent: Path?
        let key: any CodingKey

        init(parent: Path?, key: any CodingKey) {
            self.parent = parent
            self.key = key
        }
    }

    let node: Node
    /// The path of the value that holds this one.
    let parent: Path?
    /// This value's key in its parent; nil at the root.
    let key: (any CodingKey)?
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: Node, parent: Path? = nil, key: (any CodingKey)? = nil) {
        self.node = node
        self.parent = parent
        self.key = key
    }

    var codingPath: [any CodingKey] {
        var keys: [any CodingKey] = key.map { [$0] } ?? []
        var p = parent
        while let current = p {
            keys.append(current.key)
            p = current.parent
        }
        return keys.reversed()
    }

    /// This value's own path, for its children.
    var path: Path? { key.map { Path(parent: parent, key: $0) } }

    /// Encodes `value` to the wire bytes.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let root = Node()
        try JSONTextEncoder(node: root).encodeValue(value)
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        root.write(to: &out)
        return out
    }

    func encodeValue<T: Encodable>(_ value: T) throws {
        switch value {
        case let s as String: node.set(Self.quoted(s))
        case let b as Bool: node.set(Array((b ? "true" : "false").utf8))
        case let n as Int: node.set(Array(String(n).utf8))
        case let n as Int64: node.set(Array(String(n).utf8))
        case let n as Double: node.set(try Self.number(n, codingPath))
        case let n as Float: node.set(try Self.number(Double(n), codingPath))
        case let n as any BinaryInteger: node.set(Array(String(describing: n).utf8))
        case is Date, is Data, is URL, is Decimal:
            node.set([UInt8](try JSONCoding.makeEncoder().encode(value)))
        default:
            try value.encode(to: self)
        }
    }

    static func quoted(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        JSONValue.writeString(s, to: &out)
        return out
    }

    static func number(_ n: Double, _ codingPath: [any CodingKey]) throws -> [UInt8] {
        guard n.isFinite else {
            throw EncodingError.invalidValue(
                n, .init(codingPath: codingPath, debugDescription: "Unable to encode Double.\(n) directly in JSON."))
        }
        var out: [UInt8] = []
        JSONValue.writeNumber(n, to: &out)
        return out
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.shape != .object {
            node.shape = .object
            node.members = []
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.shape != .array {
            node.shape = .array
            node.elements = []
        }
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValue(encoder: self) }

    func child(_ node: Node, _ key: any CodingKey, in path: Path?) -> JSONTextEncoder {
        JSONTextEncoder(node: node, parent: path, key: key)
    }
}
