extension JSONTextEncoder {
    /// Members of an object; the node is sorted when written.
    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: JSONTextEncoder
        let path: JSONTextEncoder.Path?
        var codingPath: [any CodingKey] { encoder.codingPath }

        init(encoder: JSONTextEncoder) {
            self.encoder = encoder
            self.path = encoder.path
        }

        func child(_ key: Key) -> JSONTextEncoder {
            encoder.child(encoder.node.member(key.stringValue), key, in: path)
        }

        mutating func encodeNil(forKey key: Key) throws { child(key).node.set(Array("null".utf8)) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: Int, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try child(key).encodeValue(value) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try child(key).encodeValue(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            child(key).container(keyedBy: NestedKey.self)
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            child(key).unkeyedContainer()
        }

        mutating func superEncoder() -> any Encoder {
            encoder.child(encoder.node.member("super"), JSONKey(stringValue: "super"), in: path)
        }
        mutating func superEncoder(forKey key: Key) -> any Encoder { child(key) }
    }

    /// Elements of an array, in order.
    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let encoder: JSONTextEncoder
        let path: JSONTextEncoder.Path?
        var codingPath: [any CodingKey] { encoder.codingPath }
        var count: Int { encoder.node.elements.count }

        init(encoder: JSONTextEncoder) {
            self.encoder = encoder
            self.path = encoder.path
        }

        func next() -> JSONTextEncoder {
            let index = count
            return encoder.child(encoder.node.append(), JSONKey(intValue: index), in: path)
        }

        mutating func encodeNil() throws { next().node.set(Array("null".utf8)) }
        mutating func encode<T: Encodable>(_ value: T) throws { try next().encodeValue(value) }
        mutating func encode(_ value: Bool) throws { try next().encodeValue(value) }
        mutating func encode(_ value: String) throws { try next().encodeValue(value) }
        mutating func encode(_ value: Double) throws { try next().encodeValue(value) }
        mutating func encode(_ value: Float) throws { try next().encodeValue(value) }
        mutating func encode(_ value: Int) throws { try next().encodeValue(value) }
        mutating func encode(_ value: Int8) throws { try next().encodeValue(value) }
        mutating func encode(_ value: Int16) throws { try next().encodeValue(value) }
        mutating func encode(_ value: Int32) throws { try next().encodeValue(value) }
        mutating func encode(_ value: Int64) throws { try next().encodeValue(value) }
        mutating func encode(_ value: UInt) throws { try next().encodeValue(value) }
        mutating func encode(_ value: UInt8) throws { try next().encodeValue(value) }
        mutating func encode(_ value: UInt16) throws { try next().encodeValue(value) }
        mutating func encode(_ value: UInt32) throws { try next().encodeValue(value) }
        mutating func encode(_ value: UInt64) throws { try next().encodeValue(value) }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            next().container(keyedBy: NestedKey.self)
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { next().unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { next() }
    }

    /// One value in place.
    struct SingleValue: SingleValueEncodingContainer {
        let encoder: JSONTextEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }

        mutating func encodeNil() throws { encoder.node.set(Array("null".utf8)) }
        mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: Bool) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: String) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: Double) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: Float) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: Int) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: Int8) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: Int16) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: Int32) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: Int64) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: UInt) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: UInt8) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: UInt16) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: UInt32) throws { try encoder.encodeValue(value) }
        mutating func encode(_ value: UInt64) throws { try encoder.encodeValue(value) }
    }
}

extension JSONCoding {
    /// The bytes `encode(_:)` produces, written without `JSONEncoder` (see `JSONTextEncoder`).
    ///
    /// - Throws: `EncodingError` for a non-finite number.
    public static func encodeBytes<T: Encodable>(_ value: T) throws -> [UInt8] {
        try JSONTextEncoder.encode(value)
    }
}
