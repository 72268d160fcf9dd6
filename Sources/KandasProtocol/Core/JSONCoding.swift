public import Foundation

/// The JSON encoder and decoder configured for the wire, plus strict decoding for servers.
///
/// Keys are mapped by explicit `CodingKeys` in every type (no key strategy: a strategy would also
/// rewrite dictionary keys such as conflict field names). Timestamps, dates and UUIDs carry their
/// own wire formats (`Timestamp`, `CalendarDate`, `WireID`), so no date strategy is involved.
public enum JSONCoding {
    /// An encoder producing the wire form: sorted keys (stable bytes for idempotent replay and
    /// hashing), no escaped slashes.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A decoder for the wire form.
    public static func makeDecoder() -> JSONDecoder { JSONDecoder() }

    /// Encodes a wire value.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try makeEncoder().encode(value)
    }

    /// Decodes a wire value, ignoring fields the type does not know (what clients do with responses).
    ///
    /// - Throws: `ProtocolError` with `malformed_json`, `missing_field` or `invalid_field` and the
    ///   JSON Pointer of the field.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(ProtocolError) -> T {
        do {
            return try makeDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw map(error)
        } catch {
            throw ProtocolError(.malformedJSON, detail: "body is not JSON")
        }
    }

    /// Decodes a request body and refuses fields the type does not define (what servers do).
    ///
    /// A field is unknown when it is present (and not `null`) in the input but absent after the
    /// decoded value is encoded again; this catches misspelt optional fields at any depth.
    /// - Throws: `ProtocolError` as `decode`, or `unknown_field` with the first unknown pointer.
    public static func decodeStrict<T: Codable>(_ type: T.Type, from data: Data) throws(ProtocolError) -> T {
        let value = try decode(type, from: data)
        if let pointer = try unknownFields(in: data, decodedAs: value).first {
            throw ProtocolError(.unknownField, pointer: pointer, detail: "field is not defined by the protocol")
        }
        return value
    }

    /// JSON Pointers of every field present in `data` that `value` does not carry, in sorted order.
    public static func unknownFields<T: Encodable>(in data: Data, decodedAs value: T) throws(ProtocolError) -> [String]
    {
        let input = try decode(JSONValue.self, from: data)
        let output: JSONValue
        do {
            output = try makeDecoder().decode(JSONValue.self, from: makeEncoder().encode(value))
        } catch {
            throw ProtocolError(.internalError, detail: "value could not be re-encoded")
        }
        var found: [String] = []
        collectUnknown(input, output, "", &found)
        return found
    }

    /// Re-decodes an already-parsed JSON value as `T` (used for payloads carried as `JSONValue`).
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(ProtocolError) -> T {
        try decodeReportingUnknown(type, from: value).value
    }

    /// Decodes a wire value from a parsed JSON value in one pass, with the JSON Pointers of the
    /// present, non-null fields the type did not read (sorted, depth first; see `JSONValueDecoder`).
    ///
    /// The fast path for request bodies: `JSONValue.parse` then this replaces `decodeStrict`'s
    /// decode, re-encode and compare.
    /// - Throws: `ProtocolError` as `decode(_:from:)`.
    public static func decodeReportingUnknown<T: Decodable>(
        _ type: T.Type, from value: JSONValue
    ) throws(ProtocolError) -> (value: T, unknownFields: [String]) {
        do {
            let (decoded, unknown) = try JSONValueDecoder.decode(type, from: value)
            return (decoded, unknown)
        } catch let error as DecodingError {
            throw map(error)
        } catch {
            throw ProtocolError(.malformedJSON, detail: "body is not JSON")
        }
    }

    static func collectUnknown(_ input: JSONValue, _ output: JSONValue, _ path: String, _ found: inout [String]) {
        switch (input, output) {
        case (.object(let a), .object(let b)):
            for key in a.keys.sorted() {
                guard let inner = a[key], inner != .null else { continue }
                let pointer = path + "/" + escape(key)
                if let other = b[key] {
                    collectUnknown(inner, other, pointer, &found)
                } else {
                    found.append(pointer)
                }
            }
        case (.array(let a), .array(let b)):
            for (index, pair) in zip(a, b).enumerated() {
                collectUnknown(pair.0, pair.1, path + "/" + String(index), &found)
            }
        default:
            break
        }
    }

    /// RFC 6901 §3: `~` → `~0`, `/` → `~1`.
    static func escape(_ key: String) -> String {
        // Wire keys never hold either character; skip Foundation's string search for them.
        guard key.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return key }
        return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    static func pointer(_ path: [any CodingKey]) -> String {
        path.map { "/" + escape($0.intValue.map(String.init) ?? $0.stringValue) }.joined()
    }

    static func map(_ error: DecodingError) -> ProtocolError {
        switch error {
        case .keyNotFound(let key, let context):
            return ProtocolError(
                .missingField, pointer: pointer(context.codingPath + [key]), detail: "required field is missing")
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return ProtocolError(.malformedJSON, detail: "body is not a JSON object of the expected shape")
        case .typeMismatch(let type, let context):
            return ProtocolError(.invalidField, pointer: pointer(context.codingPath), detail: "expected \(type)")
        case .valueNotFound(_, let context) where context.codingPath.isEmpty:
            return ProtocolError(.malformedJSON, detail: "body is null")
        case .valueNotFound(_, let context):
            return ProtocolError(.missingField, pointer: pointer(context.codingPath), detail: "value is null")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return ProtocolError(.malformedJSON, detail: "body is not valid JSON")
        case .dataCorrupted(let context):
            return ProtocolError(.invalidField, pointer: pointer(context.codingPath), detail: context.debugDescription)
        @unknown default:
            return ProtocolError(.malformedJSON, detail: "body could not be decoded")
        }
    }
}
