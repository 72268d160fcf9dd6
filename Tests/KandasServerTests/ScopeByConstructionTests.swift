import Foundation
import KandasTestSupport
import Testing

/// Scope by construction (issue 11): every list the store builds starts from the caller's scope,
/// so an admin list, a console page and an export of one region never carry another region's rows,
/// and no handler, page or report can name the unscoped system scope.
@Suite(.serialized) final class ScopeByConstructionTests {
    let server: ServerProcess
    let data: ConsoleData
    /// One completion per seeded region: region ID → completion ID.
    var completionOf: [String: String] = [:]
    /// One family per seeded region: region ID → family ID.
    var familyOf: [String: String] = [:]

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
        let seed = try #require(server.seed)
        for family in seed.families {
            let detail = try data.admin.get("/v1/admin/families/\(family)").object
            let record = detail["family"] as? [String: Any] ?? detail
            let region = record["region_id"] as? String ?? ""
            guard familyOf[region] == nil else { continue }
            familyOf[region] = family
            let f = try data.family(family)
            completionOf[region] = try data.complete(
                family: family, item: f.items[0], worker: f.worker, performedAt: "2026-11-10T06:00:00.000Z",
                note: nil, location: (43.2, 76.9))
        }
    }

    /// The first seeded region (administered by `region1`) and the other one.
    func regions() throws -> (own: String, other: String) {
        let seed = try #require(server.seed)
        try #require(seed.regions.count == 2 && completionOf.count == 2)
        return (seed.regions[0], seed.regions[1])
    }

    @Test func anAdminListOfOneRegion_neverHasAnotherRegionsRows() throws {
        let (own, other) = try regions()
        let region1 = try server.login("region1")
        let completions = try region1.get("/v1/admin/completions?limit=500").object["items"] as? [[String: Any]] ?? []
        #expect(!completions.isEmpty)
        #expect(completions.contains { $0["id"] as? String == completionOf[own] })
        #expect(!completions.contains { $0["id"] as? String == completionOf[other] })
        let ownFamilies = Set(
            (try region1.get("/v1/admin/families?limit=500").object["items"] as? [[String: Any]] ?? []).compactMap {
                $0["id"] as? String
            })
        #expect(completions.allSatisfy { ownFamilies.contains($0["family_id"] as? String ?? "") })
        let families = try region1.get("/v1/admin/families?limit=500").object["items"] as? [[String: Any]] ?? []
        #expect(!families.isEmpty)
        #expect(families.allSatisfy { $0["region_id"] as? String == own })
        #expect(!families.contains { $0["id"] as? String == familyOf[other] })
        // Asking for the other region by filter narrows the scope further; it never widens it.
        let asked = try region1.get("/v1/admin/families?region_id=\(other)").object["items"] as? [[String: Any]]
        #expect(asked?.isEmpty == true)
    }

    @Test func aConsolePageOfOneRegion_neverShowsAnotherRegionsRows() throws {
        let (own, other) = try regions()
        var console = ConsoleClient(port: server.port)
        _ = try console.login("region1")
        let page = try console.get("/console/completions")
        #expect(page.status == 200)
        #expect(page.text.contains(try #require(completionOf[own])))
        #expect(!page.text.contains(try #require(completionOf[other])))
        let filtered = try console.get("/console/completions?region_id=\(other)")
        #expect(!filtered.text.contains(try #require(completionOf[other])))
    }

    @Test func anExportOfOneRegion_neverCarriesAnotherRegionsRows() throws {
        let (own, other) = try regions()
        let region1 = try server.login("region1")
        for path in ["/v1/admin/exports/completions.csv", "/v1/admin/exports/completions.geojson"] {
            let r = try region1.get(path)
            #expect(r.status == 200)
            #expect(r.text.contains(try #require(completionOf[own])))
            #expect(!r.text.contains(try #require(completionOf[other])))
        }
        var console = ConsoleClient(port: server.port)
        _ = try console.login("region1")
        let csv = try console.get("/console/exports/completions.csv")
        #expect(!csv.text.contains(try #require(completionOf[other])))
    }

    @Test func noHandlerPageOrReport_namesTheUnscopedSystemScope() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/KandasServer")
        let files = FileManager.default.enumerator(atPath: sources.path)?.allObjects as? [String] ?? []
        #expect(!files.isEmpty)
        let offenders = try files.filter { $0.hasSuffix(".swift") && !$0.hasPrefix("Store/") }.filter {
            try String(contentsOf: sources.appendingPathComponent($0), encoding: .utf8).contains("SystemAccess")
        }
        #expect(offenders == [])
    }
}
