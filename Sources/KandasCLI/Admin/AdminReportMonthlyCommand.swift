import Foundation
import KandasProtocol
import SystemKit

/// `kandas admin report monthly`: the Annex 3 monthly report exactly as the server serves it (sync-v1 §13).
struct AdminReportMonthlyCommand: Command {
    static let spec = CommandSpec(
        ["admin", "report", "monthly"], summary: "download the Annex 3 monthly report of a region (CSV as served)",
        options: [
            .value("region", "REGION", "the region: its ID or ISO 3166-2 code (KZ-11)"),
            .value("month", "YYYY-MM", "the month"),
            .value("cutoff", "TIME", "count completions received before this RFC 3339 time (default: now)"),
            .value("format", "FORMAT", "csv (default), json or html"),
            .value("out", "FILE", "write to FILE instead of stdout"),
        ],
        discussion: """
            The CSV is UTF-8 with a BOM (Excel keeps Cyrillic) and CRLF line ends; it is written byte for byte
            as served, and the same --cutoff always gives the same bytes.
            """,
        examples: [
            "kandas admin report monthly --region KZ-11 --month 2026-10 --out annex3-2026-10.csv",
            "kandas admin report monthly --region KZ-11 --month 2026-10 --cutoff 2026-11-05T00:00:00Z",
        ])

    let region: String
    let month: String
    let cutoff: Timestamp?
    let format: String
    let out: String?

    init(parsing arguments: ParsedArguments, context: CommandContext) throws(CLIError) {
        guard let region = arguments.value("region"), let month = arguments.value("month") else {
            throw .usage("report monthly needs --region REGION and --month YYYY-MM")
        }
        self.region = region
        self.month = try InputParser.month(month, flag: "month")
        cutoff = try arguments.value("cutoff").map { text throws(CLIError) in
            guard let time = Timestamp(text) else { throw .usage("--cutoff '\(text)' is not an RFC 3339 time") }
            return time
        }
        format = arguments.value("format") ?? "csv"
        guard ["csv", "json", "html"].contains(format) else { throw .usage("--format must be csv, json or html") }
        out = arguments.value("out")
        if let out, out.isEmpty { throw .usage("--out needs a file name") }
    }

    func run(_ context: CommandContext) async throws(CLIError) {
        let client = try context.adminClient()
        let regionID = try await Self.regionID(region, client: client)
        var query = [("region_id", regionID.description), ("month", month), ("format", format)]
        if let cutoff { query.append(("cutoff", cutoff.description)) }
        let response = try await client.send("GET", "/admin/reports/monthly", query: query)
        guard let out else {
            context.environment.stdout.write(String(decoding: response.body, as: UTF8.self))
            return
        }
        let body = response.body
        let written = await Blocking.run {
            Result { () throws(SystemError) in try DurableFile.write(body, to: out, permissions: 0o644) }
        }
        let failure: String? = if case .failure(let error) = written { error.reason } else { nil }
        if let failure { throw .runtime("cannot write \(out): \(failure)", hint: "check the folder and disk space") }
        context.info("Wrote \(Format.bytes(Int64(response.body.count))) to \(out).")
    }

    /// A region given as its ID or its ISO 3166-2 code (KZ-11).
    static func regionID(_ region: String, client: AdminClient) async throws(CLIError) -> WireID {
        if let id = WireID(region.lowercased()) { return id }
        let regions = try await client.list("/admin/regions", as: RegionInfo.self)
        guard let found = regions.first(where: { $0.code.caseInsensitiveCompare(region) == .orderedSame }) else {
            throw .runtime(
                "no region with code '\(region)'", hint: "use the ISO 3166-2:KZ code, e.g. KZ-11, or the region ID",
                code: "not_found")
        }
        return found.id
    }
}
