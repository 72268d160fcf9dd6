import KandasDomain
import KandasProtocol
import KandasStore

/// Today's due and overdue acts of the Centre stay (issue 17 item 10; Protocol/stay-v1.md §7).
extension StayStore {
    static func due(
        _ db: any DatabaseConnection, for p: Principal, rules: StayRules, today: LocalDate
    ) throws -> StayDueList {
        let day = today.description
        let tomorrow = today.addingCalendarDays(1).description
        var items: [StayDueItem] = []
        func add(_ kind: StayDueKind, _ due: String, _ centre: String, _ type: String, _ id: String) {
            guard let dueOn = CalendarDate(due), let c = WireID(centre), let e = WireID(id) else { return }
            items.append(
                StayDueItem(
                    kind: kind, dueOn: dueOn, overdue: due < day, centreID: c, entityType: type, entityID: e))
        }
        let a = scope(p, alias: "a")
        // Para 6: considered on the day of submission; still registered after its day is overdue.
        for row in try db.query(
            "SELECT a.id, a.centre_id, a.registered_on FROM stay_applications a WHERE a.status = 'registered'"
                + " AND \(a.sql) ORDER BY a.queue_seq", values: a.values)
        {
            add(
                .unconsidered, try row.string("registered_on"), try row.string("centre_id"), "application",
                try row.string("id"))
        }
        // Para 9: referrals whose move-in term ends today or tomorrow.
        let r = scope(p, alias: "r")
        for row in try db.query(
            "SELECT r.id, r.centre_id, r.move_in_by FROM stay_referrals r WHERE r.status = 'issued'"
                + " AND r.move_in_by >= ? AND r.move_in_by <= ? AND \(r.sql) ORDER BY r.number",
            values: [.text(day), .text(tomorrow)] + r.values)
        {
            add(
                .referralLapsing, try row.string("move_in_by"), try row.string("centre_id"), "referral",
                try row.string("id"))
        }
        // Paras 15, 17: stays ending within 14 days; ended stays not yet vacated.
        let s = scope(p, alias: "s")
        let horizon = today.addingCalendarDays(StayRules.stayEndingWarningDays).description
        for row in try db.query(
            "SELECT \(residentColumns) FROM \(residentFrom) WHERE s.status IN ('resident','ended') AND \(s.sql)"
                + " ORDER BY s.rowid", values: s.values)
        {
            let resident = try resident(row, rules: rules, today: today)
            let centre = resident.centreID.description
            let id = resident.id.description
            if resident.status == .resident, resident.stayEndsBy.description <= horizon {
                add(.stayEnding, resident.stayEndsBy.description, centre, "resident", id)
            } else if resident.status == .ended, let by = resident.vacateBy {
                add(.vacateDue, by.description, centre, "resident", id)
            }
        }
        // Para 14: decisions due one working day after the request.
        let t = scope(p, alias: "t")
        for row in try db.query(
            "SELECT t.id, t.centre_id, t.decide_by FROM stay_terminations t WHERE t.status = 'pending'"
                + " AND \(t.sql) ORDER BY t.rowid", values: t.values)
        {
            add(
                .decisionDue, try row.string("decide_by"), try row.string("centre_id"), "termination_request",
                try row.string("id"))
        }
        // Para 8: free beds while applications wait.
        let c = scope(p, alias: "c")
        for row in try db.query(
            "SELECT \(centreColumns) FROM stay_centres c WHERE \(c.sql) ORDER BY c.rowid", values: c.values)
        {
            let centre = try centre(db, row, today: today)
            if centre.free > 0, centre.reserveLength > 0 {
                add(.bedFree, day, centre.id.description, "centre", centre.id.description)
            }
        }
        var counts: [String: Int] = [:]
        for item in items { counts[item.kind.rawValue, default: 0] += 1 }
        return StayDueList(
            today: wire(today), items: items, counts: counts, overdue: items.filter(\.overdue).count)
    }
}
