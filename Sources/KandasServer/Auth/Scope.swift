import KandasProtocol
import SQLiteKit

/// SQL conditions that restrict queries to what a principal may see (Protocol §3).
///
/// Every list query ANDs one of these, and every single-object lookup goes through a query that
/// does too, so an object outside the scope is simply not found (`404 not_found`: existence is
/// not revealed). A body that *references* an out-of-scope object gets `403 out_of_scope`.
struct Scope {
    var sql: String
    var args: [SQLValue]

    static let everything = Scope(sql: "1", args: [])

    /// Families (alias `f`): a worker sees its assigned families, a supervisor its centre, a region
    /// admin or regional auditor its region, national roles everything.
    static func families(_ p: Principal, alias f: String = "f") -> Scope {
        switch p.role {
        case .fieldWorker:
            return Scope(
                sql: "EXISTS(SELECT 1 FROM family_workers fw WHERE fw.family_id = \(f).id AND fw.user_id = ?)",
                args: [.text(p.userID)])
        case .centreSupervisor:
            return Scope(sql: "\(f).career_centre_id = ?", args: [.text(p.careerCentreID ?? "")])
        case .regionAdmin, .auditor:
            guard let region = p.regionID else { return p.role == .auditor ? .everything : .nothing }
            return Scope(sql: "\(f).region_id = ?", args: [.text(region)])
        case .nationalAdmin:
            return .everything
        case .migrationOfficer, .aicStaff:
            // Rules 1 roles reach families only through the Centre stay (StayStore's scope).
            return .nothing
        }
    }

    /// Objects anchored by a region column and a career-centre column (users, centres, devices, codes).
    static func organisation(_ p: Principal, region: String, centre: String) -> Scope {
        switch p.role {
        case .fieldWorker, .centreSupervisor:
            return Scope(sql: "\(centre) = ?", args: [.text(p.careerCentreID ?? "")])
        case .regionAdmin, .auditor:
            guard let r = p.regionID else { return p.role == .auditor ? .everything : .nothing }
            return Scope(sql: "\(region) = ?", args: [.text(r)])
        case .nationalAdmin:
            return .everything
        case .migrationOfficer, .aicStaff:
            return .nothing
        }
    }

    static let nothing = Scope(sql: "0", args: [])

    /// Whether a principal may act on a career centre (and its region).
    static func covers(_ p: Principal, regionID: String, centreID: String?) -> Bool {
        switch p.role {
        case .fieldWorker, .centreSupervisor: return centreID != nil && centreID == p.careerCentreID
        case .regionAdmin: return regionID == p.regionID
        case .auditor: return p.regionID == nil || regionID == p.regionID
        case .nationalAdmin: return true
        case .migrationOfficer, .aicStaff: return false
        }
    }
}
