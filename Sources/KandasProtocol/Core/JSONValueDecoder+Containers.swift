/// An integer or string coding key for paths built while decoding.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }
}

extension JSONValueDecoder {
    /// An object's members; every key asked for is recorded in `Reads`.
    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: JSONValueDecoder
        let members: [String: JSONValue]

        var codingPath: [any CodingKey] { decoder.codingPath }

        var allKeys: [Key] {
            for key in members.keys { read(key) }
            return members.keys.compactMap { Key(stringValue: $0) }
        }

        func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

        func read(_ name: String) {
            decoder.reads.keys[decoder.pointer, default: []].insert(name)
        }

        func member(_ key: Key) throws -> JSONValueDecoder {
            read(key.stringValue)
            guard let value = members[key.stringValue] else {
                throw DecodingError.keyNotFound(
                    key,
                    .init(
                        codingPath: codingPath,
                        debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
            }
            return decoder.child(value, key, key.stringValue)
        }

        func decodeNil(forKey key: Key) throws -> Bool { try member(key).value == .null }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try member(key).bool() }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try member(key).string() }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try member(key).double() }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try member(key).double()) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try member(key).integer(Int.self) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try member(key).integer(Int8.self) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try member(key).integer(Int16.self) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try member(key).integer(Int32.self) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try member(key).integer(Int64.self) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try member(key).integer(UInt.self) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try member(key).integer(UInt8.self) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try member(key).integer(UInt16.self) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try member(key).integer(UInt32.self) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try member(key).integer(UInt64.self) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try member(key).decodeValue(T.self)
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try member(key).container(keyedBy: NestedKey.self)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try member(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { try member(Key(stringValue: "super")!) }
        func superDecoder(forKey key: Key) throws -> any Decoder { try member(key) }
    }

    /// An array's elements, in order.
    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let decoder: JSONValueDecoder
        let elements: [JSONValue]
        var currentIndex = 0

        init(decoder: JSONValueDecoder, elements: [JSONValue]) {
            self.decoder = decoder
            self.elements = elements
        }

        var codingPath: [any CodingKey] { decoder.codingPath }
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        mutating func next(_ type: Any.Type) throws -> JSONValueDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(
                    type,
                    .init(
                        codingPath: codingPath + [JSONKey(intValue: currentIndex)],
                        debugDescription: "Unkeyed container is at end."))
            }
            defer { currentIndex += 1 }
            return decoder.child(elements[currentIndex], JSONKey(intValue: currentIndex), String(currentIndex))
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd else { return false }
            if elements[currentIndex] == .null {
                currentIndex += 1
                return true
            }
            return false
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type).bool() }
        mutating func decode(_ type: String.Type) throws -> String { try next(type).string() }
        mutating func decode(_ type: Double.Type) throws -> Double { try next(type).double() }
        mutating func decode(_ type: Float.Type) throws -> Float { Float(try next(type).double()) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next(type).integer(Int.self) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type).integer(Int8.self) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type).integer(Int16.self) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type).integer(Int32.self) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type).integer(Int64.self) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type).integer(UInt.self) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type).integer(UInt8.self) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type).integer(UInt16.self) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type).integer(UInt32.self) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type).integer(UInt64.self) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type).decodeValue(T.self) }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try next([String: Any].self).container(keyedBy: NestedKey.self)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next([Any].self).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { try next(Any.self) }
    }
}
