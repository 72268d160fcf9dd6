public import Foundation

/// A UUID as the wire carries it: 36 lowercase characters (`8-4-4-4-12`).
///
/// Foundation's `UUID` encodes uppercase; the protocol requires lowercase on output and rejects
/// uppercase on input (sync-v1 §1), so identifiers compare as plain strings in every store.
public struct WireID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The UUID.
    public var uuid: UUID

    /// Wraps a UUID.
    public init(_ uuid: UUID) {
        self.uuid = uuid
    }

    /// Parses the wire form; `nil` unless it is 36 lowercase hex-and-dash characters.
    public init?(_ string: String) {
        guard string.utf8.count == 36, string == string.lowercased(), let uuid = UUID(uuidString: string) else {
            return nil
        }
        self.uuid = uuid
    }

    /// A new random (version 4) identifier.
    public static func random() -> WireID { WireID(UUID()) }

    /// The lowercase wire form.
    public var description: String { uuid.uuidString.lowercased() }

    public static func < (lhs: WireID, rhs: WireID) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let id = WireID(string) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a lowercase UUID, got \(string.count) characters")
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
