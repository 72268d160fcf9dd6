import Foundation
import KandasProtocol
import Testing

@testable import KandasCLI

@Suite struct InputParserTests {
    let almaty = TimeZone(identifier: "Asia/Almaty")!

    @Test func rfc3339Times_areAcceptedWithTheirOffset() throws {
        let time = try InputParser.time("2026-11-20T15:15:00+05:00", flag: "at", timeZone: .gmt)
        #expect(time.description == "2026-11-20T10:15:00.000Z")
    }

    @Test func localTimes_areReadInTheGivenZone() throws {
        #expect(
            try InputParser.time("2026-11-20 15:15", flag: "at", timeZone: almaty).description
                == "2026-11-20T10:15:00.000Z")
        #expect(
            try InputParser.time("2026-11-20T15:15", flag: "at", timeZone: .gmt).description
                == "2026-11-20T15:15:00.000Z")
    }

    @Test(arguments: ["yesterday", "2026-13-01 10:00", "2026-02-30 10:00", "2026-11-20 24:00", "2026-11-20", ""])
    func badTimes_areUsageErrors(text: String) {
        #expect(throws: CLIError.self) { try InputParser.time(text, flag: "at", timeZone: .gmt) }
    }

    @Test func geo_takesLatitudeLongitudeAndOptionalAccuracy() throws {
        let fix = Timestamp(millisecondsSince1970: 0)
        let full = try InputParser.geo("43.2389, 76.8897,12", mock: false, fixTime: fix)
        #expect(full.latitude == 43.2389 && full.longitude == 76.8897 && full.accuracyMeters == 12)
        #expect(full.provider == .manual && !full.mock)
        let short = try InputParser.geo("-33.5,-70.25", mock: true, fixTime: fix)
        #expect(short.accuracyMeters == 0 && short.mock)
    }

    @Test(arguments: ["43.2", "91,10", "10,181", "10,10,-1", "a,b", "1,2,3,4", "nan,1", "1,,2"])
    func badGeo_isAUsageError(text: String) {
        #expect(throws: CLIError.self) { try InputParser.geo(text, mock: false, fixTime: .now()) }
    }

    @Test func idPrefixes_needFourHexCharacters_andAreLowercased() throws {
        #expect(try InputParser.idPrefix("AB12", what: "ITEM") == "ab12")
        #expect(throws: CLIError.self) { try InputParser.idPrefix("ab1", what: "ITEM") }
        #expect(throws: CLIError.self) { try InputParser.idPrefix("xyz1", what: "ITEM") }
    }

    @Test func monthsAndDates_areChecked() throws {
        #expect(try InputParser.month("2026-10", flag: "month") == "2026-10")
        #expect(throws: CLIError.self) { try InputParser.month("2026-13", flag: "month") }
        #expect(throws: CLIError.self) { try InputParser.month("2026-1", flag: "month") }
        #expect(throws: CLIError.self) { try InputParser.date("2026-02-30", flag: "due-before") }
    }
}
