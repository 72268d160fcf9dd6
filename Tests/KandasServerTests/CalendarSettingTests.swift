import Foundation
import KandasDomain
import KandasTestSupport
import Testing

@testable import KandasServer

/// Protocol/calendar.md: an operator replaces the built-in calendar with `--calendar FILE`
/// (`KANDAS_CALENDAR`); a bad file stops the server with its line and reason; a working-day
/// deadline outside the covered years is provisional (Rules 2, para 34's one working day).
@Suite(.serialized) struct CalendarSettingTests {
    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "calendar-" + UUID().uuidString.lowercased() + ".json"
        ).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The built-in document narrowed to 2025 only.
    static func only2025() throws -> String {
        var document = WorkCalendar.kazakhstanDocument
        document.firstYear = 2025
        document.lastYear = 2025
        document.datedHolidays = document.datedHolidays.filter { $0.date.year == 2025 }
        document.transfers = document.transfers.filter { $0.date.year == 2025 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try write(String(decoding: try encoder.encode(document), as: UTF8.self))
    }

    @Test func badCalendarFile_stopsTheServerWithExit64_theLineAndTheReason() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("kandas-cal-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(
            contentsOf: root.appendingPathComponent("Protocol/calendar-kz.json"), encoding: .utf8)
        // Two transfers on one date: the second one's line is reported.
        let duplicated = text.replacingOccurrences(
            of: #"{"date": "2025-01-05", "kind": "workingDay""#,
            with: #"{"date": "2025-01-03", "kind": "workingDay""#)
        let bad = try Self.write(duplicated)
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let line = duplicated.components(separatedBy: "\n").lastIndex { $0.contains("\"2025-01-03\"") }.map { $0 + 1 }
        let (status, output) = try ServerProcess.run(["migrate", "--data", data, "--calendar", bad])
        #expect(status == 64)
        #expect(output.contains("\(bad):\(line ?? 0): two transfers on 2025-01-03"), "\(output)")

        let broken = try Self.write("{\n  \"schema\": \"kandas-work-calendar/1\",\n  \"weekend\": [6, 7,\n}\n")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let (status2, output2) = try ServerProcess.run(["migrate", "--data", data, "--calendar", broken])
        #expect(status2 == 64)
        #expect(output2.contains("\(broken):") && output2.contains("not valid JSON"), "\(output2)")

        let (status3, output3) = try ServerProcess.run(["migrate", "--data", data, "--calendar", "/nonexistent.json"])
        #expect(status3 == 1)
        #expect(output3.contains("cannot read calendar"))
        // Nothing was created by the refused starts.
        #expect(!FileManager.default.fileExists(atPath: data + "/kandas.sqlite"))
    }

    @Test func para34_publicationDeadlineOutsideTheCoveredYears_isProvisionalInAPIAndConsole() throws {
        let narrow = try Self.only2025()
        defer { try? FileManager.default.removeItem(atPath: narrow) }
        let server = try ServerProcess(environment: ["KANDAS_CALENDAR": narrow])
        let admin = try server.login("admin")
        let plans = try admin.get("/v1/admin/plans?limit=1").object["items"] as? [[String: Any]] ?? []
        let plan = try #require(plans.first)
        #expect(plan["publication_due_provisional"] as? Bool == true, "\(plan)")
        var console = ConsoleClient(port: server.port)
        try console.login("admin")
        let family = plan["family_id"] as? String ?? ""
        #expect(try console.get("/console/families/\(family)").text.contains("flag provisional"))

        // The built-in calendar covers 2024-2027: the same plan is not provisional there.
        let builtIn = try ServerProcess()
        let p = try builtIn.login("admin").get("/v1/admin/plans?limit=1").object["items"] as? [[String: Any]] ?? []
        #expect(p.first?["publication_due_provisional"] as? Bool == false)
    }

    @Test func lineOfAReason_pointsAtTheNamedDateOrKey() {
        let text = "{\n\"schema\": \"x\",\n\"transfers\": [\n{\"date\": \"2026-01-02\"},\n{\"date\": \"2026-01-02\"}]}"
        #expect(ActiveCalendar.line(of: "two transfers on 2026-01-02", in: text) == 5)
        #expect(ActiveCalendar.line(of: "schema must be kandas-work-calendar/1", in: text) == 2)
        #expect(ActiveCalendar.lineNumber(in: "Unexpected character around line 3, column 7.") == 3)
    }
}
