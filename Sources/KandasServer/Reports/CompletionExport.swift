import Foundation
import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// Completions exports (Protocol §13), streamed: CSV (UTF-8 with BOM, CRLF) and a GeoJSON
/// `FeatureCollection` of the completions with a location (no IINs or names in GeoJSON).
///
/// Rows are read in keyset batches of 1,000 (newest received first), each batch in its own short
/// read, so a slow client never holds a read transaction open, and memory stays bounded whatever
/// the number of rows.
enum CompletionExport {
    static let batch = 1000

    static let csvHeader = [
        "completion_id", "received_at", "performed_at", "service_code", "region_id", "career_centre_id", "family_id",
        "item_id", "member_iin", "worker_id", "state", "primary", "review_state", "files_verified", "files_declared",
        "latitude", "longitude", "accuracy_m", "evidence_flags",
    ]

    /// Calls `body` for every matching row, batch by batch.
    static func forEach(
        _ database: any DatabaseEngine, _ filter: CompletionFilter, _ body: (DatabaseRow) throws -> Void
    ) throws {
        var before = Int64.max
        while true {
            let rows = try database.readSync { db in
                try CompletionStore.exportRows(db, filter, before: before, limit: batch)
            }
            for row in rows { try body(row) }
            guard rows.count == batch, let last = rows.last else { return }
            before = try last.int("rid")
        }
    }

    static func stamp(_ ms: Int64) -> String { Timestamp(millisecondsSince1970: ms).description }

    static func csv(_ database: any DatabaseEngine, _ filter: CompletionFilter) -> HTTPResponse {
        var response = HTTPResponse(
            status: .ok,
            headers: [
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": "attachment; filename=\"completions.csv\"", "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            ])
        response.body = .stream { writer in
            try writer.write("\u{FEFF}" + csvHeader.joined(separator: ",") + "\r\n")
            var chunk = ""
            try forEach(database, filter) { r in
                let location = StoredLocation.read(r)
                let fields: [String] = [
                    try r.string("id"), stamp(try r.int("received_at")), stamp(try r.int("performed_at")),
                    String(try r.int("service_code")), try r.string("region_id"), try r.string("career_centre_id"),
                    try r.string("family_id"), try r.string("item_id"), try r.string("iin"), try r.string("user_id"),
                    try r.string("state"), try r.int("is_primary") == 1 ? "true" : "false",
                    try r.string("review_state"),
                    String(try r.int("files_verified")), String(try r.int("files_declared")),
                    location.map { String($0.latitude) } ?? "", location.map { String($0.longitude) } ?? "",
                    location.map { String($0.accuracyMeters) } ?? "",
                    EvidenceBits.list(try r.int("flag_bits"), EvidenceBits.flags).joined(separator: " "),
                ]
                chunk += fields.map(MonthlyReportBuilder.csvField).joined(separator: ",") + "\r\n"
                if chunk.utf8.count > 32_768 {
                    try writer.write(chunk)
                    chunk = ""
                }
            }
            if !chunk.isEmpty { try writer.write(chunk) }
        }
        return response
    }

    static func geojson(_ database: any DatabaseEngine, _ filter: CompletionFilter) -> HTTPResponse {
        var response = HTTPResponse(
            status: .ok,
            headers: [
                "Content-Type": "application/geo+json", "Cache-Control": "no-store",
                "Content-Disposition": "attachment; filename=\"completions.geojson\"",
            ])
        response.body = .stream { writer in
            try writer.write("{\"type\":\"FeatureCollection\",\"features\":[")
            var first = true
            try forEach(database, filter) { r in
                guard let g = StoredLocation.read(r),
                    let id = WireID(try r.string("id"))
                else { return }
                let verified = Int(try r.int("files_verified"))
                let declared = Int(try r.int("files_declared"))
                let feature = ExportFeature(
                    type: "Feature", id: id,
                    geometry: PointGeometry(type: "Point", coordinates: [g.longitude, g.latitude]),
                    properties: ExportFeatureProperties(
                        completionID: id, itemID: try wireID(r, "item_id"), familyID: try wireID(r, "family_id"),
                        serviceCode: Int(try r.int("service_code")),
                        performedAt: Timestamp(millisecondsSince1970: try r.int("performed_at")),
                        accuracyMeters: g.accuracyMeters,
                        reviewState: ReviewState(rawValue: try r.string("review_state")) ?? .pending,
                        completeness: try CompletionStore.completeness(r), filesVerified: verified,
                        filesDeclared: declared))
                try writer.write((first ? "" : ",") + String(decoding: try JSONCoding.encode(feature), as: UTF8.self))
                first = false
            }
            try writer.write("]}")
        }
        return response
    }
}
