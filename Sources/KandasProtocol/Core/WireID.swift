public import Foundation
import Synchronization

/// A UUID as the wire carries it: 36 lowercase characters (`8-4-4-4-12`).
///
/// Foundation's `UUID` encodes uppercase; the protocol requires lowercase on output and rejects
/// uppercase on input (sync-v1 §1), so identifiers compare as plain strings in every store.
/// `random()` makes version 4 IDs; `timeOrdered()` makes version 7 (RFC 9562 §5.7), which land
/// at the right edge of the indexes keyed by them instead of on a random page (sync-v1 §1
/// allows both). The client core mints its event, completion and attachment IDs with
/// `timeOrdered()`; the CLI shows and matches them by their last hex digits, which are random in
/// both versions (the first 8 of a v7 ID are its timestamp, shared by every ID of the same minute).
public struct WireID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The UUID.
    public var uuid: UUID

    /// Wraps a UUID.
    public init(_ uuid: UUID) {
        self.uuid = uuid
    }

    /// Parses the wire form; `nil` unless it is 36 lowercase hex-and-dash characters.
    public init?(_ string: String) {
        var string = string
        guard let uuid = string.withUTF8({ WireID.parse($0) }) else { return nil }
        self.uuid = uuid
    }

    /// Parses the wire form from UTF-8 bytes; `nil` unless it is 36 lowercase hex-and-dash characters.
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let uuid = WireID.parse(bytes) else { return nil }
        self.uuid = uuid
    }

    /// A new random (version 4) identifier.
    public static func random() -> WireID { WireID(UUID()) }

    /// A new time-ordered (version 7) identifier, monotonic within this process.
    public static func timeOrdered() -> WireID { WireID(UUID(uuid: UUIDv7Generator.shared.next())) }

    /// The lowercase wire form.
    public var description: String {
        String(unsafeUninitializedCapacity: 36) { out in
            let digits: StaticString = "0123456789abcdef"
            return withUnsafeBytes(of: uuid.uuid) { bytes in
                var o = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        out[o] = UInt8(ascii: "-")
                        o += 1
                    }
                    out[o] = digits.utf8Start[Int(bytes[i] >> 4)]
                    out[o + 1] = digits.utf8Start[Int(bytes[i] & 0x0f)]
                    o += 2
                }
                return o
            }
        }
    }

    /// The order of the wire forms, compared on the 16 bytes: fixed-width lowercase hex sorts as its bytes
    /// do, and sorting IDs (the client's views, the server's pages) need not build two strings per comparison.
    public static func < (lhs: WireID, rhs: WireID) -> Bool {
        withUnsafeBytes(of: lhs.uuid.uuid) { l in
            withUnsafeBytes(of: rhs.uuid.uuid) { r in l.lexicographicallyPrecedes(r) }
        }
    }

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

    /// The 16 bytes of `8-4-4-4-12` lowercase hex, without Foundation's parser and its uppercase form.
    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard s.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
            var i = 0
            for n in 0..<16 {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard s[i] == UInt8(ascii: "-") else { return false }
                    i += 1
                }
                guard let high = nibble(s[i]), let low = nibble(s[i + 1]) else { return false }
                out[n] = high << 4 | low
                i += 2
            }
            return true
        }
        return ok ? UUID(uuid: bytes) : nil
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// UUIDv7 (RFC 9562 §5.7) with a 42-bit counter (§6.2 method 1), so IDs made in one millisecond still sort
/// in the order they were made.
///
/// Layout: 48-bit Unix milliseconds, version 7, 12 counter bits, variant `10`, 30 more counter bits, 32
/// random bits. At each new millisecond the counter is reseeded randomly with its top bit clear (room for
/// 2^41 increments); within the same millisecond, or if the clock steps back, it is incremented, and on
/// overflow the timestamp is advanced by one so order is kept.
final class UUIDv7Generator: Sendable {
    static let shared = UUIDv7Generator()

    struct State {
        var milliseconds: UInt64 = 0
        var counter: UInt64 = 0
    }

    static let counterBits: UInt64 = 42
    static let counterMask: UInt64 = (1 << counterBits) - 1

    let state = Mutex(State())
    let clock: @Sendable () -> UInt64

    init(clock: @escaping @Sendable () -> UInt64 = UUIDv7Generator.systemMilliseconds) {
        self.clock = clock
    }

    static func systemMilliseconds() -> UInt64 {
        UInt64(max(0, (Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    /// The next identifier's 16 bytes.
    func next() -> uuid_t {
        var random = SystemRandomNumberGenerator()
        let now = clock()
        let (ms, counter) = state.withLock { s -> (UInt64, UInt64) in
            if now > s.milliseconds {
                s.milliseconds = now
                s.counter = random.next() & (UUIDv7Generator.counterMask >> 1)
            } else if s.counter < UUIDv7Generator.counterMask {
                s.counter += 1
            } else {
                s.milliseconds += 1
                s.counter = random.next() & (UUIDv7Generator.counterMask >> 1)
            }
            return (s.milliseconds, s.counter)
        }
        let tail = UInt32(truncatingIfNeeded: random.next() as UInt64)
        let randA = UInt16(counter >> 30) & 0x0fff
        let randB = UInt32(counter & 0x3fff_ffff)
        return (
            UInt8(truncatingIfNeeded: ms >> 40), UInt8(truncatingIfNeeded: ms >> 32),
            UInt8(truncatingIfNeeded: ms >> 24), UInt8(truncatingIfNeeded: ms >> 16),
            UInt8(truncatingIfNeeded: ms >> 8), UInt8(truncatingIfNeeded: ms),
            0x70 | UInt8(randA >> 8), UInt8(truncatingIfNeeded: randA),
            0x80 | UInt8(truncatingIfNeeded: randB >> 24), UInt8(truncatingIfNeeded: randB >> 16),
            UInt8(truncatingIfNeeded: randB >> 8), UInt8(truncatingIfNeeded: randB),
            UInt8(truncatingIfNeeded: tail >> 24), UInt8(truncatingIfNeeded: tail >> 16),
            UInt8(truncatingIfNeeded: tail >> 8), UInt8(truncatingIfNeeded: tail)
        )
    }
}
