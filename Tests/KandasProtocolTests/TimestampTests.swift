import Foundation
import Testing

@testable import KandasProtocol

@Test func canonicalTimestamp_roundTripsExactly() throws {
    let ts = try #require(Timestamp("2026-11-20T10:15:30.123Z"))
    #expect(ts.description == "2026-11-20T10:15:30.123Z")
    #expect(ts.millisecondsSince1970 == 1_795_169_730_123)
}

@Test(arguments: [
    ("2026-11-20T15:15:30.123+05:00", "2026-11-20T10:15:30.123Z"),
    ("2026-11-20T10:15:30Z", "2026-11-20T10:15:30.000Z"),
    ("2026-11-20t10:15:30.5z", "2026-11-20T10:15:30.500Z"),
    ("2026-11-20T10:15:30.123999Z", "2026-11-20T10:15:30.123Z"),
    ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
    ("2024-02-29T00:00:00.000-01:30", "2024-02-29T01:30:00.000Z"),
])
func rfc3339WithOffsetOrPrecision_isNormalisedToUTCMilliseconds(input: String, expected: String) throws {
    #expect(try #require(Timestamp(input)).description == expected)
}

@Test(arguments: [
    "", "2026-11-20", "2026-11-20T10:15:30", "2026-11-20 10:15:30Z", "2026-13-01T00:00:00Z",
    "2026-02-29T00:00:00Z", "2026-11-20T24:00:00Z", "2026-11-20T10:15:60Z", "2026-11-20T10:15:30.Z",
    "2026-11-20T10:15:30+0500", "2026-11-20T10:15:30Zjunk",
])
func malformedTimestamp_isRejected(input: String) {
    #expect(Timestamp(input) == nil)
}

@Test func timestampFromDate_truncatesToTheMillisecond() {
    let ts = Timestamp(Date(timeIntervalSince1970: 1.2349))
    #expect(ts.millisecondsSince1970 == 1234)
}

@Test func description_isTheJoinedFieldsItWasBuiltFrom_acrossTheRange() {
    // The joined form the 24 bytes written in place replaced, as the reference.
    func joined(_ ms: Int64) -> String {
        let totalSeconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - totalSeconds * 1000)
        let days = totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400
        let secondOfDay = Int(totalSeconds - days * 86_400)
        return CalendarDate.civil(fromDays: Int(days)).description + "T" + Timestamp.pad(secondOfDay / 3600, 2) + ":"
            + Timestamp.pad(secondOfDay / 60 % 60, 2) + ":" + Timestamp.pad(secondOfDay % 60, 2) + "."
            + Timestamp.pad(millis, 3) + "Z"
    }
    var values: [Int64] = [
        0, -1, 1, 999, -999, -1000, 86_399_999, -86_400_000, 1_795_169_730_123, 253_402_300_799_999,
        -62_135_596_800_000, 253_402_300_800_000, -62_135_596_800_001, .max / 2, .min / 2,
    ]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2000 { values.append(Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator)) }
    for ms in values {
        let ts = Timestamp(millisecondsSince1970: ms)
        #expect(ts.description == joined(ms), "\(ms)")
        #expect(ts.description.utf8.count == 24)
        #expect(Timestamp(ts.description).map { _ in true } ?? false)
    }
}
