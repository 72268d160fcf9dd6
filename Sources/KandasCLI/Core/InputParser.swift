public import Foundation
public import KandasProtocol

/// Parses the values commands take (times, dates, locations, ID prefixes) into typed values.
///
/// Every failure is a usage error naming the flag and showing a valid form, so a bad line exits 64
/// before anything is opened.
public enum InputParser {
    /// `--at`: RFC 3339 (`2026-11-20T10:15:00+05:00`) or local `YYYY-MM-DD HH:MM` in `timeZone`.
    public static func time(_ text: String, flag: String, timeZone: TimeZone) throws(CLIError) -> Timestamp {
        if let timestamp = Timestamp(text) { return timestamp }
        let bytes = Array(text.utf8)
        let separators: Set<UInt8> = [0x20, 0x54]  // ' ' or 'T'
        guard bytes.count == 16, bytes[4] == 0x2D, bytes[7] == 0x2D, separators.contains(bytes[10]), bytes[13] == 0x3A,
            let year = Int(String(decoding: bytes[0..<4], as: UTF8.self)),
            let month = Int(String(decoding: bytes[5..<7], as: UTF8.self)),
            let day = Int(String(decoding: bytes[8..<10], as: UTF8.self)),
            let hour = Int(String(decoding: bytes[11..<13], as: UTF8.self)),
            let minute = Int(String(decoding: bytes[14..<16], as: UTF8.self)),
            CalendarDate(year: year, month: month, day: day) != nil, (0..<24).contains(hour), (0..<60).contains(minute)
        else {
            throw .usage(
                "--\(flag) '\(text)' is not a time",
                hint: "write RFC 3339 (2026-11-20T10:15:00+05:00) or local time as 'YYYY-MM-DD HH:MM'")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)
        guard let date = calendar.date(from: components) else { throw .usage("--\(flag) '\(text)' is not a time") }
        return Timestamp(date)
    }

    /// `--geo LAT,LON[,ACC]`: WGS 84 degrees and an accuracy radius in metres (0 when not given).
    ///
    /// The provider is `manual` (typed, not from a GPS fix) and the fix time is the time performed.
    public static func geo(_ text: String, mock: Bool, fixTime: Timestamp) throws(CLIError) -> Geolocation {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let numbers = parts.compactMap { Double($0) }.filter(\.isFinite)
        guard (2...3).contains(parts.count), numbers.count == parts.count else {
            throw .usage("--geo '\(text)' is not LAT,LON[,ACC]", hint: "for example --geo 43.2389,76.8897,12")
        }
        guard (-90...90).contains(numbers[0]) else { throw .usage("--geo latitude \(parts[0]) is not within -90...90") }
        guard (-180...180).contains(numbers[1]) else {
            throw .usage("--geo longitude \(parts[1]) is not within -180...180")
        }
        let accuracy = numbers.count == 3 ? numbers[2] : 0
        guard accuracy >= 0 else { throw .usage("--geo accuracy \(parts[2]) must be metres ≥ 0") }
        return Geolocation(
            latitude: numbers[0], longitude: numbers[1], accuracyMeters: accuracy, fixTime: fixTime,
            provider: .manual, mock: mock)
    }

    /// `YYYY-MM-DD`.
    public static func date(_ text: String, flag: String) throws(CLIError) -> CalendarDate {
        guard let date = CalendarDate(text) else { throw .usage("--\(flag) '\(text)' is not a date (YYYY-MM-DD)") }
        return date
    }

    /// `YYYY-MM`.
    public static func month(_ text: String, flag: String) throws(CLIError) -> String {
        guard text.utf8.count == 7, CalendarDate(text + "-01") != nil else {
            throw .usage("--\(flag) '\(text)' is not a month (YYYY-MM)")
        }
        return text
    }

    /// A full lowercase UUID (admin commands work on server IDs, not the local view).
    public static func id(_ text: String, what: String) throws(CLIError) -> WireID {
        guard let id = WireID(text.lowercased()) else {
            throw .usage("\(what) '\(text)' is not an ID (a UUID like 0b9d5c1e-6f0a-4c3e-9d2b-7a8e5f1c2d3b)")
        }
        return id
    }

    /// An ID or a unique prefix or suffix of one (at least 4 characters of `0-9a-f-`), lowercased.
    public static func idPrefix(_ text: String, what: String) throws(CLIError) -> String {
        let lowered = text.lowercased()
        guard lowered.count >= 4, lowered.count <= 36, lowered.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw .usage("\(what) '\(text)' is not an ID or an ID prefix or suffix (at least 4 hex characters)")
        }
        return lowered
    }

    /// An integer within `range`.
    public static func integer(_ text: String, flag: String, in range: ClosedRange<Int>) throws(CLIError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw .usage("--\(flag) '\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// One of an enum's raw values.
    public static func choice<T: RawRepresentable & CaseIterable>(
        _ text: String, flag: String, as type: T.Type
    ) throws(CLIError) -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw .usage("--\(flag) '\(text)' must be one of: \(allowed)")
        }
        return value
    }
}
