/// A `Decoder` over an already-parsed `JSONValue`, recording which object keys the type read.
///
/// Used for push bodies, where Foundation's re-encode-and-compare check for unknown fields
/// (`JSONCoding.unknownFields`) cost more than the decoding itself. A key is *known* when the
/// decoded type asked for it (`decode`, `decodeIfPresent`, `decodeNil`, a nested container, or
/// `allKeys` for dictionaries); a `JSONValue` field accepts its whole subtree. For the wire types
/// (synthesized or hand-written `Codable` that reads what it writes) this is the same set of
/// fields the re-encode check found. Errors are the `DecodingError`s `JSONDecoder` throws, with
/// the same coding paths, so `JSONCoding.map` turns them into the same pointers.
struct JSONValueDecoder: Decoder {
    /// Keys read per object, by JSON Pointer; shared by every container of one decode.
    final class Reads {
        var keys: [String: Set<String>] = [:]
        /// Pointers whose whole subtree was taken as a `JSONValue`.
        var whole: Set<String> = []
    }

    let value: JSONValue
    let codingPath: [any CodingKey]
    let pointer: String
    let reads: Reads
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, codingPath: [any CodingKey] = [], pointer: String = "", reads: Reads) {
        self.value = value
        self.codingPath = codingPath
        self.pointer = pointer
        self.reads = reads
    }

    /// Decodes `T` and returns the pointers of present, non-null fields it did not read (sorted, depth first).
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> (T, [String]) {
        let reads = Reads()
        let decoded = try JSONValueDecoder(value, reads: reads).decodeValue(T.self)
        var unknown: [String] = []
        collectUnread(value, "", reads, &unknown)
        return (decoded, unknown)
    }

    static func collectUnread(_ value: JSONValue, _ pointer: String, _ reads: Reads, _ found: inout [String]) {
        guard !reads.whole.contains(pointer) else { return }
        switch value {
        case .object(let members):
            let read = reads.keys[pointer] ?? []
            for key in members.keys.sorted() {
                guard let inner = members[key], inner != .null else { continue }
                let path = pointer + "/" + JSONCoding.escape(key)
                if read.contains(key) {
                    collectUnread(inner, path, reads, &found)
                } else {
                    found.append(path)
                }
            }
        case .array(let elements):
            for (i, element) in elements.enumerated() {
                collectUnread(element, pointer + "/" + String(i), reads, &found)
            }
        default:
            break
        }
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == JSONValue.self {
            reads.whole.insert(pointer)
            // swift-format-ignore: NeverForceUnwrap
            return value as! T
        }
        return try T(from: self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw typeMismatch([String: Any].self, "a dictionary") }
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, members: members))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw typeMismatch([Any].self, "an array") }
        return UnkeyedContainer(decoder: self, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func mismatch(_ expected: String) -> String {
        let found: String
        switch value {
        case .null: found = "null"
        case .bool: found = "bool"
        case .number: found = "number"
        case .string: found = "a string"
        case .array: found = "an array"
        case .object: found = "a dictionary"
        }
        return "Expected to decode \(expected) but found \(found) instead."
    }

    /// A child decoder for a member or element.
    func child(_ value: JSONValue, _ key: any CodingKey, _ component: String) -> JSONValueDecoder {
        JSONValueDecoder(
            value, codingPath: codingPath + [key], pointer: pointer + "/" + JSONCoding.escape(component), reads: reads)
    }

    // MARK: Scalars

    func string() throws -> String {
        guard case .string(let s) = value else { throw typeMismatch(String.self, "a string") }
        return s
    }

    func bool() throws -> Bool {
        guard case .bool(let b) = value else { throw typeMismatch(Bool.self, "bool") }
        return b
    }

    func double() throws -> Double {
        guard case .number(let n) = value else { throw typeMismatch(Double.self, "number") }
        guard n.isFinite else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "number is out of range"))
        }
        return n
    }

    /// The largest integer the protocol carries (sync-v1 §1: integers within ±(2^53−1)).
    static let maxInteger: Double = 9_007_199_254_740_991

    /// An integer field: a whole number within ±(2^53−1) that fits `T`.
    ///
    /// A fraction, an out-of-range or infinite number is the field's error (`invalid_field` with its
    /// pointer, sync-v1 §1.1): the body is valid JSON, so it is never `malformed_json`.
    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let n = try { () throws -> Double in
            guard case .number(let n) = value else { throw typeMismatch(T.self, "number") }
            return n
        }()
        guard n.rounded() == n, abs(n) <= Self.maxInteger, let exact = T(exactly: n) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath,
                    debugDescription: "expected an integer within ±(2^53−1) that fits \(T.self)"))
        }
        return exact
    }

    /// A value of the wrong JSON type; `null` is "not found", except for `Bool` (as `JSONDecoder` reports them).
    func typeMismatch(_ type: Any.Type, _ expected: String) -> DecodingError {
        if value == .null, type != Bool.self {
            return .valueNotFound(
                type, .init(codingPath: codingPath, debugDescription: "Cannot get \(type) -- found null value instead"))
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: mismatch(expected)))
    }
}

extension JSONValueDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try bool() }
    func decode(_ type: String.Type) throws -> String { try string() }
    func decode(_ type: Double.Type) throws -> Double { try double() }
    func decode(_ type: Float.Type) throws -> Float { Float(try double()) }
    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(T.self) }
}
