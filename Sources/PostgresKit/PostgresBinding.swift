/// Parameter values laid out for `PQexecPrepared`: one buffer, with types, lengths and formats.
///
/// Integers go as binary `int8`, doubles as binary `float8`, booleans as binary `bool`, bytes
/// as binary `bytea`; text and NULL go in text format with type 0 ("unknown": the server infers
/// it from the statement, so text can fill a `timestamptz`, `jsonb` or `uuid` parameter).
///
/// Related PostgreSQL documentation: <https://www.postgresql.org/docs/15/protocol-message-formats.html> (Bind)
struct PostgresBinding {
    static let int8: UInt32 = 20
    static let float8: UInt32 = 701
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17

    let count: Int
    private(set) var types: [UInt32] = []
    private var storage: [UInt8] = []
    /// Offset of each value in `storage`, or -1 for NULL.
    private var offsets: [Int] = []
    private var lengths: [Int32] = []
    private var formats: [Int32] = []

    init(_ values: [PostgresValue], sql: String) throws(PostgresError) {
        count = values.count
        var types: [UInt32] = []
        types.reserveCapacity(values.count)
        for value in values {
            switch value {
            case .null:
                types.append(0)
                offsets.append(-1)
                lengths.append(0)
                formats.append(0)
            case .integer(let integer):
                append(integer.bigEndian, type: Self.int8, into: &types)
            case .real(let real):
                append(real.bitPattern.bigEndian, type: Self.float8, into: &types)
            case .bool(let flag):
                appendBytes([flag ? 1 : 0], type: Self.bool, format: 1, into: &types)
            case .bytes(let bytes):
                appendBytes(bytes, type: Self.bytea, format: 1, into: &types)
            case .text(let text):
                guard !text.utf8.contains(0) else {
                    throw .misuse(
                        "a text parameter contains a NUL character, which PostgreSQL text cannot hold", sql: sql)
                }
                appendBytes(Array(text.utf8) + [0], type: 0, format: 0, into: &types)
            }
        }
        self.types = types
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T, type: UInt32, into types: inout [UInt32]) {
        withUnsafeBytes(of: value) { appendBytes(Array($0), type: type, format: 1, into: &types) }
    }

    private mutating func appendBytes(_ bytes: [UInt8], type: UInt32, format: Int32, into types: inout [UInt32]) {
        types.append(type)
        offsets.append(storage.count)
        // Text lengths are ignored by libpq (it reads up to the NUL); binary lengths count.
        lengths.append(Int32(format == 0 ? bytes.count - 1 : bytes.count))
        formats.append(format)
        storage.append(contentsOf: bytes)
    }

    /// Calls `body` with C arrays of value pointers, lengths and formats that live for the call.
    func withParameters<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        // One extra byte so an empty buffer still has an address for zero-length binary values.
        let bytes = storage + [0]
        return bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { $0 < 0 ? nil : base + $0 }
            return pointers.withUnsafeBufferPointer { values in
                lengths.withUnsafeBufferPointer { lengths in
                    formats.withUnsafeBufferPointer { formats in
                        body(values.baseAddress, lengths.baseAddress, formats.baseAddress)
                    }
                }
            }
        }
    }
}

/// Decodes text-format result values by column type.
enum PostgresDecoding {
    static func decode(text bytes: UnsafeRawBufferPointer, type: UInt32) -> PostgresValue {
        switch type {
        case 20, 21, 23, 26, 28, 5069:  // int8, int2, int4, oid, xid, xid8
            if let integer = Int64(String(decoding: bytes, as: UTF8.self)) { return .integer(integer) }
        case 700, 701:  // float4, float8
            if let real = Double(String(decoding: bytes, as: UTF8.self)) { return .real(real) }
        case 16:  // bool: 't' or 'f'
            return .bool(bytes.first == UInt8(ascii: "t"))
        case 17:  // bytea, hex output ("\x0a1b...", the default since 9.0)
            if let decoded = hex(bytes) { return .bytes(decoded) }
        default:
            break
        }
        return .text(String(decoding: bytes, as: UTF8.self))
    }

    private static func hex(_ bytes: UnsafeRawBufferPointer) -> [UInt8]? {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
