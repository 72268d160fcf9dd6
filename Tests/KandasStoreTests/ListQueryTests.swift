import KandasProtocol
import KandasStore
import Testing

@Suite("The list-query builder")
struct ListQueryTests {
    static let regionAdmin = AccessScope(role: .regionAdmin, userID: "u1", regionID: "r1", careerCentreID: nil)

    @Test func aListStartsWithItsScopeAndAndsFiltersWithValuesInOrder() {
        var list = ListQuery(
            select: "SELECT d.rowid AS _rowid, d.id FROM devices d JOIN users u ON u.id = d.user_id", key: "d.rowid",
            scope: Self.regionAdmin.organisation(region: "u.region_id", centre: "u.career_centre_id"))
        list.equal("d.user_id", "w1")
        list.equal("u.career_centre_id", String?.none)
        list.filter("d.status = ?", .text("active"))
        let (sql, values) = list.pageStatement(after: 7, limit: 50)
        #expect(
            sql
                == "SELECT d.rowid AS _rowid, d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE u.region_id = ?"
                + " AND d.user_id = ? AND d.status = ? AND d.rowid > ? ORDER BY d.rowid LIMIT ?")
        #expect(values == [.text("r1"), .text("w1"), .text("active"), .integer(7), .integer(51)])
    }

    @Test func anOrderedListBindsItsLimitLastAndMayHaveNone() {
        let list = ListQuery(
            select: "SELECT f.id FROM families f", key: "f.rowid",
            scope: AccessScope.system(.init(reason: "test"))
                .families())
        #expect(list.orderedStatement(by: "f.rowid DESC", limit: 20).sql.hasSuffix("ORDER BY f.rowid DESC LIMIT ?"))
        #expect(list.orderedStatement(by: "f.rowid DESC", limit: 20).values == [.integer(20)])
        #expect(list.orderedStatement(by: "f.id", limit: nil).values == [])
    }

    @Test func eachRoleSeesItsOwnSliceOfFamiliesAndOrganisation() {
        let worker = AccessScope(role: .fieldWorker, userID: "w", regionID: "r", careerCentreID: "c")
        #expect(worker.families().values == [.text("w")])
        #expect(worker.families().sql.contains("family_workers"))
        #expect(worker.organisation(region: "x.r", centre: "x.c").sql == "x.c = ?")
        #expect(worker.organisation(region: "x.r", centre: "x.c").values == [.text("c")])
        let supervisor = AccessScope(role: .centreSupervisor, userID: "s", regionID: "r", careerCentreID: "c")
        #expect(supervisor.families(alias: "g").sql == "g.career_centre_id = ?")
        #expect(Self.regionAdmin.families().values == [.text("r1")])
        let national = AccessScope(role: .nationalAdmin, userID: "n", regionID: nil, careerCentreID: nil)
        #expect(national.families().values.isEmpty)
        let badAdmin = AccessScope(role: .regionAdmin, userID: "a", regionID: nil, careerCentreID: nil)
        #expect(badAdmin.families().sql == "1 = 0")
        let nationalAuditor = AccessScope(role: .auditor, userID: "a", regionID: nil, careerCentreID: nil)
        #expect(nationalAuditor.families().sql == "1 = 1")
        #expect(!Self.regionAdmin.covers(regionID: "r2", centreID: "c"))
        #expect(Self.regionAdmin.covers(regionID: "r1", centreID: nil))
        #expect(!worker.covers(regionID: "r", centreID: nil))
    }
}
