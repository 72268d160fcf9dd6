import KandasDomain
import KandasProtocol
import KandasStore

/// The completions filters shared by the list page and the exports (the API's `/completions`
/// filters, Protocol §4.9), parsed from query parameters into SQL over `completions c`.
///
/// Bad values are refused with a stable `invalid_parameter` naming the field; empty values mean
/// "any" (an HTML form sends every field).
struct CompletionFilter: Equatable {
    static let names = [
        "region_id", "career_centre_id", "worker_id", "family_id", "member_iin", "service_code", "performed_from",
        "performed_to", "review_state", "completeness", "has_conflict", "state",
    ]

    var values: [String: String] = [:]
    var conditions: [String] = []
    var args: [DatabaseValue] = []
    /// The caller's scope over `completions c` (the first condition). The region, centre, user and item
    /// columns hold blobs on SQLite (0047): their IDs are bound through `kid(?)`, a family's items
    /// listed through `kid(i.id)`, so `completions_region` and `completions_item` serve.
    let scope: ScopeCondition

    /// Parses the filters of a query (unknown names are ignored: `lang`, `before`).
    init(_ query: (String) -> String?, for p: Principal) throws(ServerError) {
        scope = p.scope.records(alias: "c", blobIDs: true)
        conditions = [scope.sql]
        args = scope.values
        for name in Self.names {
            if let v = query(name), !v.isEmpty { values[name] = v }
        }
        for (name, column) in [
            ("region_id", "c.region_id"), ("career_centre_id", "c.career_centre_id"),
            ("worker_id", Self.workerSQL), ("family_id", Self.familyItemsSQL),
        ] {
            guard let value = values[name] else { continue }
            guard WireID(value) != nil else { throw Self.bad(name, "expected a lowercase UUID") }
            conditions.append(name == "family_id" || name == "worker_id" ? column : "\(column) = kid(?)")
            args.append(.text(value))
            if name == "worker_id" { args.append(.text(value)) }
            if name == "career_centre_id" {
                // The centre's region too: completions_region finds the rows (0037 dropped completions_centre).
                let centre = AccessScope.centreRecords(alias: "c", value, blobIDs: true)
                conditions[conditions.count - 1] = centre.sql
                args.removeLast()
                args += centre.values
            }
        }
        if let iin = values["member_iin"] {
            guard iin.utf8.count == 12, iin.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                throw Self.bad("member_iin", "12 digits")
            }
            conditions.append(Self.memberSQL)
            args += [.text(iin), .text(iin)]
        }
        if let text = values["service_code"] {
            guard let code = Int(text), (1...25).contains(code) else { throw Self.bad("service_code", "1-25") }
            conditions.append("c.service_code = ?")
            args.append(.integer(Int64(code)))
        }
        var bounds: [(String, Int64)] = []
        for (name, op, shift) in [("performed_from", ">=", Int64(0)), ("performed_to", "<", Int64(86_400_000))] {
            guard let text = values[name] else { continue }
            guard let date = try? LocalDate(text) else { throw Self.bad(name, "a YYYY-MM-DD date") }
            // Kazakhstan calendar days (UTC+5); performed_to includes its whole day.
            bounds.append((op, Int64(date.dayNumber) * 86_400_000 - PlanStore.almatyOffset + shift))
        }
        // A closed range of up to 62 days is selective: the planner reads the performed_at index and
        // sorts the few matches. Anything wider is cheaper walked newest first, so the index is
        // switched off for it (`+column`) rather than sorting most of the table.
        let narrow = bounds.count == 2 && bounds[1].1 - bounds[0].1 <= 62 * 86_400_000
        for (op, bound) in bounds {
            // likelihood() tells the planner how selective the narrow range is (it cannot know without STAT4).
            conditions.append(narrow ? "likelihood(c.performed_at \(op) ?, 0.05)" : "+c.performed_at \(op) ?")
            args.append(.integer(bound))
        }
        try choice("review_state", ["pending", "approved", "has_issues", "rejected"], column: "c.review_state")
        if let state = values["review_state"], state != "pending" { conditions.append(Self.reviewedSQL) }
        try choice("state", ["active", "voided"], column: "c.state")
        switch values["completeness"] {
        case nil: break
        // One definition of complete (Protocol §9.1; Rules 2, paras 36-37): nothing missing.
        case "complete": conditions.append(CompletionStore.completeSQL)
        case "incomplete": conditions.append("NOT " + CompletionStore.completeSQL)
        default: throw Self.bad("completeness", "complete|incomplete")
        }
        switch values["has_conflict"] {
        case nil: break
        case "true": conditions.append("c.open_conflicts > 0")
        case "false": conditions.append("c.open_conflicts = 0")
        default: throw Self.bad("has_conflict", "true|false")
        }
    }

    private mutating func choice(_ name: String, _ allowed: Set<String>, column: String) throws(ServerError) {
        guard let value = values[name] else { return }
        guard allowed.contains(value) else { throw Self.bad(name, allowed.sorted().joined(separator: "|")) }
        conditions.append("\(column) = ?")
        args.append(.text(value))
    }

    /// A worker's completions (`worker_id`), found from the worker's devices: their `complete` events
    /// (`devices_user`, then each device's events through `UNIQUE(device_id, device_seq)`) name the
    /// completions, read by primary key. Since migration 0050 no index heads with `completions.user_id`
    /// (one less index entry written per pushed completion, issue 15). A completion's `user_id` is its
    /// `complete` event's device's user (the push writes the device's user; neither ever changes), so
    /// the events find every one of the worker's completions, and `c.user_id` keeps the answer exact.
    static let workerSQL =
        "(c.user_id = kid(?) AND c.id IN (SELECT ktext(e.completion_id) FROM devices d"
        + " JOIN device_events e ON e.device_id = d.bin_id WHERE d.user_id = ? AND e.type = 'complete'))"

    /// The family filter (one family ID argument): the completions of a family are those of its plans'
    /// items, found through `plans_family` and `completions_item` (migration 0036 dropped
    /// `completions_family`, written by every push, and 0041 the column). A completion's family is its
    /// item's, and an item's its plan's: neither ever changes.
    static let familyItemsSQL =
        "c.item_id IN (SELECT kid(i.id) FROM plans p JOIN plan_items i ON i.plan_id = p.id WHERE p.family_id = ?)"

    /// The member filter (two `iin` arguments): the items of the member's family narrow the rows
    /// (``familyItemsSQL``; a member never changes family), the member ID then picks theirs.
    private static let memberSQL =
        "c.item_id IN (SELECT kid(i.id) FROM members m JOIN plans p ON p.family_id = m.family_id"
        + " JOIN plan_items i ON i.plan_id = p.id WHERE m.iin = ?)"
        + " AND (SELECT ci.member_id FROM plan_items ci WHERE ci.id = ktext(c.item_id)) IN (SELECT id FROM members WHERE iin = ?)"

    /// Added to a filter on a reviewed state: it is the WHERE of the partial index
    /// `completions_reviewed`, which SQLite uses only when the query states it.
    private static let reviewedSQL = "c.review_state != 'pending'"

    static func bad(_ name: String, _ detail: String) -> ServerError {
        ServerError.field(.invalidParameter, "query:" + name, name + ": " + detail)
    }

    /// The SQL condition (ANDed).
    var sql: String { conditions.joined(separator: " AND ") }

    /// The filtered list over `select` (from `completions c`, keyed by `c.rowid`): the scope, then
    /// the filters, so its WHERE is exactly ``sql``.
    func list(select: String) -> ListQuery {
        var list = ListQuery(select: select, key: "c.rowid", scope: scope)
        if conditions.count > 1 {
            list.filter(
                conditions.dropFirst().joined(separator: " AND "), values: Array(args.dropFirst(scope.values.count)))
        }
        return list
    }

    /// The filters as query items, in a fixed order (for links that keep them).
    var items: [(String, String?)] { Self.names.compactMap { n in values[n].map { (n, $0) } } }
}
