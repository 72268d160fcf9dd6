import Foundation
import KandasTestSupport
import Testing

/// The streamed exports: CSV with BOM and CRLF, GeoJSON without personal data, the list's filters.
@Suite(.serialized) final class CompletionExportTests {
    let server: ServerProcess
    let data: ConsoleData

    init() throws {
        server = try ServerProcess()
        data = try ConsoleData(server)
        let seed = try #require(server.seed)
        for (n, family) in seed.families.prefix(3).enumerated() {
            let f = try data.family(family)
            try data.complete(
                family: family, item: f.items[0], worker: f.worker, performedAt: "2026-11-1\(n)T06:00:00.000Z",
                note: "=HYPERLINK(\"x\")", location: n == 1 ? nil : (43.2 + Double(n) / 100, 76.9))
        }
    }

    @Test func csv_isStreamedWithBOMAndCRLF_andDefusesFormulas() throws {
        var c = ConsoleClient(port: server.port)
        try c.login("admin")
        let r = try c.get("/console/exports/completions.csv")
        #expect(r.status == 200)
        #expect(r.headers["transfer-encoding"] == "chunked")
        #expect(Array(r.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = r.text.dropFirst().components(separatedBy: "\r\n")
        #expect(lines[0].hasPrefix("completion_id,received_at,performed_at,service_code"))
        #expect(lines.count == 5)  // header, 3 rows, trailing empty
        let api = try data.admin.get("/v1/admin/exports/completions.csv")
        #expect(api.body == r.body)
    }

    @Test func geojson_hasOnlyLocatedCompletions_andNoIINs() throws {
        let r = try data.admin.get("/v1/admin/exports/completions.geojson")
        #expect(r.status == 200)
        #expect(r.headers["content-type"] == "application/geo+json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any])
        #expect(object["type"] as? String == "FeatureCollection")
        let features = object["features"] as? [[String: Any]] ?? []
        #expect(features.count == 2)
        let properties = features.first?["properties"] as? [String: Any] ?? [:]
        #expect(
            Set(properties.keys) == [
                "completion_id", "item_id", "family_id", "service_code", "performed_at", "accuracy_m", "review_state",
                "completeness", "files_verified", "files_declared",
            ])
        for iin in try data.admin.get("/v1/admin/families/\(server.seed?.families[0] ?? "")").text
            .components(separatedBy: "\"iin\":\"").dropFirst().map({ String($0.prefix(12)) })
        {
            #expect(!r.text.contains(iin))
        }
    }

    @Test func filters_applyAndUnknownOnesAreRefusedByTheAPI() throws {
        let family = try #require(server.seed?.families[0])
        let one = try data.admin.get("/v1/admin/exports/completions.csv?family_id=\(family)")
        #expect(one.text.components(separatedBy: "\r\n").count == 3)
        let bad = try data.admin.get("/v1/admin/exports/completions.csv?colour=red")
        #expect(bad.status == 400)
        #expect(bad.code == "invalid_parameter")
    }
}
