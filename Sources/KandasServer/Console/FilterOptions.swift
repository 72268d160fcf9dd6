import KandasDomain
import KandasStore

/// The choices of the completions filter form (regions, centres, workers in scope) and the form itself.
struct FilterOptions {
    var regions: [(String, LocalizedName)] = []
    var centres: [(String, String)] = []
    var workers: [(String, String)] = []

    static func load(_ db: any DatabaseConnection, for p: Principal) throws -> FilterOptions {
        try ConsoleStore.filterOptions(db, for: p)
    }

    /// A `<select>` with an "any" option first and the current value selected.
    static func select(_ name: String, _ current: String?, _ any: String, _ options: [(String, String)]) -> HTML {
        let items = options.map { value, label -> HTML in
            value == current
                ? "<option value=\"\(value)\" selected>\(label)</option>"
                : "<option value=\"\(value)\">\(label)</option>"
        }
        return "<select name=\"\(name)\" id=\"f-\(name)\"><option value=\"\">\(any)</option>\(items)</select>"
    }

    func form(_ ctx: ConsoleContext, _ filter: CompletionFilter) -> HTML {
        let v = filter.values
        let any = ctx.t(.any)
        let services = ServiceCatalog.all.map { (String($0.code), "\($0.code). \($0.name(in: ctx.lang))") }
        let review = ["pending", "approved", "has_issues", "rejected"].map { ($0, $0) }
        return """
            <form class="filters" method="get" action="/console/completions" id="filters">
            <label>\(ctx.t(.region)) \(Self.select("region_id", v["region_id"], any, regions.map { ($0.0, $0.1(ctx.lang)) }))</label>
            <label>\(ctx.t(.centre)) \(Self.select("career_centre_id", v["career_centre_id"], any, centres))</label>
            <label>\(ctx.t(.worker)) \(Self.select("worker_id", v["worker_id"], any, workers))</label>
            <label>\(ctx.t(.family)) <input name="family_id" value="\(v["family_id"])" size="12"></label>
            <label>\(ctx.t(.memberIIN)) <input name="member_iin" id="f-member_iin" value="\(v["member_iin"])" \
            size="12" inputmode="numeric"></label>
            <label>\(ctx.t(.service)) \(Self.select("service_code", v["service_code"], any, services))</label>
            <label>\(ctx.t(.from)) <input type="date" name="performed_from" value="\(v["performed_from"])"></label>
            <label>\(ctx.t(.to)) <input type="date" name="performed_to" value="\(v["performed_to"])"></label>
            <label>\(ctx.t(.reviewState)) \(Self.select("review_state", v["review_state"], any, review))</label>
            <label>\(ctx.t(.completeness)) \(Self.select("completeness", v["completeness"], any, [("complete", "complete"), ("incomplete", "incomplete")]))</label>
            <label>\(ctx.t(.conflict)) \(Self.select("has_conflict", v["has_conflict"], any, [("true", ctx.t(.yes)), ("false", ctx.t(.no))]))</label>
            <button type="submit" id="apply-filters">\(ctx.t(.filter))</button></form>
            """
    }
}
