import Testing

@testable import KandasServer

@Suite struct CompletionFilterTests {
    static let admin = Principal(
        kind: .user, userID: "u", role: .nationalAdmin, regionID: nil, careerCentreID: nil, deviceID: nil,
        tokenHash: "")

    static func filter(_ values: [String: String], _ p: Principal = admin) throws(ServerError) -> CompletionFilter {
        try CompletionFilter({ values[$0] }, for: p)
    }

    @Test func emptyValues_meanAny() throws {
        let f = try Self.filter(["service_code": "", "member_iin": ""])
        #expect(f.values.isEmpty)
        #expect(f.sql == "1 = 1")
    }

    @Test func badValues_areRefusedWithTheFieldNamed() {
        for (name, value) in [
            ("service_code", "0"), ("member_iin", "12345678901x"), ("performed_to", "2026-02-30"),
            ("completeness", "most"), ("has_conflict", "yes"), ("region_id", "R1"),
        ] {
            #expect(throws: ServerError.self) { try Self.filter([name: value]) }
            do {
                _ = try Self.filter([name: value])
            } catch {
                #expect(error.errors.first?.pointer == "query:" + name)
            }
        }
    }

    @Test func narrowDateRange_usesTheIndex_wideRangeDoesNot() throws {
        let week = try Self.filter(["performed_from": "2026-03-02", "performed_to": "2026-03-08"])
        #expect(week.sql.contains("likelihood(c.performed_at >= ?, 0.05)"))
        let year = try Self.filter(["performed_from": "2026-01-01", "performed_to": "2026-12-31"])
        #expect(year.sql.contains("+c.performed_at >= ?"))
        let open = try Self.filter(["performed_from": "2026-01-01"])
        #expect(open.sql.contains("+c.performed_at >= ?"))
        // performed_to includes its whole Kazakhstan day: before 2026-03-09 00:00 UTC+5.
        #expect(week.args.last == .integer(1_772_928_000_000 - 18_000_000 + 86_400_000))
    }

    @Test func supervisor_isScopedToItsCentre() throws {
        let p = Principal(
            kind: .user, userID: "s", role: .centreSupervisor, regionID: "r", careerCentreID: "c1", deviceID: nil,
            tokenHash: "")
        let f = try Self.filter([:], p)
        // With the centre's region, read through completions_region (migration 0037).
        #expect(
            f.sql
                == "(c.region_id = kid((SELECT region_id FROM career_centres WHERE id = ?))"
                + " AND c.career_centre_id = kid(?))")
        #expect(f.args == [.text("c1"), .text("c1")])
    }
}
