import HTTPServer
import KandasDomain
import KandasProtocol
import KandasStore

/// The completions list: filters, newest received first, keyset pages of 50 (`?before=<rowid>`),
/// each row read through the completions indexes (no per-row queries), so a page costs the same
/// on 100,000 completions as on 100.
enum CompletionsPage {
    static let pageSize = 50

    struct Row: Equatable {
        var rowid: Int64
        var id: String
        var serviceCode: Int
        var memberName: String
        var iin: String
        var worker: String
        var settlement: String
        var performedAt: Int64
        var receivedAt: Int64
        var state: String
        var reviewState: String
        var filesVerified: Int
        var filesDeclared: Int
        var openConflicts: Int
        var flags: [String]
        var missing: [String]
    }

    /// The page query: the filter's arguments, then the rowid bound and the limit.
    static func pageSQL(_ filter: CompletionFilter) -> String { CompletionStore.consolePageSQL(filter) }

    /// One page of rows after `before` (exclusive; nil for the newest) and the cursor of the next page.
    static func page(
        _ db: any DatabaseConnection, _ filter: CompletionFilter, before: Int64?, limit: Int = pageSize
    ) throws -> ([Row], Int64?) {
        let rows = try CompletionStore.consoleRows(db, filter, before: before, limit: limit + 1)
        let mapped = try rows.prefix(limit).map { r in
            Row(
                rowid: try r.int("rid"), id: try r.string("id"), serviceCode: Int(try r.int("service_code")),
                memberName: try r.string("last_name") + " " + (try r.string("first_name")), iin: try r.string("iin"),
                worker: try r.string("username"), settlement: try r.string("settlement_name"),
                performedAt: try r.int("performed_at"), receivedAt: try r.int("received_at"),
                state: try r.string("state"), reviewState: try r.string("review_state"),
                filesVerified: Int(try r.int("files_verified")), filesDeclared: Int(try r.int("files_declared")),
                openConflicts: Int(try r.int("open_conflicts")),
                flags: EvidenceBits.list(try r.int("flag_bits"), EvidenceBits.flags),
                missing: EvidenceBits.list(try r.int("missing_bits"), EvidenceBits.missing))
        }
        return (mapped, rows.count > limit ? mapped.last?.rowid : nil)
    }

    static func list(_ ctx: ConsoleContext) throws -> HTTPResponse {
        let filter = try CompletionFilter(ctx.query, for: ctx.actor)
        var before: Int64?
        if let text = ctx.query("before") {
            guard let n = Int64(text), n > 0 else { throw CompletionFilter.bad("before", "a positive integer") }
            before = n
        }
        let (rows, next, options) = try ctx.read { db in
            let (rows, next) = try page(db, filter, before: before)
            return (rows, next, try FilterOptions.load(db, for: ctx.actor))
        }
        let body = rows.map { row(ctx, $0) }
        let nextLink: HTML =
            next.map {
                "<a rel=\"next\" id=\"next-page\" href=\"\(ctx.link("/console/completions", filter.items + [("before", String($0))]))\">\(ctx.t(.next)) →</a>"
            } ?? ""
        let empty: HTML = rows.isEmpty ? "<p class=\"muted\">\(ctx.t(.noResults))</p>" : ""
        let exports: HTML = """
            <a href="\(ctx.link("/console/exports/completions.csv", filter.items))">CSV</a> · \
            <a href="\(ctx.link("/console/exports/completions.geojson", filter.items))">GeoJSON</a>
            """
        let content: HTML = """
            \(options.form(ctx, filter))
            <table id="completions"><thead><tr><th>\(ctx.t(.receivedAt))</th><th>\(ctx.t(.performedAt))</th>\
            <th>\(ctx.t(.service))</th><th>\(ctx.t(.members))</th><th>\(ctx.t(.memberIIN))</th>\
            <th>\(ctx.t(.worker))</th><th>\(ctx.t(.settlement))</th><th>\(ctx.t(.files))</th>\
            <th>\(ctx.t(.reviewState))</th><th></th></tr></thead><tbody>\(body)</tbody></table>
            \(empty)<p class="pager">\(nextLink) <span class="muted">\(ctx.t(.exports)): \(exports)</span></p>
            """
        return ctx.page(ctx.t(.completions), content)
    }

    static func row(_ ctx: ConsoleContext, _ r: Row) -> HTML {
        let service = (try? ServiceCatalog.service(code: r.serviceCode))?.name(in: ctx.lang) ?? "?"
        let flags = r.flags.map { "<span class=\"flag\">\($0)</span>" as HTML }
        // Incomplete work is shown with what is missing (Rules 2, paras 36-37), never hidden.
        let missingList = r.missing
        let missing: HTML =
            missingList.isEmpty
            ? ""
            : " <span class=\"flag incomplete\">\(ctx.t(.incomplete)): \(missingList.joined(separator: ", "))</span>"
        let conflict: HTML = r.openConflicts > 0 ? "<span class=\"flag\">\(ctx.t(.conflict))</span>" : ""
        let voided: HTML = r.state == "voided" ? "<span class=\"flag\">voided</span>" : ""
        return """
            <tr><td>\(ConsoleLayout.time(r.receivedAt))</td><td>\(ConsoleLayout.time(r.performedAt))</td>\
            <td><span class="muted">\(r.serviceCode).</span> \(service)</td><td>\(r.memberName)</td>\
            <td><code>\(r.iin)</code></td><td>\(r.worker)</td><td>\(r.settlement)</td>\
            <td class="num">\(r.filesVerified)/\(r.filesDeclared)\(missing)</td>\
            <td class="state-\(r.reviewState)">\(r.reviewState) \(conflict)\(voided)\(flags)</td>\
            <td><a class="open" href="/console/completions/\(r.id)">\(ctx.t(.open))</a></td></tr>
            """
    }
}
