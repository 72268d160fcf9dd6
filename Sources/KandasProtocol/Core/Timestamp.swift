public import Foundation

/// An instant on the wire: RFC 3339, UTC, exactly three fractional digits (`2026-11-20T10:15:30.123Z`).
///
/// Stored as whole milliseconds since 1970 so that a decode and re-encode is exact (a `Date` is a
/// `Double` and could print `.122` for `.123`). Parsing accepts any RFC 3339 offset and precision
/// (extra digits are truncated) and normalises to UTC; leap seconds (`:60`) are refused.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSince1970: Int64

    /// Creates a timestamp from milliseconds since 1970.
    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    /// Creates a timestamp from a `Date`, rounded down to the millisecond.
    public init(_ date: Date) {
        self.millisecondsSince1970 = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The current time.
    public static func now() -> Timestamp { Timestamp(Date()) }

    /// The same instant as a `Date`.
    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    /// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.f+](Z|±HH:MM)`); `nil` when it is not one.
    public init?(_ string: String) {
        var string = string
        guard let milliseconds = string.withUTF8({ Self.parse($0) }) else { return nil }
        self.millisecondsSince1970 = milliseconds
    }

    /// Parses RFC 3339 from UTF-8 bytes, as ``init(_:)`` does (a push body's times, read in place).
    public init?(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let milliseconds = Self.parse(bytes) else { return nil }
        self.millisecondsSince1970 = milliseconds
    }

    /// Milliseconds since 1970 of RFC 3339 text; `nil` when it is not one.
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74, b[13] == 0x3A,
            b[16] == 0x3A,
            let year = Self.digits(b, 0, 4), let month = Self.digits(b, 5, 2), let day = Self.digits(b, 8, 2),
            let hour = Self.digits(b, 11, 2), let minute = Self.digits(b, 14, 2), let second = Self.digits(b, 17, 2),
            CalendarDate(year: year, month: month, day: day) != nil, hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var millis = 0
        if b[i] == 0x2E {
            i += 1
            var n = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if n < 3 { millis = millis * 10 + Int(b[i] - 0x30) }
                n += 1
                i += 1
            }
            guard n > 0 else { return nil }
            for _ in n..<max(n, 3) { millis *= 10 }
        }
        guard i < b.count else { return nil }
        var offsetMinutes = 0
        if b[i] == 0x5A || b[i] == 0x7A {
            i += 1
        } else if b[i] == 0x2B || b[i] == 0x2D, b.count == i + 6, b[i + 3] == 0x3A,
            let oh = Self.digits(b, i + 1, 2), let om = Self.digits(b, i + 4, 2), oh < 24, om < 60
        {
            offsetMinutes = (oh * 60 + om) * (b[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = CalendarDate.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
        return seconds * 1000 + Int64(millis)
    }

    /// The canonical wire form, e.g. `2026-11-20T10:15:30.123Z`.
    public var description: String {
        let ms = millisecondsSince1970
        let totalSeconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - totalSeconds * 1000)
        let days = totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400
        let secondOfDay = Int(totalSeconds - days * 86_400)
        let date = CalendarDate.civil(fromDays: Int(days))
        // Always 24 bytes (a `CalendarDate`'s year is 1...9999): written in place, not joined from ten
        // small strings, which was 2.5% of a push's server CPU (a stored location's `fix_time`).
        return String(unsafeUninitializedCapacity: 24) { out in
            var o = 0
            func put(_ value: Int, _ width: Int) {
                var v = value
                for k in stride(from: width - 1, through: 0, by: -1) {
                    out[o + k] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                o += width
            }
            func put(_ c: Unicode.Scalar) {
                out[o] = UInt8(ascii: c)
                o += 1
            }
            put(date.year, 4)
            put("-")
            put(date.month, 2)
            put("-")
            put(date.day, 2)
            put("T")
            put(secondOfDay / 3600, 2)
            put(":")
            put(secondOfDay / 60 % 60, 2)
            put(":")
            put(secondOfDay % 60, 2)
            put(".")
            put(millis, 3)
            put("Z")
            return o
        }
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let value = Timestamp(string) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an RFC 3339 timestamp")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func digits<Bytes: RandomAccessCollection<UInt8>>(_ b: Bytes, _ start: Int, _ count: Int) -> Int?
    where Bytes.Index == Int {
        guard start + count <= b.count else { return nil }
        var value = 0
        for k in start..<(start + count) {
            guard b[k] >= 0x30, b[k] <= 0x39 else { return nil }
            value = value * 10 + Int(b[k] - 0x30)
        }
        return value
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
