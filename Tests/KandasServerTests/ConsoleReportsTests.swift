import Foundation
import KandasTestSupport
import Testing

@testable import KandasServer

/// The reports pages: the quality sheet computes totals and bands and states the source's
/// inconsistency; the monitoring schedule follows para 43; the family view lists plan and schedule.
@Suite(.serialized) final class ConsoleReportsTests {
    let server: ServerProcess

    init() throws { server = try ServerProcess() }

    @Test func qualitySheet_sumsScoresIntoHalfOpenBands() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("auditor")
        let r = try c.get("/console/reports/quality?lang=en&relevance=5&effectiveness=5&social_impact=4")
        #expect(r.status == 200)
        #expect(r.text.contains("Total: <strong>14</strong> — medium and/or services provided satisfactorily"))
        #expect(r.text.contains("0-ден10-ға дейін"))
        #expect(r.text.contains("three criteria scored 1-5 give 3-15"))
        let high = try c.get("/console/reports/quality?relevance=5&effectiveness=5&social_impact=5")
        #expect(high.text.contains("<strong>15</strong> — high"))
        let bad = try c.get("/console/reports/quality?relevance=6&effectiveness=5&social_impact=5")
        #expect(bad.text.contains("class=\"error\""))
    }

    @Test func monitoringAndFamilyPages_showTheScheduleAndThePlan() throws {
        let seed = try #require(server.seed)
        var c = ConsoleClient(port: server.port)
        try c.login("region1")
        let monitoring = try c.get("/console/reports/monitoring")
        #expect(monitoring.status == 200)
        #expect(monitoring.text.components(separatedBy: "/console/families/").count - 1 == 10)
        let family = try c.get("/console/families/\(seed.families[0])")
        #expect(family.status == 200)
        #expect(family.text.components(separatedBy: "<td class=\"num\">").count > 16)
        #expect(family.text.contains("halfYearly"))
        #expect(family.text.contains("id=\"members\""))
        // The other region's family is not found.
        #expect(try c.get("/console/families/\(seed.families[15])").status == 404)
    }

    @Test func reportsIndex_offersOnlyRegionsInScope() throws {
        let seed = try #require(server.seed)
        // The default cut-off is now rounded down to the second: move past the seed's second.
        try server.setClockOffset(seconds: 2)
        defer { try? server.setClockOffset(seconds: 0) }
        var c = ConsoleClient(port: server.port)
        try c.login("region2")
        let r = try c.get("/console/reports")
        #expect(r.text.contains(seed.regions[1]))
        #expect(!r.text.contains(seed.regions[0]))
        let monthly = try c.get("/console/reports/monthly?region_id=\(seed.regions[1])&month=2026-11")
        #expect(monthly.status == 200)
        #expect(monthly.text.components(separatedBy: "<tr><td class=\"num\">").count - 1 > 0)
        let csv = try c.get("/console/reports/monthly.csv?region_id=\(seed.regions[1])&month=2026-11")
        #expect(csv.headers["content-type"] == "text/csv; charset=utf-8")
    }
}
